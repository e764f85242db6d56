"""Where data sets are found (HORNBOOK_DATA_DIR, Keras' cache, system copies, Hornbook's cache),
and the real data sets when this machine has them. No test reads the real home folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from engine.datasets import (
    DatasetNotFoundError,
    _paths,
    cifar10,
    cifar100,
    fashion_mnist,
    load_path,
    mnist,
)
from tests.engine.dataset_files import cifar10_parts, cifar10_tar_gz, write_cifar10_folder, write_idx

SHARED_MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist.npz"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fake home: HOME, no KERAS_HOME / HORNBOOK_DATA_DIR, XDG cache inside it, no system dirs."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.delenv("HORNBOOK_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (tmp_path / "system" / "fashion-mnist",))
    return tmp_path / "home"


def _npz(folder: Path, value: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    x = np.full((2, 28, 28), value, np.uint8)
    y = np.zeros(2, np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=y, x_test=x, y_test=y)
    return folder / "mnist.npz"


def test_search_dirs_order(home, tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path / "mine"))
    system = tmp_path / "system"
    assert _paths.search_dirs((system,)) == [tmp_path / "mine", home / ".keras" / "datasets", system,
                                             home / ".cache" / "hornbook" / "datasets"]


def test_keras_home_moves_keras_cache(home, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert _paths.keras_cache_dir() == tmp_path / "kh" / "datasets"


def test_mnist_first_match_wins(home, tmp_path, monkeypatch):
    cache = _npz(home / ".cache" / "hornbook" / "datasets", 3)
    assert mnist.find_files() == cache
    keras = _npz(home / ".keras" / "datasets", 2)
    assert mnist.find_files() == keras
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path / "mine"))
    mine = _npz(tmp_path / "mine", 1)
    assert mnist.find_files() == mine
    (x, _), _ = mnist.load_data()
    assert x[0, 0, 0] == 1


def test_missing_mnist_lists_every_folder_and_says_offline(home, tmp_path, monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path / "mine"))
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_data()
    message = str(info.value)
    cache = home / ".cache" / "hornbook" / "datasets"
    for folder in (tmp_path / "mine", home / ".keras" / "datasets", cache):
        assert str(folder) in message
    assert "mnist.npz" in message and "HORNBOOK_OFFLINE" in message
    assert not any(Path(tmp_path).rglob("*.part"))


def test_fashion_mnist_keras_cache_before_system_copy(home, tmp_path):
    x = np.zeros((3, 28, 28), np.uint8)
    y = np.arange(3, dtype=np.uint8)
    system = tmp_path / "system" / "fashion-mnist"
    keras = home / ".keras" / "datasets" / "fashion-mnist"
    for folder in (system, keras):
        folder.mkdir(parents=True)
        for name, array in zip(fashion_mnist.FILES, (y, x, y, x), strict=True):
            write_idx(folder / name, array, gz=True)
    assert fashion_mnist.find_files() == keras
    shutil.rmtree(keras)
    assert fashion_mnist.find_files() == system
    (x_train, y_train), _ = fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and list(y_train) == [0, 1, 2]


@pytest.mark.parametrize("layout", ["keras2", "keras3", "archive"])
def test_cifar10_found_in_each_keras_layout(home, layout):
    parts = cifar10_parts(per_batch=2)
    datasets = home / ".keras" / "datasets"
    if layout == "keras2":
        write_cifar10_folder(datasets / "cifar-10-batches-py", parts)
    elif layout == "keras3":
        write_cifar10_folder(datasets / "cifar-10-batches-py-target" / "cifar-10-batches-py", parts)
    else:
        datasets.mkdir(parents=True)
        (datasets / "cifar-10-python.tar.gz").write_bytes(cifar10_tar_gz(parts))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_test.shape == (2, 1) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_test, parts["test_batch"][0])


def test_cifar_missing_names_both_forms(home):
    for module, names in ((cifar10, ("cifar-10-python.tar.gz", "cifar-10-batches-py/")),
                          (cifar100, ("cifar-100-python.tar.gz", "cifar-100-python/"))):
        with pytest.raises(DatasetNotFoundError) as info:
            module.load_data()
        assert all(name in str(info.value) for name in names)


def test_cifar100_label_mode_is_validated():
    with pytest.raises(ValueError, match="Received: label_mode=medium"):
        cifar100.load_data("medium")


# --- the real data sets, when this machine has them ---------------------------------------------

@pytest.mark.skipif(not SHARED_MNIST.is_file(), reason=f"full MNIST not at {SHARED_MNIST}")
def test_full_mnist_from_shared_data(monkeypatch):
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(SHARED_MNIST.parent))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist()[:2] == [5923, 6742]  # MNIST's published class counts
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]  # original order


@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_from_debian(home, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (DEBIAN_FASHION,))
    assert fashion_mnist.find_files() == DEBIAN_FASHION
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    ((x2, _), _), names = load_path(DEBIAN_FASHION)
    np.testing.assert_array_equal(x2, x_train)
    assert names == fashion_mnist.CLASS_NAMES


def test_real_home_is_not_read(home):
    assert str(home) in str(_paths.keras_cache_dir()) and os.environ["HOME"] == str(home)
