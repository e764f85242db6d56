"""Optimizers, schedules, losses and metrics against REAL Keras 3, number for number.

A development check like tests/engine/test_keras_interop.py: it runs when keras (with the torch
backend) is importable and skips otherwise. The formula tests in test_optimizer_formulas.py,
test_losses.py and test_metrics.py stand on their own; these confirm the formulas were read right.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import metrics, optimizers
from engine.optimizers import schedules
from tests.engine.test_losses import CASES as LOSS_CASES
from tests.engine.test_losses import SW
from tests.keras_optional import keras

torch = pytest.importorskip("torch") if keras is not None else None  # Keras' backend here
pytestmark = [
    pytest.mark.skipif(keras is None or keras.backend.backend() != "torch",
                       reason="keras with the torch backend is not installed (dev-only)"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # Keras' own NumPy 2 notices
]

rng = np.random.default_rng(0)
W0, B0 = rng.standard_normal((3, 4)).astype("float32"), rng.standard_normal(4).astype("float32")
GRADS = [(rng.standard_normal((3, 4)).astype("float32"), rng.standard_normal(4).astype("float32"))
         for _ in range(4)]


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("SGD", {"momentum": 0.9, "nesterov": True}), ("Adam", {"amsgrad": True}), ("AdamW", {}),
    ("RMSprop", {"momentum": 0.5, "centered": True}), ("RMSprop", {}), ("Adagrad", {}),
    ("Adadelta", {"learning_rate": 1.0}), ("Adamax", {}), ("Nadam", {}), ("SGD", {"clipnorm": 1.0}),
    ("Adam", {"global_clipnorm": 0.5}), ("SGD", {"clipvalue": 0.3, "weight_decay": 0.1}),
    ("Adam", {"learning_rate": {"class_name": "ExponentialDecay", "config": {
        "initial_learning_rate": 0.01, "decay_steps": 2, "decay_rate": 0.5}}}),
    ("SGD", {"gradient_accumulation_steps": 2, "learning_rate": 0.1}),
    ("SGD", {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2}),
])
def test_optimizer_steps_and_config_match_keras(cls, kwargs):
    theirs_kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        theirs_kwargs["learning_rate"] = keras.optimizers.schedules.deserialize(kwargs["learning_rate"])
    theirs = getattr(keras.optimizers, cls)(**theirs_kwargs)
    ours = optimizers.get({"class_name": cls, "config": kwargs})
    variables = [keras.Variable(W0.copy()), keras.Variable(B0.copy())]
    flat = np.concatenate([W0.ravel(), B0])
    for gw, gb in GRADS:
        theirs.apply([torch.tensor(gw), torch.tensor(gb)], variables)
        ours.apply(flat, np.concatenate([gw.ravel(), gb]), [slice(0, 12), slice(12, 16)])
    expected = np.concatenate([np.asarray(v.numpy()).ravel() for v in variables])
    np.testing.assert_allclose(flat, expected, atol=1e-6, rtol=0)
    assert ours.iterations == int(theirs.iterations)
    assert set(ours.get_config()) == set(theirs.get_config())
    back = getattr(keras.optimizers, cls).from_config(ours.get_config())  # Keras takes our config
    assert type(back).__name__ == cls


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True),
    schedules.PiecewiseConstantDecay([3, 8], [1.0, 0.5, 0.1]),
    schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
    schedules.InverseTimeDecay(0.1, 3, 0.7, staircase=True),
    schedules.CosineDecay(0.1, 10, alpha=0.2, warmup_target=0.3, warmup_steps=4),
    schedules.CosineDecayRestarts(0.1, 5, t_mul=2.0, m_mul=0.8, alpha=0.1),
])
def test_schedules_match_keras(schedule):
    theirs = keras.optimizers.schedules.deserialize(schedules.serialize(schedule))
    for step in (0, 1, 3, 4, 5, 8, 9, 14, 15, 30, 100):
        assert schedule(step) == pytest.approx(float(theirs(step)), abs=1e-7)


@pytest.mark.parametrize(("name", "loss", "y", "p", "sw"),
                         [(name, *LOSS_CASES[name][:3], SW) for name in sorted(LOSS_CASES)])
def test_loss_value_gradient_and_config_match_keras(name, loss, y, p, sw):
    theirs = getattr(keras.losses, type(loss).__name__).from_config(loss.get_config())
    # Keras drops a custom Huber delta from its own config; every key it keeps must agree.
    assert {k: loss.get_config()[k] for k in theirs.get_config()} == theirs.get_config()
    p_t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    value = theirs(torch.tensor(y), p_t, sample_weight=torch.tensor(sw))
    value.backward()
    # Keras computes in float32: agree to float32 round-off.
    assert loss(y, p, sample_weight=sw) == pytest.approx(float(value.detach()), rel=1e-6)
    np.testing.assert_allclose(loss.gradient(y, p, sw), p_t.grad.numpy(), rtol=1e-5, atol=1e-7)


N, K = 40, 5
LABELS = rng.integers(0, K, N)
ONE_HOT = np.eye(K)[LABELS]
PROBS = rng.random((N, K))
PROBS /= PROBS.sum(1, keepdims=True)
YB, PB = rng.integers(0, 2, (N, 3)).astype("float32"), rng.random((N, 3)).astype("float32")
YR, PR = rng.standard_normal((N, 3)), rng.standard_normal((N, 3))
SW_N = rng.random(N)


@pytest.mark.parametrize(("cls", "kwargs", "y", "p"), [
    ("CategoricalAccuracy", {}, ONE_HOT, PROBS), ("SparseCategoricalAccuracy", {}, LABELS, PROBS),
    ("BinaryAccuracy", {"threshold": 0.4}, YB, PB), ("TopKCategoricalAccuracy", {"k": 2}, ONE_HOT, PROBS),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, LABELS, PROBS), ("Precision", {}, YB, PB),
    ("Recall", {"thresholds": [0.2, 0.5, 0.7]}, YB, PB), ("Precision", {"class_id": 2}, ONE_HOT, PROBS),
    ("Recall", {"top_k": 2}, ONE_HOT, PROBS), ("Precision", {"top_k": 2, "class_id": 1}, ONE_HOT, PROBS),
    ("TruePositives", {}, YB, PB), ("FalseNegatives", {"thresholds": [0.3, 0.6]}, YB, PB),
    ("AUC", {}, YB, PB), ("AUC", {"curve": "PR"}, YB, PB),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, YB, PB),
    ("AUC", {"num_thresholds": 7, "summation_method": "majoring"}, YB, PB),
    ("AUC", {"curve": "PRGAIN"}, YB, PB), ("AUC", {"multi_label": True}, YB, PB),
    ("AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5]}, YB, PB),
    ("AUC", {"thresholds": [0.1, 0.35, 0.8]}, YB, PB),
    ("MeanAbsoluteError", {}, YR, PR), ("MeanSquaredError", {}, YR, PR),
    ("RootMeanSquaredError", {}, YR, PR), ("MeanAbsolutePercentageError", {}, YR, PR),
    ("MeanSquaredLogarithmicError", {}, np.abs(YR), np.abs(PR)), ("CosineSimilarity", {}, YR, PR),
    ("LogCoshError", {}, YR, PR), ("BinaryCrossentropy", {"label_smoothing": 0.1}, YB, PB),
    ("CategoricalCrossentropy", {}, ONE_HOT, PROBS), ("SparseCategoricalCrossentropy", {}, LABELS, PROBS),
    ("KLDivergence", {}, ONE_HOT, PROBS), ("Poisson", {}, np.abs(YR), np.abs(PR)),
    ("Hinge", {}, YB, PR), ("SquaredHinge", {}, YB, PR), ("CategoricalHinge", {}, ONE_HOT, PROBS),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_metric_results_and_config_keys_match_keras(cls, kwargs, y, p, weighted):
    theirs, ours = getattr(keras.metrics, cls)(**kwargs), getattr(metrics, cls)(**kwargs)
    for part in (slice(0, 17), slice(17, N)):  # two batches: state must accumulate alike
        sw = SW_N[part] if weighted else None
        theirs.update_state(y[part], p[part], sample_weight=sw)
        ours.update_state(y[part], p[part], sample_weight=sw)
    np.testing.assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=1e-5, atol=1e-6)
    assert set(ours.get_config()) == set(theirs.get_config())
