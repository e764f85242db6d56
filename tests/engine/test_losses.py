"""Losses: values against direct formulas, gradients against central differences (float64),
fused activation gradients against the chain rule, reductions, names and configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import activations, losses
from tests.engine.gradcheck import numeric_grad, relative_error

EPS = 1e-7
N, K = 5, 4
rng = np.random.default_rng(3)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


LABELS = rng.integers(0, K, N)
Y_ONEHOT = np.eye(K)[LABELS]
Y_BINARY = rng.integers(0, 2, (N, K)).astype(float)
LOGITS = rng.standard_normal((N, K)) * 2
P_SOFT = softmax(rng.standard_normal((N, K)))             # rows sum to 1, inside (ε, 1 − ε)
P_RAW = P_SOFT * rng.uniform(0.5, 2.0, (N, 1))            # rows that need renormalising
P_UNIT = rng.uniform(0.05, 0.95, (N, K))
Y_REAL = rng.uniform(0.2, 2.0, (N, K))
P_REAL = Y_REAL + rng.uniform(0.3, 1.5, (N, K)) * rng.choice([-1.0, 1.0], (N, K))  # no kinks
P_POS = rng.uniform(0.2, 3.0, (N, K))
Y_SIGNED = 2 * Y_BINARY - 1
P_HINGE = Y_SIGNED * (1 + rng.uniform(0.2, 0.8, (N, K)) * rng.choice([-1.0, 1.0], (N, K)))
SW = rng.uniform(0.1, 2.0, N)


def rows(f, y, p):
    """Apply a per-row formula written with Python floats."""
    return np.array([f(list(a), list(b)) for a, b in zip(y, p, strict=True)])


def bce(y, p):
    return np.mean([-(a * math.log(b) + (1 - a) * math.log(1 - b)) for a, b in zip(y, p, strict=True)])


def cce(y, p):
    return -sum(a * math.log(b / sum(p)) for a, b in zip(y, p, strict=True))


def smooth_binary(y, s):
    return y * (1 - s) + 0.5 * s


def smooth_categorical(y, s):
    return y * (1 - s) + s / y.shape[-1]


def huber(d):
    return lambda y, p: np.mean([0.5 * (b - a) ** 2 if abs(b - a) <= d
                                 else d * abs(b - a) - 0.5 * d * d for a, b in zip(y, p, strict=True)])


CASES = {
    "bce": (losses.BinaryCrossentropy(), Y_BINARY, P_UNIT, rows(bce, Y_BINARY, P_UNIT)),
    "bce_smooth": (losses.BinaryCrossentropy(label_smoothing=0.2), Y_BINARY, P_UNIT,
                   rows(bce, smooth_binary(Y_BINARY, 0.2), P_UNIT)),
    "bce_logits": (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), Y_BINARY,
                   LOGITS, rows(bce, smooth_binary(Y_BINARY, 0.1), sigmoid(LOGITS))),
    "cce": (losses.CategoricalCrossentropy(), Y_ONEHOT, P_RAW, rows(cce, Y_ONEHOT, P_RAW)),
    "cce_smooth": (losses.CategoricalCrossentropy(label_smoothing=0.3), Y_ONEHOT, P_RAW,
                   rows(cce, smooth_categorical(Y_ONEHOT, 0.3), P_RAW)),
    "cce_logits": (losses.CategoricalCrossentropy(from_logits=True), Y_ONEHOT, LOGITS,
                   rows(cce, Y_ONEHOT, softmax(LOGITS))),
    "sparse": (losses.SparseCategoricalCrossentropy(), LABELS, P_RAW, rows(cce, Y_ONEHOT, P_RAW)),
    "sparse_n1": (losses.SparseCategoricalCrossentropy(), LABELS[:, None], P_SOFT,
                  rows(cce, Y_ONEHOT, P_SOFT)),
    "sparse_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), LABELS, LOGITS,
                      rows(cce, Y_ONEHOT, softmax(LOGITS))),
    "mse": (losses.MeanSquaredError(), Y_REAL, P_REAL, ((P_REAL - Y_REAL) ** 2).mean(-1)),
    "mae": (losses.MeanAbsoluteError(), Y_REAL, P_REAL, np.abs(P_REAL - Y_REAL).mean(-1)),
    "mape": (losses.MeanAbsolutePercentageError(), Y_REAL, P_REAL,
             100 * (np.abs(Y_REAL - P_REAL) / Y_REAL).mean(-1)),
    "msle": (losses.MeanSquaredLogarithmicError(), Y_REAL, P_POS,
             ((np.log1p(P_POS) - np.log1p(Y_REAL)) ** 2).mean(-1)),
    "huber": (losses.Huber(), Y_REAL, P_REAL, rows(huber(1.0), Y_REAL, P_REAL)),
    "huber_half": (losses.Huber(delta=0.5), Y_REAL, P_REAL, rows(huber(0.5), Y_REAL, P_REAL)),
    "log_cosh": (losses.LogCosh(), Y_REAL, P_REAL, np.log(np.cosh(P_REAL - Y_REAL)).mean(-1)),
    "kld": (losses.KLDivergence(), P_SOFT[::-1].copy(), P_SOFT,
            (P_SOFT[::-1] * np.log(P_SOFT[::-1] / P_SOFT)).sum(-1)),
    "poisson": (losses.Poisson(), Y_REAL, P_POS, (P_POS - Y_REAL * np.log(P_POS + EPS)).mean(-1)),
    "cosine": (losses.CosineSimilarity(), Y_REAL, P_REAL,
               -(Y_REAL * P_REAL).sum(-1) / np.linalg.norm(Y_REAL, axis=-1)
               / np.linalg.norm(P_REAL, axis=-1)),
    "hinge": (losses.Hinge(), Y_BINARY, P_HINGE, np.maximum(1 - Y_SIGNED * P_HINGE, 0).mean(-1)),
    "squared_hinge": (losses.SquaredHinge(), Y_SIGNED, P_HINGE,
                      (np.maximum(1 - Y_SIGNED * P_HINGE, 0) ** 2).mean(-1)),
    "categorical_hinge": (losses.CategoricalHinge(), Y_ONEHOT, LOGITS,
                          np.maximum(((1 - Y_ONEHOT) * LOGITS).max(-1)
                                     - (Y_ONEHOT * LOGITS).sum(-1) + 1, 0)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_the_formula_under_every_reduction(case):
    loss, y, p, expected = CASES[case]
    assert loss(y, p) == pytest.approx(expected.mean(), rel=1e-12)
    assert loss(y, p, sample_weight=SW) == pytest.approx((expected * SW).sum() / N, rel=1e-12)
    config = loss.get_config()
    by = {r: type(loss).from_config({**config, "reduction": r}) for r in
          ("sum", "none", "mean_with_sample_weight")}
    assert by["sum"](y, p) == pytest.approx(expected.sum(), rel=1e-12)
    np.testing.assert_allclose(by["none"](y, p, sample_weight=SW), expected * SW, rtol=1e-12)
    assert by["mean_with_sample_weight"](y, p, sample_weight=SW) == pytest.approx(
        (expected * SW).sum() / SW.sum(), rel=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(case, weighted):
    loss, y, p, _ = CASES[case]
    sw = SW if weighted else None
    p = p.copy()
    analytic = loss.gradient(y, p, sw)
    numeric = numeric_grad(lambda: loss(y, p, sample_weight=sw), p)
    assert analytic.shape == p.shape
    assert relative_error(analytic, numeric) < 1e-6


def test_sum_reduction_gradient_is_not_divided_by_the_batch():
    loss = losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(loss.gradient(Y_REAL, P_REAL), 2 * (P_REAL - Y_REAL) / K)


# --- fused activation gradients --------------------------------------------------------------------
FUSED = {
    "cce": (losses.CategoricalCrossentropy(), Y_ONEHOT),
    "cce_smooth": (losses.CategoricalCrossentropy(label_smoothing=0.2), Y_ONEHOT),
    "sparse": (losses.SparseCategoricalCrossentropy(), LABELS),
    "bce": (losses.BinaryCrossentropy(), Y_BINARY),
    "bce_smooth": (losses.BinaryCrossentropy(label_smoothing=0.3), Y_BINARY),
}


@pytest.mark.parametrize("case", sorted(FUSED))
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_gradient_equals_the_chain_rule_through_the_activation(case, weighted):
    loss, y = FUSED[case]
    sw = SW if weighted else None
    act = activations.get(loss.fused_activation)
    z = LOGITS.copy()
    out = act(z)
    fused = loss.gradient_from_logits(y, out, sw)
    chained = act.backward(z, out, loss.gradient(y, out, sw))
    np.testing.assert_allclose(fused, chained, rtol=1e-9, atol=1e-12)
    numeric = numeric_grad(lambda: loss(y, act(z), sample_weight=sw), z)
    assert relative_error(fused, numeric) < 1e-6


def test_fused_binary_gradient_is_p_minus_y_over_n_k():
    out = sigmoid(LOGITS)
    np.testing.assert_allclose(losses.BinaryCrossentropy().gradient_from_logits(Y_BINARY, out),
                               (out - Y_BINARY) / (N * K))


def test_fused_activation_names():
    assert losses.CategoricalCrossentropy().fused_activation == "softmax"
    assert losses.SparseCategoricalCrossentropy().fused_activation == "softmax"
    assert losses.BinaryCrossentropy().fused_activation == "sigmoid"
    # From logits the model's output already is the logit: nothing to fuse.
    for cls in (losses.CategoricalCrossentropy, losses.SparseCategoricalCrossentropy,
                losses.BinaryCrossentropy):
        assert cls(from_logits=True).fused_activation is None
    assert losses.MeanSquaredError().fused_activation is None


# --- clipping, shapes, ignore_class ----------------------------------------------------------------
def test_probabilities_are_clipped_at_keras_epsilon():
    y, p = np.array([[1.0], [0.0]]), np.array([[0.0], [0.0]])
    values = losses.BinaryCrossentropy(reduction=None)(y, p)
    np.testing.assert_allclose(values, [-math.log(EPS), -math.log(1 - EPS)])
    np.testing.assert_array_equal(losses.BinaryCrossentropy().gradient(y, p), 0.0)
    cce = losses.CategoricalCrossentropy(reduction=None)(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    np.testing.assert_allclose(cce, [-math.log(EPS)])


def test_kl_divergence_clips_both_sides_to_eps_and_one():
    y, p = np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])
    expected = EPS * math.log(EPS / 0.5) + 1.0 * math.log(1.0 / 0.5)
    assert losses.KLDivergence()(y, p) == pytest.approx(expected, rel=1e-12)


def test_binary_labels_of_shape_n_meet_outputs_of_shape_n_1():
    y, p = Y_BINARY[:, 0], P_UNIT[:, :1]
    assert losses.BinaryCrossentropy()(y, p) == pytest.approx(rows(bce, y[:, None], p).mean())
    assert losses.MeanSquaredError().gradient(y, p).shape == (N, 1)


def test_sparse_ignore_class_averages_over_the_valid_labels_only():
    labels = LABELS.copy()
    labels[[1, 3]] = -1
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    valid = labels != -1
    expected = rows(cce, Y_ONEHOT[valid], P_SOFT[valid])
    assert loss(labels, P_SOFT) == pytest.approx(expected.mean(), rel=1e-12)
    p = P_SOFT.copy()
    grad = loss.gradient(labels, p)
    assert relative_error(grad, numeric_grad(lambda: loss(labels, p), p)) < 1e-6
    np.testing.assert_array_equal(grad[~valid], 0.0)
    fused = loss.gradient_from_logits(labels, P_SOFT)
    np.testing.assert_allclose(fused[valid], (P_SOFT - Y_ONEHOT)[valid] / valid.sum())


def test_sparse_labels_out_of_range_are_reported():
    with pytest.raises(ValueError, match="classes"):
        losses.SparseCategoricalCrossentropy()(np.array([0, K]), P_SOFT[:2])


def test_float32_stays_float32():
    p = P_SOFT.astype(np.float32)
    grad = losses.CategoricalCrossentropy().gradient_from_logits(Y_ONEHOT.astype(np.float32), p)
    assert grad.dtype == np.float32
    assert losses.MeanSquaredError().gradient(Y_REAL, P_REAL.astype(np.float32)).dtype == np.float32


# --- names, configs ------------------------------------------------------------------------------
ALIASES = {"mse": losses.MeanSquaredError, "MSE": losses.MeanSquaredError,
           "mae": losses.MeanAbsoluteError, "MAE": losses.MeanAbsoluteError,
           "mape": losses.MeanAbsolutePercentageError, "msle": losses.MeanSquaredLogarithmicError,
           "kld": losses.KLDivergence, "KLD": losses.KLDivergence, "bce": losses.BinaryCrossentropy,
           "huber": losses.Huber, "Huber": losses.Huber, "log_cosh": losses.LogCosh,
           "logcosh": losses.LogCosh, "kl_divergence": losses.KLDivergence,
           "categorical_crossentropy": losses.CategoricalCrossentropy,
           "SparseCategoricalCrossentropy": losses.SparseCategoricalCrossentropy,
           "binary_crossentropy": losses.BinaryCrossentropy, "poisson": losses.Poisson,
           "cosine_similarity": losses.CosineSimilarity, "hinge": losses.Hinge,
           "squared_hinge": losses.SquaredHinge, "categorical_hinge": losses.CategoricalHinge}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_keras_names_and_aliases(name):
    assert type(losses.get(name)) is ALIASES[name]


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid losses: binary_crossentropy, .*squared_hinge"):
        losses.get("cross_entropy")
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        losses.MeanSquaredError(reduction="average")


def test_keras_default_names_and_config_keys():
    assert losses.Huber().get_config() == {"name": "huber_loss", "reduction": "sum_over_batch_size"}
    assert losses.Huber(delta=0.5).get_config()["delta"] == 0.5
    assert losses.CosineSimilarity().get_config() == {"name": "cosine_similarity",
                                                      "reduction": "sum_over_batch_size"}
    assert losses.CategoricalCrossentropy().get_config() == {
        "name": "categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    assert losses.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "ignore_class": None}
    assert losses.BinaryCrossentropy().get_config()["name"] == "binary_crossentropy"
    assert losses.LogCosh().name == "log_cosh" and losses.KLDivergence().name == "kl_divergence"


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_round_trip(case):
    loss = CASES[case][0]
    again = losses.get(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


def test_keras_function_and_wrapper_forms_deserialize():
    fn = {"module": "keras.losses", "class_name": "function", "config": "mean_squared_error",
          "registered_name": "mean_squared_error"}
    assert type(losses.get(fn)) is losses.MeanSquaredError
    wrapper = {"class_name": "LossFunctionWrapper",
               "config": {"name": "bce", "reduction": "sum", "from_logits": True,
                          "fn": {"module": "keras.losses", "class_name": "function",
                                 "config": "binary_crossentropy",
                                 "registered_name": "binary_crossentropy"}}}
    loss = losses.get(wrapper)
    assert type(loss) is losses.BinaryCrossentropy and loss.from_logits and loss.reduction == "sum"


def test_names_for_menus():
    names = losses.names()
    assert {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
            "mean_squared_error", "mean_absolute_error", "huber", "kl_divergence"} <= set(names)
    assert all(n == n.lower() for n in names)


# --- through a model -----------------------------------------------------------------------------
@pytest.mark.parametrize(("activation", "loss_cls", "targets"), [
    ("softmax", losses.CategoricalCrossentropy, Y_ONEHOT),
    ("softmax", losses.SparseCategoricalCrossentropy, LABELS),
    ("sigmoid", losses.BinaryCrossentropy, Y_BINARY),
])
def test_from_logits_model_takes_the_same_step_as_the_activated_one(activation, loss_cls, targets):
    """Dense(act) + loss (fused gradient) and Dense(linear) + loss(from_logits=True) (plain
    gradient) are the same function of the weights, so one SGD step must land on the same weights."""
    from engine.layers import Dense
    from engine.models import Sequential

    x = rng.standard_normal((N, 3)).astype(np.float32)
    models = []
    for act, from_logits in ((activation, False), ("linear", True)):
        model = Sequential([Dense(K, activation=act, input_shape=(3,))])
        model.compile(optimizer="sgd", loss=loss_cls(from_logits=from_logits))
        models.append(model)
    start = models[0].get_weights()
    models[1].set_weights(start)
    for model in models:
        model.train_on_batch(x, targets)
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.abs(models[0].get_weights()[0] - start[0]).max() > 1e-4  # the step did move
