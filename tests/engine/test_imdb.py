"""imdb.load_data / get_word_index against a small fake imdb.npz; downloads from 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pytest

from engine.datasets import DatasetError, DatasetNotFoundError, DownloadError, RemoteFile, _paths, imdb
from tests.local_http import LocalServer

N_TRAIN, N_TEST = 12, 7


def _reviews(n: int, label_base: int, seed: int):
    """Reviews whose first word encodes (split, position) so that pairing survives shuffling."""
    rng = np.random.default_rng(seed)
    x = np.empty(n, dtype=object)
    for i in range(n):
        x[i] = [label_base + i] + rng.integers(1, 40, rng.integers(1, 9)).tolist()
    return x, (np.arange(n) % 2).astype(np.int64)


def _npz_bytes() -> bytes:
    x_train, y_train = _reviews(N_TRAIN, 100, 0)
    x_test, y_test = _reviews(N_TEST, 200, 1)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return buffer.getvalue()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    (tmp_path / "imdb.npz").write_bytes(_npz_bytes())
    return tmp_path


def _raw(seed: int = 113):
    """The fake arrays in Keras' shuffled order: one RandomState, train's permutation drawn first."""
    x_train, y_train = _reviews(N_TRAIN, 100, 0)
    x_test, y_test = _reviews(N_TEST, 200, 1)
    rng = np.random.RandomState(seed)
    p_train, p_test = rng.permutation(N_TRAIN), rng.permutation(N_TEST)
    return (list(x_train[p_train]), y_train[p_train]), (list(x_test[p_test]), y_test[p_test])


def test_defaults_shuffle_shift_and_mark_out_of_range_like_keras(data_dir):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    (raw_train, raw_y_train), (raw_test, raw_y_test) = _raw()
    assert x_train.dtype == object and x_train.shape == (N_TRAIN,) and x_test.shape == (N_TEST,)
    np.testing.assert_array_equal(y_train, raw_y_train)
    np.testing.assert_array_equal(y_test, raw_y_test)
    top = max(w + 3 for seq in raw_train + raw_test for w in seq)  # num_words=None: the largest index
    for got, raw in zip(list(x_train) + list(x_test), raw_train + raw_test, strict=True):
        assert got == [1] + [w + 3 if w + 3 < top else 2 for w in raw]
    assert [seq[1] - 3 for seq in x_train] == [seq[0] for seq in raw_train]


def test_num_words_skip_top_and_dropping_oov(data_dir):
    (x_train, _), (x_test, _) = imdb.load_data(num_words=20, skip_top=5, seed=4)
    (raw_train, _), (raw_test, _) = _raw(4)
    for got, raw in zip(list(x_train) + list(x_test), raw_train + raw_test, strict=True):
        # the start mark 1 is below skip_top, so it becomes the oov mark too, as in Keras
        assert got == [2] + [w + 3 if 5 <= w + 3 < 20 else 2 for w in raw]
    (x_train, _), _ = imdb.load_data(num_words=20, skip_top=5, seed=4, oov_char=None)
    for got, raw in zip(x_train, raw_train, strict=True):
        assert got == [w + 3 for w in raw if 5 <= w + 3 < 20]


def test_maxlen_drops_long_reviews_counting_the_start_mark(data_dir):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=6, num_words=1000)
    (raw_train, raw_y), (raw_test, _) = _raw()
    kept = [(seq, y) for seq, y in zip(raw_train, raw_y, strict=True) if len(seq) + 1 < 6]
    assert 0 < len(kept) < N_TRAIN
    assert list(x_train) == [[1] + [w + 3 for w in seq] for seq, _ in kept]
    np.testing.assert_array_equal(y_train, [y for _, y in kept])
    assert len(x_test) == sum(len(seq) + 1 < 6 for seq in raw_test) == len(y_test)
    with pytest.raises(ValueError, match="Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_no_start_char_and_no_offset(data_dir):
    (x_train, _), _ = imdb.load_data(start_char=None, index_from=0, num_words=1000)
    (raw_train, _), _ = _raw()
    assert list(x_train) == [list(seq) for seq in raw_train]


def test_equal_length_reviews_stay_a_flat_object_array(tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path))
    same = np.empty(3, dtype=object)
    for i in range(3):
        same[i] = [i + 1, i + 2]
    np.savez(tmp_path / "imdb.npz", x_train=same, y_train=np.array([0, 1, 0]), x_test=same,
             y_test=np.array([1, 0, 1]))
    (x_train, _), (x_test, _) = imdb.load_data(num_words=100)
    assert x_train.shape == (3,) and x_test.shape == (3,) and all(len(s) == 3 for s in x_train)


def test_bad_file_and_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DatasetNotFoundError, match="(?s)IMDB was not found.*imdb.npz.*HORNBOOK_OFFLINE"):
        imdb.load_data()
    np.savez(tmp_path / "imdb.npz", x_train=np.zeros(3))
    with pytest.raises(DatasetError, match="lacks y_train, x_test, y_test"):
        imdb.load_data()
    (tmp_path / "imdb.npz").write_bytes(b"garbage, not a zip")
    with pytest.raises(DatasetError, match="could not be read as a .npz"):
        imdb.load_data()


def test_word_index_is_read_from_the_data_folder(data_dir):
    (data_dir / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index() == {"the": 1, "and": 2}
    (data_dir / "imdb_word_index.json").write_text("{not json")
    with pytest.raises(DatasetError, match="word index"):
        imdb.get_word_index()


def test_load_data_downloads_verified_npz_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("HORNBOOK_OFFLINE")
    monkeypatch.delenv("HORNBOOK_DATA_DIR", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = _npz_bytes()
    seen = []
    with LocalServer({"/imdb.npz": data}) as server:
        remote = RemoteFile("imdb.npz", server.url("imdb.npz"), hashlib.sha256(data).hexdigest())
        monkeypatch.setattr(imdb, "REMOTES", (remote,))
        (x_train, y_train), _ = imdb.load_data(progress=lambda done, total: seen.append(done))
    assert (_paths.user_cache_dir() / "imdb.npz").read_bytes() == data
    assert seen[-1] == len(data) and len(x_train) == len(y_train) == N_TRAIN


def test_download_rejects_a_wrong_sha256(tmp_path):
    data = _npz_bytes()
    with LocalServer({"/imdb.npz": data}) as server, pytest.raises(DownloadError, match="sha256"):
        imdb.download(remotes=(RemoteFile("imdb.npz", server.url("imdb.npz"), "0" * 64),), folder=tmp_path)
    assert not (tmp_path / "imdb.npz").exists()


def test_word_index_download_is_checked_by_md5(tmp_path):
    data = json.dumps({"film": 1}).encode()
    with LocalServer({"/imdb_word_index.json": data}) as server:
        url = server.url("imdb_word_index.json")
        bad = RemoteFile("imdb_word_index.json", url, "0" * 32)
        with pytest.raises(DownloadError, match="md5 does not match"):
            imdb.download_word_index(remote=bad, folder=tmp_path)
        assert list(tmp_path.iterdir()) == []
        good = RemoteFile("imdb_word_index.json", url, hashlib.md5(data).hexdigest())
        path = imdb.download_word_index(remote=good, folder=tmp_path)
    assert path == tmp_path / "imdb_word_index.json" and path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["imdb_word_index.json"]
