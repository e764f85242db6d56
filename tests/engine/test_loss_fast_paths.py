"""The training step's lean loss paths must agree with the general ones they shortcut."""

from __future__ import annotations

import numpy as np
import pytest

from engine import losses
from engine.activations import softmax


def _batch(seed=0, n=32, k=10):
    rng = np.random.default_rng(seed)
    probs = softmax(rng.normal(scale=3, size=(n, k)).astype(np.float32))
    labels = rng.integers(0, k, size=n)
    return probs, labels, np.eye(k, dtype=np.float32)[labels]


@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_fused_value_and_gradient_match_the_general_path(name):
    probs, labels, one_hot = _batch()
    y = labels if name.startswith("sparse") else one_hot
    loss = losses.get(name)
    value, grad = loss.value_and_gradient(y, probs, fused=True)
    assert value == pytest.approx(loss(y, probs), rel=1e-6)
    np.testing.assert_allclose(grad, loss.gradient_from_logits(y, probs), rtol=1e-6, atol=1e-9)


def test_saturated_probabilities_are_clipped_like_keras():
    probs = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    y = np.array([[0.0, 1.0], [0.0, 1.0]], np.float32)
    loss = losses.get("categorical_crossentropy")
    value, _ = loss.value_and_gradient(y, probs, fused=True)
    assert value == pytest.approx(loss(y, probs), rel=1e-6)
    assert np.isfinite(value)


@pytest.mark.parametrize("kwargs", [{"label_smoothing": 0.1}, {"from_logits": True}])
def test_other_settings_take_the_general_path(kwargs):
    probs, _, one_hot = _batch(1)
    loss = losses.CategoricalCrossentropy(**kwargs)
    value, grad = loss.value_and_gradient(one_hot, probs, fused=not kwargs.get("from_logits"))
    assert value == pytest.approx(loss(one_hot, probs), rel=1e-6)
    expected = loss.gradient(one_hot, probs) if kwargs.get("from_logits") else \
        loss.gradient_from_logits(one_hot, probs)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-9)


def test_weighted_batches_take_the_general_path():
    probs, labels, _ = _batch(2)
    weights = np.linspace(0.5, 2.0, len(labels)).astype(np.float32)
    loss = losses.get("sparse_categorical_crossentropy")
    value, grad = loss.value_and_gradient(labels, probs, weights, fused=True)
    assert value == pytest.approx(loss(labels, probs, weights), rel=1e-6)
    np.testing.assert_allclose(grad, loss.gradient_from_logits(labels, probs, weights), rtol=1e-6)
