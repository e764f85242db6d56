"""`load_path(path)`: a data set from a file or folder, whatever reader it needs.

Returns `((x_train, y_train), (x_test, y_test)), class_names`, like `load_data()` plus the names
of the classes the labels index. Images keep their stored dtype (uint8 for every format but float
CSVs); labels are (n,) integers, or (n, 1) for CIFAR as Keras returns them. A source without a
test part (one CSV, one image folder) gives test arrays with 0 samples of the same sample shape.

What is recognised, in this order:

    a Keras-layout .npz                 x_train, y_train, x_test, y_test
    a CIFAR .tar.gz / batch folder      cifar-10-python.tar.gz, cifar-10-batches-py/ (or their
                                        Keras 3 -target/ parent), cifar-100 likewise
    four IDX files in a folder          train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
                                        t10k-… (MNIST, Fashion-MNIST); pointing at one of them works
    a .csv / .csv.gz                    one label column plus pixel columns (see csv_table)
    a folder with train/ and test/      each an image folder with the same class subfolders
    a folder of class subfolders        images, as image_dataset_from_directory reads them
    a folder with train.csv (test.csv)  as the .csv case, both parts
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import cifar10, cifar100, cifar_files, csv_table, fashion_mnist, image_folder
from engine.datasets.errors import DatasetError, DatasetNotFoundError
from engine.datasets.readers import check_pair, read_idx, read_npz

SEED = 1337  # image folders are shuffled (as Keras does) in the same order every time
IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")


def load_path(path: str | Path, *, image_size: tuple[int, int] | None = None,
              color_mode: str | None = None):
    """The data set at `path` as `((x_train, y_train), (x_test, y_test)), class_names`.

    `image_size`/`color_mode` apply to image folders (see image_folder.read_image_folder); None
    keeps the images' own size and colour when they are uniform. Image folders come shuffled with
    a fixed seed, so a validation split mixes the classes. DatasetError says what is wrong.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetNotFoundError(f"{path}: no such file or folder.")
    if path.is_file():
        return _from_file(path, image_size, color_mode)
    return _from_folder(path, image_size, color_mode)


def _from_file(path: Path, image_size, color_mode):
    name = path.name.lower()
    if name.endswith(".npz"):
        (x_train, y_train), (x_test, y_test) = read_npz(path)
        return ((x_train, y_train), (x_test, y_test)), _numbered(y_train, y_test)
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        return _cifar(path)
    if name.endswith((".csv", ".csv.gz")):
        x, y, names = csv_table.read_csv(path)
        return ((x, y), _empty_like(x, y)), names
    if _idx_name(name) is not None or name in cifar_files.CIFAR10_BATCHES + cifar_files.CIFAR100_FILES:
        return _from_folder(path.parent, image_size, color_mode)
    raise DatasetError(f"{path.name}: not a data file Hornbook reads. Choose a Keras .npz, a CIFAR "
                       ".tar.gz, a .csv, an IDX file, or a folder of images in class subfolders.")


def _from_folder(path: Path, image_size, color_mode):
    if (path / "mnist.npz").is_file():
        return _from_file(path / "mnist.npz", image_size, color_mode)
    for folder_name, first in ((cifar_files.CIFAR10_FOLDER, "data_batch_1"),
                               (cifar_files.CIFAR100_FOLDER, "train")):
        inner = cifar_files.batch_folder(path, folder_name, first)
        target = path / f"{folder_name}-target" / folder_name
        if (inner / first).is_file() or (target / first).is_file():
            return _cifar(inner if (inner / first).is_file() else target)
    for archive in (cifar10.ARCHIVE, cifar100.ARCHIVE):
        if (path / archive).is_file():
            return _cifar(path / archive)
    idx = _idx_files(path)
    if idx is not None:
        arrays, names = _idx(idx)
        # The IDX files do not name their classes; Fashion-MNIST's folder usually does.
        return arrays, list(fashion_mnist.CLASS_NAMES) if "fashion" in path.name.lower() else names
    if (path / "train").is_dir() and (path / "test").is_dir():
        x, y, names = image_folder.read_image_folder(path / "train", image_size, color_mode, seed=SEED)
        size = x.shape[1:3]  # the test images follow the training images' size and colour
        mode = {1: "grayscale", 3: "rgb", 4: "rgba"}[x.shape[-1]]
        x_test, y_test, _ = image_folder.read_image_folder(path / "test", size, mode, names, seed=SEED)
        return ((x, y), (x_test, y_test)), names
    if (path / "train.csv").is_file():
        x, y, names = csv_table.read_csv(path / "train.csv")
        if not (path / "test.csv").is_file():
            return ((x, y), _empty_like(x, y)), names
        x_test, y_test, test_names = csv_table.read_csv(path / "test.csv")
        if x_test.shape[1:] != x.shape[1:]:
            raise DatasetError(f"{path.name}: test.csv has samples of shape {x_test.shape[1:]} but "
                               f"train.csv has {x.shape[1:]}.")
        longer = names if len(names) >= len(test_names) else test_names
        return ((x, y), (x_test, y_test)), longer
    if image_folder.class_folders(path):
        x, y, names = image_folder.read_image_folder(path, image_size, color_mode, seed=SEED)
        return ((x, y), _empty_like(x, y)), names
    raise DatasetError(f"{path.name}: an empty image folder or one with nothing Hornbook recognises: "
                       "expected class subfolders of images, train/ and test/ subfolders, IDX or CSV "
                       "files, mnist.npz, or CIFAR batches.")


def _cifar(path: Path):
    try:
        return cifar_files.read_cifar10(path), list(cifar10.CLASS_NAMES)
    except DatasetError as first_error:
        try:
            return cifar_files.read_cifar100(path), list(cifar100.FINE_CLASS_NAMES)
        except DatasetError:
            raise first_error from None


def _idx_name(name: str) -> str | None:
    base = name.removesuffix(".gz")
    return base if base in IDX_NAMES else None


def _idx_files(folder: Path) -> list[Path] | None:
    """The four IDX files (raw or .gz) in `folder`, in IDX_NAMES order, or None."""
    found = []
    for stem in IDX_NAMES:
        options = [folder / stem, folder / f"{stem}.gz"]
        present = [p for p in options if p.is_file()]
        if not present:
            return None
        found.append(present[0])
    return found


def _idx(files: list[Path]):
    x_train, y_train, x_test, y_test = (read_idx(f) for f in files)
    check_pair(x_train, y_train, f"{files[0].name} / {files[1].name}")
    check_pair(x_test, y_test, f"{files[2].name} / {files[3].name}")
    return ((x_train, y_train), (x_test, y_test)), _numbered(y_train, y_test)


def _numbered(*labels: np.ndarray) -> list[str]:
    top = max((int(y.max()) for y in labels if y.size), default=0)
    return [str(i) for i in range(top + 1)]


def _empty_like(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.empty((0, *x.shape[1:]), x.dtype), np.empty((0, *y.shape[1:]), y.dtype)
