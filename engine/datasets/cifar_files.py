"""CIFAR-10 and CIFAR-100 "python version" files: pickled batches, in a .tar.gz or a folder.

Each batch is a Python 2 pickle of a dict with bytes keys: b"data", a uint8 array (n, 3072) holding
each image as 1024 red, then 1024 green, then 1024 blue bytes (row-major 32×32), and b"labels"
(CIFAR-10) or b"fine_labels"/b"coarse_labels" (CIFAR-100). The official CIFAR-10 batches hold
10,000 images each; smaller batches in the same format are read too.

The pickles are read by an unpickler that only rebuilds NumPy arrays, so a crafted file cannot run
code. Images come out channels-last, (n, 32, 32, 3) uint8, as Keras returns them.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import uuid
import zlib
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError

ROW_BYTES = 32 * 32 * 3
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR100_FOLDER = "cifar-100-python"
CIFAR10_BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
CIFAR100_FILES = ["train", "test"]


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Rebuilds dicts, lists, bytes and NumPy arrays; refuses every other global. (Python 3
    writes bytes into protocol-2 pickles as `_codecs.encode(text, "latin1")`, which is harmless.)"""

    _ALLOWED = {("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
                ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}

    def find_class(self, module: str, name: str):
        module = module.replace("numpy.core", "numpy._core", 1) if module.startswith("numpy.core") \
            else module  # files pickled by NumPy 1 name the module before NumPy 2 renamed it
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"it refers to {module}.{name}, which a CIFAR batch never does")
        return super().find_class(module, name)


