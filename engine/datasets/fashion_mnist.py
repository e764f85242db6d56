"""Fashion-MNIST like `keras.datasets.fashion_mnist.load_data()`, from the four IDX .gz files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths
from engine.datasets.readers import check_pair, read_idx

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
SYSTEM_DIRS = (Path("/usr/share/datasets/fashion-mnist"),)  # Debian's dataset-fashion-mnist


def find_files() -> Path:
    """The folder holding the four files; Keras keeps them in a `fashion-mnist` subfolder."""
    dirs = [d / "fashion-mnist" for d in _paths.search_dirs()]
    dirs[-1:-1] = list(SYSTEM_DIRS)
    return _paths.find(FILES, dirs, "Fashion-MNIST")


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (60000, 28, 28), y_train), (x_test (10000, 28, 28), y_test)), uint8."""
    folder = find_files()
    y_train, x_train, y_test, x_test = (read_idx(folder / name) for name in FILES)
    check_pair(x_train, y_train, "Fashion-MNIST (train)")
    check_pair(x_test, y_test, "Fashion-MNIST (test)")
    return (x_train, y_train), (x_test, y_test)
