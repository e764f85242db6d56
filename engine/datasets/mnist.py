"""MNIST digits like `keras.datasets.mnist.load_data()`: uint8 (n, 28, 28) images and labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths
from engine.datasets.download import TIMEOUT, RemoteFile, fetch_all
from engine.datasets.readers import read_npz

CLASS_NAMES = [str(d) for d in range(10)]
FILE = "mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
REMOTES = (RemoteFile(FILE, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
                      SHA256, 11_490_434),)


def find_files(path: str = FILE) -> Path:
    """The mnist.npz that load_data would read; DatasetNotFoundError lists where it looked."""
    return _paths.find([path], _paths.search_dirs(), "MNIST") / path


def download(progress=None, *, remotes=None, folder: str | Path | None = None, cancelled=None,
             timeout: float = TIMEOUT) -> Path:
    """Fetch mnist.npz into Hornbook's cache (or `folder`), verified against its sha256."""
    return fetch_all(remotes or REMOTES, folder or _paths.user_cache_dir(), progress=progress,
                     cancelled=cancelled, timeout=timeout)[0]


def load_data(path: str = FILE, *, progress=None, allow_download: bool = True
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (60000, 28, 28), y_train (60000,)), (x_test (10000, 28, 28), y_test)), uint8.

    Downloads the file into Hornbook's cache when no folder searched holds it (unless
    `allow_download` is False); `progress(done, total)` sees the bytes (default: a terminal bar).
    """
    found = _paths.find_or_download("MNIST", lambda: find_files(path), download, progress, allow_download)
    return read_npz(found)
