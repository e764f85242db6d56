"""Text files in one subfolder per class, as `keras.utils.text_dataset_from_directory` reads them.

    reviews/neg/0_3.txt, reviews/neg/1_1.txt, …, reviews/pos/…

Class names are the sorted subfolder names and labels index them; the `.txt` files anywhere below
a class folder are its samples (other files are ignored, as Keras does). Hidden files and folders
are skipped. Bytes that are not UTF-8 become U+FFFD rather than stopping the load.

The aclImdb layout, `train/` and `test/` each holding the same class folders, is read by
`read_text_folder_splits`; its `train/unsup/` (unlabelled reviews, absent from `test/`) is left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError, DatasetNotFoundError
from engine.datasets.image_folder import _files, class_folders

EXTENSIONS = (".txt",)
SEED = 1337  # the default shuffle is the same every time, so a validation split is repeatable
UNLABELLED = "unsup"  # aclImdb's train/unsup: reviews without a sentiment


def read_text_folder(path: str | Path, class_names: list[str] | None = None, shuffle: bool = True,
                     seed: int | None = SEED) -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, labels (n,) int64, class names).

    `class_names` reads only those subfolders (each must exist), in that order. `shuffle` (Keras'
    default) mixes the classes so that a validation split taken from the end is not one class;
    unshuffled, the order is class, then file path.
    """
    path = Path(path)
    if not path.is_dir():
        raise DatasetNotFoundError(f"{path}: not a folder.")
    folders = class_folders(path)
    if class_names is not None:
        present = {f.name: f for f in folders}
        missing = [n for n in class_names if n not in present]
        if missing:
            raise DatasetError(f"{path.name}: has no class folder {', '.join(missing)}; expected "
                               f"{', '.join(class_names)}.")
        folders = [present[n] for n in class_names]
    names = [f.name for f in folders]
    if not folders:
        raise DatasetError(f"{path.name}: no class subfolders. Put the .txt files in one subfolder per "
                           "class (e.g. neg/, pos/).")
    if len(folders) < 2:
        raise DatasetError(f"{path.name}: only one class folder ({names[0]}); a classifier needs at least "
                           "two, one subfolder per class.")
    texts: list[str] = []
    labels: list[int] = []
    for label, folder in enumerate(folders):
        files = [f for f in _files(folder) if f.name.lower().endswith(EXTENSIONS)]
        if not files:
            raise DatasetError(f"{path.name}: the class folder {folder.name}/ holds no .txt files; add "
                               "some or remove the folder.")
        for file in files:
            try:
                texts.append(file.read_bytes().decode("utf-8-sig", errors="replace"))
            except OSError as exc:
                raise DatasetError(f"{file.relative_to(path)}: could not be read ({exc}).") from exc
        labels += [label] * len(files)
    y = np.asarray(labels, np.int64)
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(texts))
        texts, y = [texts[i] for i in order], y[order]
    return texts, y, names


def has_splits(path: str | Path) -> bool:
    """True when `path` holds `train/` and `test/` folders (the aclImdb layout)."""
    path = Path(path)
    return (path / "train").is_dir() and (path / "test").is_dir()


def read_text_folder_splits(path: str | Path, shuffle: bool = True, seed: int | None = SEED):
    """((texts_train, y_train), (texts_test, y_test), class_names).

    With `train/` and `test/` the classes are the test folder's, which the train folder must hold
    too (its extra `unsup/` is ignored). Without them, the whole folder is the training part and
    the test part is empty: ([], int64 array of shape (0,)).
    """
    path = Path(path)
    if not has_splits(path):
        texts, y, names = read_text_folder(path, shuffle=shuffle, seed=seed)
        return (texts, y), ([], np.empty(0, np.int64)), names
    train_names = [f.name for f in class_folders(path / "train")]
    test_names = [f.name for f in class_folders(path / "test")]
    extra = sorted(set(train_names) - set(test_names) - {UNLABELLED})
    missing = sorted(set(test_names) - set(train_names))
    if extra or missing:
        raise DatasetError(f"{path.name}: train/ and test/ must hold the same class folders; "
                           f"only in train/: {', '.join(extra) or 'none'}; only in test/: "
                           f"{', '.join(missing) or 'none'}.")
    texts, y, names = read_text_folder(path / "train", test_names, shuffle, seed)
    texts_test, y_test, _ = read_text_folder(path / "test", test_names, shuffle, seed)
    return (texts, y), (texts_test, y_test), names
