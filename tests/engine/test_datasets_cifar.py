"""CIFAR pickled batches, on small files in the official format that the tests write."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from engine.datasets import DatasetError, load_path, read_cifar10, read_cifar100
from engine.datasets.cifar_files import parse_batch
from tests.engine.dataset_files import (
    cifar10_parts,
    cifar10_tar_gz,
    cifar_batch,
    expected_cifar10,
    tar_gz,
    write_cifar10_folder,
)


@pytest.fixture(scope="module")
def parts():
    return cifar10_parts(per_batch=5)


def _check(result, parts):
    (x_train, y_train), (x_test, y_test) = result
    (ex, ey), (tx, ty) = expected_cifar10(parts)
    assert x_train.shape == (25, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (25, 1) and y_train.dtype == np.uint8
    for got, want in ((x_train, ex), (y_train, ey), (x_test, tx), (y_test, ty)):
        np.testing.assert_array_equal(got, want)


def test_extracted_folder(tmp_path, parts):
    _check(read_cifar10(write_cifar10_folder(tmp_path / "cifar-10-batches-py", parts)), parts)


def test_tar_gz_archive(tmp_path, parts):
    path = tmp_path / "cifar-10-python.tar.gz"
    path.write_bytes(cifar10_tar_gz(parts))
    _check(read_cifar10(path), parts)


def test_keras3_target_folder_through_load_path(tmp_path, parts):
    write_cifar10_folder(tmp_path / "cifar-10-batches-py-target" / "cifar-10-batches-py", parts)
    result, names = load_path(tmp_path / "cifar-10-batches-py-target")
    _check(result, parts)
    assert names[:3] == ["airplane", "automobile", "bird"] and len(names) == 10


def test_channels_are_the_red_green_blue_planes():
    rows = np.zeros((1, 3072), np.uint8)
    rows[0, :1024], rows[0, 1024:2048], rows[0, 2048:] = 10, 20, 30
    raw = pickle.dumps({b"data": rows, b"labels": [7]}, protocol=2)
    x, y = parse_batch(raw, "one")
    assert x.shape == (1, 32, 32, 3) and x[0, 5, 9].tolist() == [10, 20, 30] and y.tolist() == [7]


def test_cifar100_fine_and_coarse(tmp_path):
    rng = np.random.default_rng(3)
    x, x_test = (rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8) for n in (6, 2))

    def batch(images, fine, coarse):
        return cifar_batch(images, fine, b"fine_labels", {b"coarse_labels": [int(c) for c in coarse]})

    path = tmp_path / "cifar-100-python.tar.gz"
    path.write_bytes(tar_gz({"cifar-100-python/train": batch(x, [99, 1, 2, 3, 4, 5], [19, 0, 1, 2, 3, 4]),
                             "cifar-100-python/test": batch(x_test, [50, 60], [10, 11])}))
    (xt, yt), (xs, ys) = read_cifar100(path, "fine")
    np.testing.assert_array_equal(xt, x)
    assert yt[:, 0].tolist() == [99, 1, 2, 3, 4, 5] and ys.shape == (2, 1)
    (_, yc), _ = read_cifar100(path, "coarse")
    assert yc[0, 0] == 19
    _, names = load_path(path)
    assert len(names) == 100 and names[0] == "apple"


# --- bad inputs: each says what is wrong -------------------------------------------------------

def _folder_with(tmp_path, parts, name, raw: bytes):
    folder = write_cifar10_folder(tmp_path / "cifar-10-batches-py", parts)
    (folder / name).write_bytes(raw)
    return folder


def test_batch_of_the_wrong_length(tmp_path, parts):
    raw = pickle.dumps({b"data": np.zeros((5, 3000), np.uint8), b"labels": [0] * 5}, protocol=2)
    with pytest.raises(DatasetError, match=r"data_batch_3: a CIFAR batch of the wrong length: each image "
                                           r"must be 3,072 bytes .* shape \(5, 3000\)"):
        read_cifar10(_folder_with(tmp_path, parts, "data_batch_3", raw))


def test_batch_labels_and_images_of_different_counts(tmp_path, parts):
    raw = pickle.dumps({b"data": np.zeros((5, 3072), np.uint8), b"labels": [0] * 4}, protocol=2)
    with pytest.raises(DatasetError, match="test_batch: 5 images but 4 labels"):
        read_cifar10(_folder_with(tmp_path, parts, "test_batch", raw))


def test_batch_that_is_not_a_pickle(tmp_path, parts):
    with pytest.raises(DatasetError, match="data_batch_1: not a CIFAR batch: it cannot be read"):
        read_cifar10(_folder_with(tmp_path, parts, "data_batch_1", b"plain text, no pickle here"))


def test_batch_without_data_entry(tmp_path, parts):
    raw = pickle.dumps({b"labels": [1, 2]}, protocol=2)
    with pytest.raises(DatasetError, match="data_batch_2: not a CIFAR batch: no data entry"):
        read_cifar10(_folder_with(tmp_path, parts, "data_batch_2", raw))


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_batch_that_would_run_code_is_refused(tmp_path, parts, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw = pickle.dumps({b"data": _Exploit(), b"labels": []}, protocol=2)
    with pytest.raises(DatasetError, match="never does"):
        read_cifar10(_folder_with(tmp_path, parts, "data_batch_4", raw))
    assert not (tmp_path / "pwned").exists()


def test_folder_missing_a_batch(tmp_path, parts):
    folder = write_cifar10_folder(tmp_path / "cifar-10-batches-py", parts)
    (folder / "test_batch").unlink()
    with pytest.raises(DatasetError, match="missing test_batch"):
        read_cifar10(folder)


def test_archive_missing_a_batch(tmp_path, parts):
    path = tmp_path / "cifar-10-python.tar.gz"
    path.write_bytes(tar_gz({"cifar-10-batches-py/data_batch_1": cifar_batch(*parts["data_batch_1"])}))
    with pytest.raises(DatasetError, match="the archive lacks data_batch_2, .*test_batch"):
        read_cifar10(path)


def test_archive_cut_short(tmp_path, parts):
    data = cifar10_tar_gz(parts)
    path = tmp_path / "cifar-10-python.tar.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="cifar-10-python.tar.gz: (not a readable|the archive lacks)"):
        read_cifar10(path)
