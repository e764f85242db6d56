"""Small real data for training tests: separable Gaussian blobs, and an MNIST sample when present."""

from __future__ import annotations

import os

import numpy as np
import pytest

import engine
from engine import layers


def blobs(n: int = 300, classes: int = 3, features: int = 4, seed: int = 0):
    """n points around `classes` well separated centres; y holds class indices (n,)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centres[y] + rng.normal(0, 1, size=(n, features))
    return x.astype(np.float32), y


def mnist_sample(n: int = 500):
    """The first n MNIST training images (uint8, (n, 28, 28)) and labels, or skip."""
    folder = os.environ.get("HORNBOOK_DATA_DIR", "/work/shared/data")
    path = os.path.join(folder, "mnist.npz")
    if not os.path.exists(path):
        pytest.skip(f"MNIST not available at {path}")
    with np.load(path) as data:
        return data["x_train"][:n], data["y_train"][:n]


def classifier(features: int = 4, classes: int = 3, hidden: int = 16, seed: int = 0,
               optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    """A compiled two-layer softmax classifier with repeatable initial weights."""
    engine.utils.set_random_seed(seed)
    model = engine.Sequential([layers.Input(shape=(features,)),
                               layers.Dense(hidden, activation="relu"),
                               layers.Dense(classes, activation="softmax")])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def weights_equal(a, b, **tol) -> bool:
    return len(a) == len(b) and all(np.allclose(x, y, **tol) for x, y in zip(a, b, strict=True))
