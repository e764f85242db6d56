"""MNIST digits like `keras.datasets.mnist.load_data()`: uint8 (n, 28, 28) images and labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths
from engine.datasets.readers import read_npz

CLASS_NAMES = [str(d) for d in range(10)]
FILE = "mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def find_files(path: str = FILE) -> Path:
    """The mnist.npz that load_data would read; DatasetNotFoundError lists where it looked."""
    return _paths.find([path], _paths.search_dirs(), "MNIST") / path


def load_data(path: str = FILE) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (60000, 28, 28), y_train (60000,)), (x_test (10000, 28, 28), y_test)), uint8."""
    return read_npz(find_files(path))