def parse_batch(raw: bytes, name: str, label_key: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch → (images (n, 32, 32, 3) uint8, labels (n,) uint8), validated."""
    rows, labels = parse_rows(raw, name, label_key)
    return rows_to_images(rows), labels


def parse_rows(raw: bytes, name: str, label_key: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch → (pixel rows (n, 3072) uint8 as stored, labels (n,) uint8), validated."""
    try:
        batch = _ArraysOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, ImportError) as exc:
        raise DatasetError(f"{name}: not a CIFAR batch: it cannot be read as a pickled batch ({exc}).") \
            from exc
    if not isinstance(batch, dict):
        raise DatasetError(f"{name}: not a CIFAR batch: it holds a {type(batch).__name__}, not a dict.")
    batch = {k.decode("latin-1") if isinstance(k, bytes) else str(k): v for k, v in batch.items()}
    missing = [k for k in ("data", label_key) if k not in batch]
    if missing:
        raise DatasetError(f"{name}: not a CIFAR batch: no {' or '.join(missing)} entry (it has "
                           f"{', '.join(sorted(batch)) or 'none'}).")
    data = batch["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8:
        kind = data.dtype if isinstance(data, np.ndarray) else type(data).__name__
        raise DatasetError(f"{name}: the data should be a uint8 array of pixels; found {kind}.")
    if data.ndim != 2 or data.shape[1] != ROW_BYTES:
        raise DatasetError(f"{name}: a CIFAR batch of the wrong length: each image must be {ROW_BYTES:,} "
                           f"bytes (32×32×3), but the data has shape {data.shape}.")
    labels = np.asarray(batch[label_key])
    if labels.ndim != 1 or len(labels) != len(data) or (labels.size and labels.dtype.kind not in "iu"):
        raise DatasetError(f"{name}: {len(data):,} images but {labels.size:,} labels ({label_key}); "
                           "they must match one to one.")
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise DatasetError(f"{name}: labels must be class indices 0–255; found "
                           f"{labels.min()}–{labels.max()}.")
    return data, labels.astype(np.uint8)


def rows_to_images(rows: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows of R, G, B planes (n, 3072) → channels-last images (n, 32, 32, 3), written into `out`
    when given. One plane at a time: four times faster than a whole-array transpose."""
    out = np.empty((len(rows), 32, 32, 3), np.uint8) if out is None else out
    planes, pixels = rows.reshape(len(rows), 3, 1024), out.reshape(len(rows), 1024, 3)
    for channel in range(3):
        pixels[:, :, channel] = planes[:, channel, :]
    return out


def _stack(batches: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Batches of (rows, labels) → (images, labels (n, 1)), filling one array."""
    images = np.empty((sum(len(r) for r, _ in batches), 32, 32, 3), np.uint8)
    start = 0
    for rows, _ in batches:
        rows_to_images(rows, images[start:start + len(rows)])
        start += len(rows)
    return images, np.concatenate([y for _, y in batches]).reshape(-1, 1)


def batch_folder(path: Path, folder_name: str, first: str) -> Path:
    """`path` itself when it holds the batches, else its `folder_name` child (Keras 3's layout)."""
    return path if (path / first).is_file() or not (path / folder_name).is_dir() else path / folder_name


def read_members(path: str | Path, names: list[str], folder_name: str,
                 optional: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The named batch files' bytes (and those of `optional` ones present), from an extracted
    folder or a .tar.gz archive."""
    path = Path(path)
    if path.is_dir():
        folder = batch_folder(path, folder_name, names[0])
        missing = [n for n in names if not (folder / n).is_file()]
        if missing:
            raise DatasetError(f"{folder}: missing {', '.join(missing)}; an extracted {folder_name}/ "
                               f"folder holds {', '.join(names)}.")
        return {n: (folder / n).read_bytes() for n in [*names, *optional] if (folder / n).is_file()}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                base = os.path.basename(member.name)
                if member.isfile() and base in (*names, *optional) and base not in found:
                    found[base] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path.name}: not a readable .tar.gz archive ({exc}); download it again.") \
            from exc
    missing = [n for n in names if n not in found]
    if missing:
        raise DatasetError(f"{path.name}: the archive lacks {', '.join(missing)}; it is not the "
                           f"official {folder_name} archive or it is cut short.")
    return found


def read_cifar10(path: str | Path):
    """((x_train (n, 32, 32, 3), y_train (n, 1)), (x_test, y_test)), uint8, from a folder or archive."""
    raw = read_members(path, CIFAR10_BATCHES, CIFAR10_FOLDER)
    rows = [parse_rows(raw.pop(name), name) for name in CIFAR10_BATCHES]  # pop: free bytes early
    return _stack(rows[:5]), _stack(rows[5:])


def read_cifar100(path: str | Path, label_mode: str = "fine"):
    """CIFAR-100 as read_cifar10, labels from `fine_labels` (100 classes) or `coarse_labels` (20)."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode}.')
    raw = read_members(path, CIFAR100_FILES, CIFAR100_FOLDER)
    key = f"{label_mode}_labels"
    train, test = (_stack([parse_rows(raw.pop(n), n, key)]) for n in CIFAR100_FILES)
    return train, test


def extract(archive: Path, names: list[str], folder_name: str, optional: tuple[str, ...] = ()) -> Path:
    """Unpack the batches beside `archive` into `folder_name`/, atomically: a temporary folder is
    filled and then renamed, so an interrupted extraction leaves no half folder under that name."""
    members = read_members(archive, names, folder_name, optional)
    target = archive.parent / folder_name
    temporary = archive.parent / f".{folder_name}.{uuid.uuid4().hex[:8]}.tmp"
    temporary.mkdir(parents=True)
    try:
        for name, data in members.items():
            (temporary / name).write_bytes(data)
        os.replace(temporary, target)
    except OSError:
        for leftover in temporary.glob("*"):
            leftover.unlink()
        temporary.rmdir()
        raise
    return target


def candidates(dirs: list[Path], folder_name: str, archive_name: str) -> list[Path]:
    """Where a CIFAR set may be, per folder searched: Keras 2's extracted folder (also Hornbook's),
    Keras 3's `<folder>-target/<folder>`, then the official archive as downloaded."""
    found = []
    for d in dirs:
        found += [d / folder_name, d / f"{folder_name}-target" / folder_name, d / archive_name]
    return found


def usable(path: Path, first: str) -> bool:
    return (path / first).is_file() if path.suffix != ".gz" else path.is_file()
