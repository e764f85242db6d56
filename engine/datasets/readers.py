"""Readers for IDX (LeCun's MNIST format) and Keras-layout .npz files; each validates what it reads.

The other formats have their own modules: cifar_files (pickled CIFAR batches), image_folder (one
subfolder per class) and csv_table (a label column plus pixel columns).
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file, gzipped or raw, as an array of its declared shape (native byte order)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path.name}: could not be read ({exc.strerror or exc}).") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DatasetError(f"{path.name}: the gzip data is corrupt or cut short ({exc}); download "
                               "the file again.") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DatasetError(f"{path.name}: not an IDX file (it starts with {raw[:4].hex() or 'nothing'}; "
                           "an IDX file starts with two zero bytes, a type code and the number of "
                           "dimensions).")
    if raw[2] not in _IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_DTYPES)
        raise DatasetError(f"{path.name}: IDX type code 0x{raw[2]:02X} is not one of {known}.")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0:
        raise DatasetError(f"{path.name}: the IDX header declares 0 dimensions; expected 1 (labels) "
                           "or 3 (images).")
    if len(raw) < header:
        raise DatasetError(f"{path.name}: the IDX header declares {ndim} dimensions but the file ends "
                           f"after {len(raw)} bytes, inside the header.")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim, 4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    payload = len(raw) - header
    if payload < expected:
        raise DatasetError(f"{path.name}: truncated: the header declares shape {shape} ({expected:,} "
                           f"bytes of data) but only {payload:,} bytes follow; download it again.")
    if payload > expected:
        raise DatasetError(f"{path.name}: {payload - expected:,} bytes more than its header's shape "
                           f"{shape} accounts for ({expected:,} bytes); the sizes in the header are "
                           "wrong or the file is corrupt.")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_npz(path: str | Path, keys=NPZ_KEYS):
    """A Keras-layout .npz as ((x_train, y_train), (x_test, y_test)), checked for consistency."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            if not hasattr(data, "files"):
                raise DatasetError(f"{path.name}: a single .npy array, not an .npz archive holding "
                                   f"{', '.join(keys)}.")
            missing = [k for k in keys if k not in data.files]
            if missing:
                raise DatasetError(f"{path.name}: missing arrays {', '.join(missing)}; it holds "
                                   f"{', '.join(data.files) or 'nothing'}. A Keras-layout .npz holds "
                                   f"{', '.join(keys)}.")
            arrays = [data[k] for k in keys]
    except DatasetError:
        raise
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise DatasetError(f"{path.name}: holds Python objects rather than plain arrays; Hornbook "
                               "does not unpickle them (that could run code from the file).") from exc
        raise DatasetError(f"{path.name}: not a readable .npz file ({exc}).") from exc
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path.name}: not a readable .npz file ({exc}).") from exc
    x_train, y_train, x_test, y_test = arrays
    for x, y, part in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        check_pair(x, y, f"{path.name} ({part})")
    return (x_train, y_train), (x_test, y_test)


def check_pair(x: np.ndarray, y: np.ndarray, where: str) -> None:
    """Images and labels that belong together: as many of each, integer labels ≥ 0."""
    if x.ndim < 2:
        raise DatasetError(f"{where}: images must be an array (samples, …); found shape {x.shape}.")
    if len(x) != len(y):
        raise DatasetError(f"{where}: {len(x):,} images but {len(y):,} labels; they must match.")
    if y.dtype.kind not in "iu":
        raise DatasetError(f"{where}: labels must be integer class indices; found {y.dtype}.")
    if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
        raise DatasetError(f"{where}: labels must have shape (n,) or (n, 1); found {y.shape}.")
    if y.size and y.min() < 0:
        raise DatasetError(f"{where}: labels must be class indices ≥ 0; found {int(y.min())}.")
