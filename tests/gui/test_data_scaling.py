"""Images stay uint8 in memory and are scaled to 0..1 one batch at a time: training on them gives
exactly what training on a float32 copy scaled up front gives."""

from __future__ import annotations

import numpy as np
import pytest

from engine import layers
from engine.models import Sequential
from engine.utils import set_random_seed
from gui import session
from gui.data_sources import builtin_sources
from gui.scaled_images import ScaledImages


@pytest.fixture(scope="module")
def sample():
    source = next(s for s in builtin_sources() if "sample" in s.name)
    return source.load()


def _model(seed: int) -> Sequential:
    set_random_seed(seed)
    model = Sequential([layers.Input(shape=(28, 28, 1)), layers.Flatten(),
                        layers.Dense(16, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_loaded_images_stay_uint8(sample):
    assert sample.x_train.dtype == np.uint8 and sample.x_test.dtype == np.uint8
    assert sample.y_train.dtype == np.int64 and sample.y_train.ndim == 1


def test_fit_on_scaled_view_equals_fit_on_floats(sample):
    x, y = sample.x_train[:600], sample.y_train[:600]
    lazy = session.fit_images(x, (28, 28, 1), "sample", max_batch=32)
    assert isinstance(lazy, ScaledImages) and lazy.dtype == np.uint8 and np.shares_memory(lazy, x)
    floats = x.reshape(600, 28, 28, 1).astype(np.float32) / np.float32(255)
    runs = []
    for data in (lazy, floats):
        model = _model(3)
        set_random_seed(7)  # the same shuffles
        history = model.fit(data, y, batch_size=32, epochs=2, validation_split=0.2, verbose=0)
        runs.append((model.get_weights(), history.history,
                     model.evaluate(data, y, verbose=0), model.predict(data[:50], verbose=0)))
    (w1, h1, e1, p1), (w2, h2, e2, p2) = runs
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)
    assert h1 == h2 and e1 == e2
    np.testing.assert_array_equal(p1, p2)


def test_indexing_rules():
    x = np.arange(100 * 4, dtype=np.uint32).astype(np.uint8).reshape(100, 2, 2)
    view = ScaledImages.wrap(x, max_batch=16)
    assert view.max_batch == 32  # never below evaluate's default batch
    batch = view[np.array([3, 1])]
    assert type(batch) is np.ndarray and batch.dtype == np.float32
    np.testing.assert_allclose(batch, x[[3, 1]] / 255, rtol=1e-6)
    assert type(view[0:32]) is np.ndarray and view[0:32].dtype == np.float32  # a closed slice: a batch
    assert type(view[90:]) is np.ndarray  # open-ended but short: scaled at once
    train, val = view[:70], view[70:]
    assert isinstance(train, ScaledImages) and train.dtype == np.uint8 and np.shares_memory(train, x)
    assert type(val) is np.ndarray and val.dtype == np.float32
    assert train[np.array([0])].max() <= 1.0


def test_float_data_is_taken_as_scaled():
    x = np.random.default_rng(0).random((10, 4), dtype=np.float32)
    assert session.fit_images(x, (4,), "mine") is x


def test_mismatched_size_is_a_message():
    with pytest.raises(ValueError, match="The model takes inputs of shape 28×28×1, but CIFAR-10 has 32×32×3"):
        session.fit_images(np.zeros((2, 32, 32, 3), np.uint8), (28, 28, 1), "CIFAR-10")
