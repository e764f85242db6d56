"""Array helpers kept at Keras' old import path `keras.utils.np_utils`."""

from __future__ import annotations

import numpy as np


def to_categorical(y, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """Class indices of shape (n,) or (n, 1) to one-hot rows of shape (n, num_classes)."""
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical needs non-negative class indices. Received: {y.min()}")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif y.size and y.max() >= num_classes:
        raise ValueError(
            f"Class index {int(y.max())} does not fit num_classes={num_classes}."
        )
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(*shape, num_classes)


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale each vector along `axis` to unit `order`-norm (zero vectors stay zero)."""
    x = np.asarray(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)
