"""The user's own digit samples: drawings corrected with "Wrong? It's a …" in the predict view.

Stored as one .npz (``x``: uint8 (n, 28, 28), white on black like MNIST; ``y``: int64 (n,) class
indices) in Hornbook's data folder, so the data panel can add them to a training set. Every write
goes to a temporary file in the same folder and is then renamed over the old one: a crash or a full
disk mid-write leaves the previous set intact, never half a file.

Where: ``$HORNBOOK_USER_DATA/user_samples.npz`` when that variable is set (tests point it at a tmp
folder), else QStandardPaths' GenericDataLocation / "Hornbook" — the folder the autosave lives in
(~/.local/share/Hornbook on Linux). Generic rather than AppDataLocation because the latter depends on
the QApplication's name, which scripts and the command line tools don't set: every entry point must
find the same file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

FILE_NAME = "user_samples.npz"
ENV_FOLDER = "HORNBOOK_USER_DATA"
SIDE = 28


def default_folder() -> Path:
    """Where the user's samples live unless a store is given a folder of its own."""
    override = os.environ.get(ENV_FOLDER)
    if override:
        return Path(override)
    from PySide6.QtCore import QStandardPaths  # only here: the store itself needs no Qt

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base) / "Hornbook"


class UserSampleStore:
    """The sample set in ``folder`` (default: `default_folder()`, read when first used)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self._folder = Path(folder) if folder is not None else None

    @property
    def path(self) -> Path:
        return (self._folder or default_folder()) / FILE_NAME

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """(x uint8 (n, 28, 28), y int64 (n,)); empty arrays when nothing is stored yet.

        Raises ValueError with a readable message when the file exists but is damaged.
        """
        path = self.path
        if not path.exists():
            return np.zeros((0, SIDE, SIDE), np.uint8), np.zeros((0,), np.int64)
        try:
            with np.load(path, allow_pickle=False) as data:
                x, y = np.asarray(data["x"]), np.asarray(data["y"])
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"Your saved samples in {path} can't be read ({exc}). Move the file "
                             "away to start a new set.") from exc
        if x.dtype != np.uint8 or x.shape[1:] != (SIDE, SIDE) or y.shape != (len(x),):
            raise ValueError(f"Your saved samples in {path} have an unexpected layout "
                             f"(x {x.shape} {x.dtype}, y {y.shape}). Move the file away to start "
                             "a new set.")
        return x, y.astype(np.int64)

    def count(self) -> int:
        """How many samples are stored (0 when the file is missing or unreadable)."""
        try:
            return len(self.load()[1])
        except ValueError:
            return 0

    def add(self, image: np.ndarray, label: int) -> int:
        """Append one (28, 28) image — uint8 0..255, or float 0..1 as the canvas makes it — with
        its class index; returns the new count."""
        pixels = _as_uint8_image(image)
        if isinstance(label, bool) or not isinstance(label, int | np.integer) or label < 0:
            raise ValueError(f"label must be a class index ≥ 0. Received: label={label!r}")
        x, y = self.load()
        x = np.concatenate([x, pixels[None]])
        y = np.concatenate([y, np.array([int(label)], np.int64)])
        self._write(x, y)
        return len(y)

    def clear(self) -> None:
        """Forget every stored sample (removes the file)."""
        self.path.unlink(missing_ok=True)

    def _write(self, x: np.ndarray, y: np.ndarray) -> None:
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".user_samples-", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:  # a handle, so numpy adds no second ".npz"
                np.savez_compressed(handle, x=x, y=y)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _as_uint8_image(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.shape == (SIDE, SIDE, 1):
        arr = arr[..., 0]
    if arr.shape != (SIDE, SIDE):
        raise ValueError(f"a user sample is a {SIDE}×{SIDE} image. Received shape {arr.shape}")
    if arr.dtype == np.uint8:
        return arr.copy()
    return np.clip(np.round(arr.astype(np.float64) * 255.0), 0, 255).astype(np.uint8)


# The module-level API the data panel uses: the user's one sample set.
def load() -> tuple[np.ndarray, np.ndarray]:
    return UserSampleStore().load()


def add(image: np.ndarray, label: int) -> int:
    return UserSampleStore().add(image, label)


def count() -> int:
    return UserSampleStore().count()


def clear() -> None:
    UserSampleStore().clear()


def fits(dataset) -> bool:
    """Whether the user's drawings can join `dataset`'s training part: 28×28 grey digits (a
    trailing channel of 1 allowed), ten classes, not a text set."""
    shape = tuple(dataset.x_train.shape[1:])
    return (not getattr(dataset, "is_text", False) and shape in ((SIDE, SIDE), (SIDE, SIDE, 1))
            and dataset.num_classes == 10 and dataset.x_train.dtype == np.uint8)


def include_in(dataset, x: np.ndarray, y: np.ndarray):
    """A copy of `dataset` whose training part starts with the user's samples (x uint8 (n, 28, 28),
    y (n,)). At the start because `validation_split` holds out the last samples (before fit
    shuffles): the drawings are always trained on, never only validated on."""
    from dataclasses import replace

    if not fits(dataset):
        raise ValueError(f"Your drawn digits are 28×28 grey images of 10 digits; {dataset.name} "
                         "holds other data, so they can't be added to it.")
    x = x.reshape(len(x), *dataset.x_train.shape[1:])
    return replace(dataset, name=f"{dataset.name} + {len(y)} of your samples",
                   x_train=np.concatenate([x, dataset.x_train]),
                   y_train=np.concatenate([y.astype(np.int64), dataset.y_train]))
