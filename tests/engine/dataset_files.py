"""Writers for small data files in the official formats, for the dataset tests."""

from __future__ import annotations

import gzip
import io
import pickle
import tarfile
from pathlib import Path

import numpy as np

IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """LeCun's IDX layout: 0, 0, type code, ndim, big-endian uint32 sizes, big-endian data."""
    big = array.astype(array.dtype.newbyteorder(">")) if array.dtype.itemsize > 1 else array
    header = bytes([0, 0, IDX_CODES[big.dtype], array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return header + big.tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool = False) -> Path:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def images(n: int, shape=(28, 28), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def labels(n: int, classes: int = 10, seed: int = 1) -> np.ndarray:
    return (np.arange(n) % classes).astype(np.uint8)[np.random.default_rng(seed).permutation(n)]


def cifar_batch(x: np.ndarray, y, label_key: bytes = b"labels", extra: dict | None = None) -> bytes:
    """A batch as the CIFAR authors pickled it: bytes keys, data rows of R, G, B planes."""
    rows = x.transpose(0, 3, 1, 2).reshape(len(x), 3072)
    batch = {b"batch_label": b"testing batch", label_key: [int(v) for v in y], b"data": rows,
             b"filenames": [f"img_{i}.png".encode() for i in range(len(x))], **(extra or {})}
    return pickle.dumps(batch, protocol=2)


def cifar10_parts(per_batch: int = 4, seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    return {name: (rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8),
                   rng.integers(0, 10, per_batch).astype(np.uint8)) for name in names}


def write_cifar10_folder(folder: Path, parts) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (x, y) in parts.items():
        (folder / name).write_bytes(cifar_batch(x, y))
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": [b"airplane"]}, protocol=2))
    return folder


def tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def cifar10_tar_gz(parts, folder: str = "cifar-10-batches-py") -> bytes:
    return tar_gz({f"{folder}/{name}": cifar_batch(x, y) for name, (x, y) in parts.items()})


def expected_cifar10(parts):
    train = [parts[f"data_batch_{i}"] for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train]).reshape(-1, 1)
    x_test, y_test = parts["test_batch"]
    return (x_train, y_train), (x_test, y_test.reshape(-1, 1))
