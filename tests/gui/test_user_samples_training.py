"""The user's corrected drawings join a digit set's training part, and only a digit set's."""

import numpy as np
import pytest

from engine.datasets import sample
from engine.models import Sequential
from gui import user_samples
from gui.data_sources import Dataset
from gui.text_data import TextCorpus, vectorize


def digits() -> Dataset:
    (x, y), (xt, yt) = sample.load_data()
    return Dataset("MNIST sample", x[:200], y[:200].astype(np.int64), xt[:50], yt[:50].astype(np.int64),
                   [str(d) for d in range(10)])


def drawings(n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.array([7, 1, 0][:n], np.int64)


def test_samples_come_first_so_a_validation_split_never_holds_them_out():
    data, (x, y) = digits(), drawings()
    merged = user_samples.include_in(data, x, y)
    assert len(merged.x_train) == 203 and "3 of your samples" in merged.name
    np.testing.assert_array_equal(merged.x_train[:3], x)
    np.testing.assert_array_equal(merged.y_train[:3], y)
    np.testing.assert_array_equal(merged.x_test, data.x_test)  # the test part stays comparable
    assert len(data.x_train) == 200  # the loaded set itself is unchanged


def test_a_channel_axis_is_kept():
    data = digits()
    data.x_train = data.x_train[..., None]
    merged = user_samples.include_in(data, *drawings())
    assert merged.x_train.shape == (203, 28, 28, 1)


def test_a_merged_set_trains():
    merged = user_samples.include_in(digits(), *drawings())
    from engine import layers
    model = Sequential([layers.Input((28, 28)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(merged.x_train / 255.0, merged.y_train, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_other_data_is_refused_with_a_reason():
    text = vectorize(TextCorpus("notes", ["a b", "c d"], np.array([0, 1]), [], np.array([]), ["x", "y"]))
    colour = Dataset("colour", np.zeros((4, 32, 32, 3), np.uint8), np.zeros(4, np.int64),
                     np.zeros((0, 32, 32, 3), np.uint8), np.zeros(0, np.int64), list("abcdefghij"))
    for data in (text, colour):
        assert not user_samples.fits(data)
        with pytest.raises(ValueError, match="can't be added"):
            user_samples.include_in(data, *drawings())
    assert user_samples.fits(digits())
