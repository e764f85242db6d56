"""Small real models saved into tmp_path, and the bundled MNIST sample, for the CLI tests."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import layers
from engine.datasets import sample


@pytest.fixture(scope="session")
def digits():
    """The bundled sample: ((x_train, y_train), (x_test, y_test)), uint8 (n, 28, 28) images."""
    return sample.load_data()


def prepared(model, x: np.ndarray) -> np.ndarray:
    """The preprocessing the CLI documents: /255 to float32, reshaped to the model's input."""
    return (x.astype(np.float32) / np.float32(255.0)).reshape((len(x), *model.input_shape[1:]))


@pytest.fixture
def mlp_path(tmp_path):
    """A compiled (adam, sparse) 28x28 -> 10 softmax MLP, untrained, saved as mlp.h5."""
    engine.utils.set_random_seed(0)
    model = engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(),
                               layers.Dense(16, activation="relu"),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path / "mlp.h5"
    model.save(path)
    return path


@pytest.fixture
def cnn_path(tmp_path):
    """A compiled (adam, categorical) 28x28x1 CNN, untrained, saved as cnn.h5."""
    engine.utils.set_random_seed(1)
    model = engine.Sequential([layers.Input(shape=(28, 28, 1)), layers.Conv2D(4, 3, activation="relu"),
                               layers.MaxPooling2D(), layers.Flatten(),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path / "cnn.h5"
    model.save(path)
    return path


@pytest.fixture
def trained_mlp_path(mlp_path, digits):
    """mlp.h5 after two epochs on the sample, so its predictions mean something."""
    (x, y), _ = digits
    model = engine.load_model(mlp_path)
    model.fit(prepared(model, x), y, epochs=2, batch_size=64, verbose=0)
    model.save(mlp_path)
    return mlp_path
