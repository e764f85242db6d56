"""CIFAR-10 like `keras.datasets.cifar10.load_data()`: (n, 32, 32, 3) uint8 images, (n, 1) labels.

Found as an extracted `cifar-10-batches-py/` (Keras 2, Hornbook), Keras 3's
`cifar-10-batches-py-target/cifar-10-batches-py/`, or the official `cifar-10-python.tar.gz`, in the
usual folders; otherwise downloaded, verified and extracted into Hornbook's cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths, cifar_files
from engine.datasets.download import TIMEOUT, RemoteFile, fetch_all
from engine.datasets.errors import DatasetNotFoundError

CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
FOLDER = cifar_files.CIFAR10_FOLDER
ARCHIVE = "cifar-10-python.tar.gz"
REMOTES = (RemoteFile(ARCHIVE, "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                      "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce", 170_498_071),)


def find_files() -> Path:
    """The batch folder or archive load_data would read; DatasetNotFoundError lists where it looked."""
    dirs = _paths.search_dirs()
    for path in cifar_files.candidates(dirs, FOLDER, ARCHIVE):
        if cifar_files.usable(path, cifar_files.CIFAR10_BATCHES[0]):
            return path
    where = _paths.where_to_put([ARCHIVE, FOLDER + "/"], dirs)
    raise DatasetNotFoundError(f"CIFAR-10 was not found. {where}")


def download(progress=None, *, remotes=None, folder: str | Path | None = None, cancelled=None,
             timeout: float = TIMEOUT) -> Path:
    """Fetch the archive into Hornbook's cache (or `folder`), verify it, extract the batches into
    `cifar-10-batches-py/` there and delete the archive. Returns the batch folder."""
    archive = fetch_all(remotes or REMOTES, folder or _paths.user_cache_dir(), progress=progress,
                        cancelled=cancelled, timeout=timeout)[0]
    target = archive.parent / FOLDER
    if not target.is_dir():
        cifar_files.extract(archive, cifar_files.CIFAR10_BATCHES, FOLDER, ("batches.meta",))
    archive.unlink(missing_ok=True)
    return target


def load_data(*, progress=None, allow_download: bool = True
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (50000, 32, 32, 3), y_train (50000, 1)), (x_test (10000, 32, 32, 3), y_test
    (10000, 1))), all uint8, labels 0–9 indexing CLASS_NAMES."""
    path = _paths.find_or_download("CIFAR-10", find_files, download, progress, allow_download)
    return cifar_files.read_cifar10(path)
