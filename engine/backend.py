"""Engine-wide settings: float type, the random generator, and Keras-style unique layer names."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_rng = np.random.default_rng()
_name_counts: defaultdict[str, int] = defaultdict(int)


def floatx() -> str:
    return _FLOATX


def epsilon() -> float:
    """Keras' fuzz factor, used to clip probabilities away from 0 and 1."""
    return _EPSILON


def rng() -> np.random.Generator:
    """The generator behind initializers, dropout masks and shuffling."""
    return _rng


def set_random_seed(seed: int) -> None:
    """Make initial weights, dropout and shuffling repeatable (like keras.utils.set_random_seed)."""
    global _rng
    _rng = np.random.default_rng(seed)
    np.random.seed(seed % (2**32))


def to_snake_case(name: str) -> str:
    """Keras' rule: 'Conv2D' → 'conv2d', 'MaxPooling2D' → 'max_pooling2d', 'LSTM' → 'lstm'."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix: str) -> str:
    """'dense', then 'dense_1', 'dense_2', … as Keras names layers within one session."""
    count = _name_counts[prefix]
    _name_counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Restart layer naming from scratch (keras.backend.clear_session)."""
    _name_counts.clear()
