"""Readers for the file formats data sets come in; each validates what it reads."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file (LeCun's MNIST format), gzipped or raw, as an array of its declared shape."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise DatasetError(f"{path.name}: could not be read ({exc}).") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DatasetError(f"{path.name}: not an IDX file (magic number {raw[:4].hex() or 'missing'}; "
                           "expected 0000 08 followed by the number of dimensions).")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise DatasetError(f"{path.name}: IDX header declares {ndim} dimensions but is cut short.")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", ndim, 4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    payload = len(raw) - header
    if payload != expected:
        raise DatasetError(f"{path.name}: header declares shape {shape} ({expected:,} bytes of data) "
                           f"but the file holds {payload:,} bytes; it is truncated or corrupt.")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_npz(path: str | Path, keys=("x_train", "y_train", "x_test", "y_test")):
    """A Keras-layout .npz as ((x_train, y_train), (x_test, y_test)), checked for consistency."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in keys if k not in data.files]
            if missing:
                raise DatasetError(f"{path.name}: missing arrays {missing}; it holds {data.files}.")
            arrays = [data[k] for k in keys]
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{path.name}: not a readable .npz file ({exc}).") from exc
    x_train, y_train, x_test, y_test = arrays
    for x, y, part in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        check_pair(x, y, f"{path.name} ({part})")
    return (x_train, y_train), (x_test, y_test)


def check_pair(x: np.ndarray, y: np.ndarray, where: str) -> None:
    if len(x) != len(y):
        raise DatasetError(f"{where}: {len(x):,} images but {len(y):,} labels.")
    if y.dtype.kind not in "iu":
        raise DatasetError(f"{where}: labels must be integers; found {y.dtype}.")
