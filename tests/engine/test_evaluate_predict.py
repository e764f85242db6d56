"""evaluate, predict and train_on_batch / test_on_batch with Keras 3's semantics."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import layers
from tests.engine.training_data import blobs, classifier


def test_evaluate_returns_loss_then_metrics():
    x, y = blobs(90)
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0)
    probs = model.predict(x, verbose=0)
    expected_loss = float(np.mean(-np.log(np.clip(probs[np.arange(90), y], 1e-7, 1))))
    expected_acc = float(np.mean(probs.argmax(1) == y))
    loss, acc = model.evaluate(x, y, batch_size=7, verbose=0)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert acc == pytest.approx(expected_acc)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(
        {"accuracy": expected_acc, "loss": expected_loss}, rel=1e-5)
    bare = classifier(metrics=())
    assert isinstance(bare.evaluate(x, y, verbose=0), float)
    assert model.metrics_names == ["loss", "accuracy"]


def test_predict_shape_and_batch_size_independence():
    x, y = blobs(53)
    model = classifier()
    full = model.predict(x, verbose=0)
    assert full.shape == (53, 3) and full.dtype == np.float32
    for batch_size in (1, 7, 53, 1000):
        np.testing.assert_allclose(model.predict(x, batch_size=batch_size, verbose=0), full, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), full, rtol=1e-6)
    assert model.predict(x[:0], verbose=0).shape == (0, 3)


def test_predict_classes_is_deprecated():
    x, y = blobs(30)
    model = classifier()
    with pytest.warns(DeprecationWarning, match="predict_classes"):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x, verbose=0).argmax(-1))
    binary = engine.Sequential([layers.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
    with pytest.warns(DeprecationWarning):
        labels = binary.predict_classes(x)
    assert labels.shape == (30, 1) and labels.dtype == np.int32
    np.testing.assert_array_equal(labels, (binary.predict(x, verbose=0) > 0.5).astype(np.int32))


def test_train_and_test_on_batch():
    x, y = blobs(32)
    model = classifier()
    before = model.evaluate(x, y, batch_size=32, verbose=0)
    result = model.train_on_batch(x, y)
    assert result[0] == pytest.approx(before[0], rel=1e-5)  # the loss of the forward pass it stepped from
    after = model.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < before[0]
    assert after == pytest.approx(model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True))
    assert model.optimizer.iterations == 1


def test_predict_with_variable_length_outputs():
    """Output shapes with None (sequences of any length) are gathered batch by batch."""
    import numpy as np

    from engine.layers import LSTM, Embedding, Input
    from engine.models import Sequential

    model = Sequential([Input((None,)), Embedding(20, 4), LSTM(3, return_sequences=True)])
    x = np.random.default_rng(0).integers(1, 20, size=(5, 7))
    out = model.predict(x, batch_size=2, verbose=0)
    assert out.shape == (5, 7, 3)
    np.testing.assert_allclose(out[:2], model.predict(x[:2], verbose=0), rtol=1e-6)
