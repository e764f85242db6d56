"""Downloads against an HTTP server on 127.0.0.1: progress, checksum, resume, 404, timeout."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest

from engine.datasets import (
    DownloadCancelledError,
    DownloadError,
    RemoteFile,
    _paths,
    cifar10,
    fashion_mnist,
    mnist,
)
from engine.datasets.download import TerminalProgress, fetch
from tests.engine.dataset_files import cifar10_parts, cifar10_tar_gz, expected_cifar10, idx_bytes
from tests.local_http import LocalServer

DATA = np.random.default_rng(0).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
SHA = hashlib.sha256(DATA).hexdigest()


def _remote(server, name="blob.bin", sha=SHA):
    return RemoteFile(name, server.url(name), sha)


def test_download_reports_progress_and_renames_when_verified(tmp_path):
    seen = []
    with LocalServer({"/blob.bin": DATA}) as server:
        path = fetch(_remote(server), tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "blob.bin" and path.read_bytes() == DATA
    assert not (tmp_path / "blob.bin.part").exists()
    assert seen[0] == (0, len(DATA)) and seen[-1] == (len(DATA), len(DATA))
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False)) and len(seen) > 3


def test_checksum_mismatch_is_rejected_and_nothing_is_left(tmp_path):
    with LocalServer({"/blob.bin": DATA}) as server, pytest.raises(DownloadError) as info:
        fetch(_remote(server, sha="0" * 64), tmp_path)
    assert "sha256 does not match" in str(info.value) and "deleted" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_transfer_keeps_part_and_resumes_with_range(tmp_path):
    with LocalServer({"/blob.bin": DATA}, modes={"/blob.bin": "cut"}, cut_at=70_000) as server:
        with pytest.raises(DownloadError) as info:
            fetch(_remote(server), tmp_path)
        assert "closed before the whole file arrived" in str(info.value)
        assert "continues from there" in str(info.value)
        assert not (tmp_path / "blob.bin").exists()
        assert (tmp_path / "blob.bin.part").stat().st_size == 70_000
        path = fetch(_remote(server), tmp_path)
        assert server.requests[-1] == ("/blob.bin", "bytes=70000-")
    assert path.read_bytes() == DATA and not (tmp_path / "blob.bin.part").exists()


def test_server_that_ignores_range_restarts_cleanly(tmp_path):
    (tmp_path / "blob.bin.part").write_bytes(DATA[:5000])
    with LocalServer({"/blob.bin": DATA}, modes={"/blob.bin": "no-range"}) as server:
        assert fetch(_remote(server), tmp_path).read_bytes() == DATA


def test_stale_part_from_another_file_is_discarded_once(tmp_path):
    (tmp_path / "blob.bin.part").write_bytes(b"x" * 1000)  # not the start of DATA
    with LocalServer({"/blob.bin": DATA}) as server:
        assert fetch(_remote(server), tmp_path).read_bytes() == DATA
        assert [r[1] for r in server.requests] == ["bytes=1000-", None]


def test_complete_part_is_verified_without_refetching(tmp_path):
    (tmp_path / "blob.bin.part").write_bytes(DATA)
    with LocalServer({"/blob.bin": DATA}) as server:
        assert fetch(_remote(server), tmp_path).read_bytes() == DATA
        assert server.requests == [("/blob.bin", f"bytes={len(DATA)}-")]


def test_404_is_reported_clearly(tmp_path):
    with LocalServer({}) as server, pytest.raises(DownloadError) as info:
        fetch(_remote(server), tmp_path)
    assert "HTTP 404" in str(info.value) and server.url("blob.bin") in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_timeout_is_reported_clearly(tmp_path):
    with LocalServer({"/blob.bin": DATA}, modes={"/blob.bin": "slow"}, delay=5) as server, \
            pytest.raises(DownloadError) as info:
        fetch(_remote(server), tmp_path, timeout=0.3)
    assert "timed out" in str(info.value) and "0.3 seconds" in str(info.value)
    assert not (tmp_path / "blob.bin").exists()


def test_connection_refused_says_offline(tmp_path):
    with LocalServer({}) as server:
        url = server.url("blob.bin")
    with pytest.raises(DownloadError, match="could not connect"):
        fetch(RemoteFile("blob.bin", url, SHA), tmp_path, timeout=2)


def test_cancel_keeps_part_only(tmp_path):
    with LocalServer({"/blob.bin": DATA}) as server, pytest.raises(DownloadCancelledError):
        fetch(_remote(server), tmp_path, cancelled=lambda: True)
    assert [p.name for p in tmp_path.iterdir()] == ["blob.bin.part"]


def test_terminal_progress_bar_draws_one_line():
    stream = io.StringIO()
    bar = TerminalProgress("Downloading MNIST", stream, interval=0)
    bar(0, 2_000_000)
    bar(2_000_000, 2_000_000)
    text = stream.getvalue()
    assert text.startswith("\rDownloading MNIST [") and "100% 2.0/2.0 MB\n" in text


# --- the data set modules, their URL and checksum injected ---------------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.delenv("HORNBOOK_DATA_DIR", raising=False)
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ())
    return tmp_path


def _mnist_npz() -> bytes:
    buffer = io.BytesIO()
    x = np.arange(4 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(4, 28, 28)
    np.savez(buffer, x_train=x, y_train=np.arange(4, dtype=np.uint8), x_test=x[:2],
             y_test=np.arange(2, dtype=np.uint8))
    return buffer.getvalue()


def test_mnist_load_data_downloads_into_hornbooks_cache(home, monkeypatch):
    monkeypatch.delenv("HORNBOOK_OFFLINE")
    data = _mnist_npz()
    seen = []
    with LocalServer({"/mnist.npz": data}) as server:
        remote = RemoteFile("mnist.npz", server.url("mnist.npz"), hashlib.sha256(data).hexdigest())
        monkeypatch.setattr(mnist, "REMOTES", (remote,))
        (x_train, _), (x_test, _) = mnist.load_data(progress=lambda d, t: seen.append(d))
    assert x_train.shape == (4, 28, 28) and x_test.shape == (2, 28, 28)
    assert (_paths.user_cache_dir() / "mnist.npz").read_bytes() == data
    assert seen[-1] == len(data)


def test_failed_download_says_where_to_put_the_file(home, monkeypatch):
    monkeypatch.delenv("HORNBOOK_OFFLINE")
    with LocalServer({}) as server:
        remote = RemoteFile("mnist.npz", server.url("mnist.npz"), SHA)
        monkeypatch.setattr(mnist, "REMOTES", (remote,))
        with pytest.raises(DownloadError) as info:
            mnist.load_data(progress=lambda *_: None)
    message = str(info.value)
    assert "HTTP 404" in message and "To install MNIST by hand" in message
    assert str(home / "home" / ".keras" / "datasets") in message and "mnist.npz" in message


def test_fashion_mnist_download_of_four_files_counts_all_bytes(home):
    x = np.zeros((3, 28, 28), np.uint8)
    y = np.arange(3, dtype=np.uint8)
    files = {name: idx_bytes(a) for name, a in zip(fashion_mnist.FILES, (y, x, y, x), strict=True)}
    seen = []
    with LocalServer({f"/{n}": d for n, d in files.items()}) as server:
        remotes = tuple(RemoteFile(n, server.url(n), hashlib.sha256(d).hexdigest(), len(d))
                        for n, d in files.items())
        folder = fashion_mnist.download(lambda done, total: seen.append((done, total)), remotes=remotes)
    total = sum(map(len, files.values()))
    assert seen[-1] == (total, total)
    assert folder == fashion_mnist.find_files()
    (x_train, _), _ = fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28)


def test_cifar10_download_verifies_extracts_and_removes_archive(home):
    parts = cifar10_parts(per_batch=3)
    archive = cifar10_tar_gz(parts)
    with LocalServer({"/c.tar.gz": archive}) as server:
        remote = RemoteFile("cifar-10-python.tar.gz", server.url("c.tar.gz"),
                            hashlib.sha256(archive).hexdigest())
        folder = cifar10.download(remotes=(remote,))
    assert folder == _paths.user_cache_dir() / "cifar-10-batches-py" == cifar10.find_files()
    assert sorted(p.name for p in folder.parent.iterdir()) == ["cifar-10-batches-py"]
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    (ex, ey), (tx, ty) = expected_cifar10(parts)
    np.testing.assert_array_equal(x_train, ex)
    np.testing.assert_array_equal(y_test, ty)
