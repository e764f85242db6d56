"""Fashion-MNIST like `keras.datasets.fashion_mnist.load_data()`, from the four IDX .gz files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths
from engine.datasets.download import TIMEOUT, RemoteFile, fetch_all
from engine.datasets.readers import check_pair, read_idx

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
SYSTEM_DIRS = (Path("/usr/share/datasets/fashion-mnist"),)  # Debian's dataset-fashion-mnist
SUBFOLDER = "fashion-mnist"  # Keras keeps the files in this subfolder of its cache
_BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
REMOTES = tuple(RemoteFile(name, _BASE_URL + name, sha256, size) for name, sha256, size in (
    ("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
     29_515),
    ("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
     26_421_880),
    ("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
     5_148),
    ("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
     4_422_102),
))


def search_dirs() -> list[Path]:
    dirs = [d / SUBFOLDER for d in _paths.search_dirs()]
    dirs[-1:-1] = list(SYSTEM_DIRS)  # system copies before Hornbook's own cache
    return dirs


def find_files() -> Path:
    """The folder holding the four files."""
    return _paths.find(FILES, search_dirs(), "Fashion-MNIST")


def download(progress=None, *, remotes=None, folder: str | Path | None = None, cancelled=None,
             timeout: float = TIMEOUT) -> Path:
    """Fetch the four files into Hornbook's cache (or `folder`); returns their folder."""
    folder = Path(folder) if folder else _paths.user_cache_dir() / SUBFOLDER
    fetch_all(remotes or REMOTES, folder, progress=progress, cancelled=cancelled, timeout=timeout)
    return folder


def read_folder(folder: str | Path):
    """The four IDX files in `folder` as ((x_train, y_train), (x_test, y_test))."""
    folder = Path(folder)
    y_train, x_train, y_test, x_test = (read_idx(folder / name) for name in FILES)
    check_pair(x_train, y_train, "Fashion-MNIST (train)")
    check_pair(x_test, y_test, "Fashion-MNIST (test)")
    return (x_train, y_train), (x_test, y_test)


def load_data(*, progress=None, allow_download: bool = True
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (60000, 28, 28), y_train), (x_test (10000, 28, 28), y_test)), uint8."""
    return read_folder(_paths.find_or_download("Fashion-MNIST", find_files, download, progress,
                                               allow_download))
