"""Optimizers against their Keras 3 update formulas, written out again here in float64 loops.

Each reference below restates Keras' published rule per element with plain Python floats; the
engine's vectorised, in-place version must reproduce it to float64 round-off (and to float32
round-off when run in float32, as in training).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import optimizers
from engine.optimizers import schedules

RNG = np.random.default_rng(7)
W0 = RNG.standard_normal(6)
GRADS = [RNG.standard_normal(6) for _ in range(3)]


# --- references: one float per weight, Keras' formulas as written in its docs/source ------------
def ref_sgd(w, grads, lr=0.01, momentum=0.0, nesterov=False, **_):
    w, out = list(w), []
    v = [0.0] * len(w)
    for g in grads:
        for i, gi in enumerate(g):
            v[i] = momentum * v[i] - lr * gi
            w[i] += momentum * v[i] - lr * gi if nesterov else v[i]
        out.append(np.array(w))
    return out


def ref_adam(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None, **_):
    w, out = list(w), []
    m, v, vmax = [0.0] * len(w), [0.0] * len(w), [0.0] * len(w)
    for t, g in enumerate(grads, start=1):
        for i, gi in enumerate(g):
            if weight_decay:
                w[i] -= w[i] * weight_decay * lr
            m[i] = beta_1 * m[i] + (1 - beta_1) * gi
            v[i] = beta_2 * v[i] + (1 - beta_2) * gi * gi
            vmax[i] = max(vmax[i], v[i])
            denom = math.sqrt(vmax[i] if amsgrad else v[i]) + epsilon
            w[i] -= lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m[i] / denom
        out.append(np.array(w))
    return out


def ref_rmsprop(w, grads, lr=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **_):
    w, out = list(w), []
    v, mg, mom = [0.0] * len(w), [0.0] * len(w), [0.0] * len(w)
    for g in grads:
        for i, gi in enumerate(g):
            v[i] = rho * v[i] + (1 - rho) * gi * gi
            mg[i] = rho * mg[i] + (1 - rho) * gi
            denom = v[i] - mg[i] ** 2 + epsilon if centered else v[i] + epsilon
            step = lr * gi / math.sqrt(denom)
            mom[i] = momentum * mom[i] + step
            w[i] -= mom[i] if momentum > 0 else step
        out.append(np.array(w))
    return out


def ref_adagrad(w, grads, lr=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **_):
    w, out = list(w), []
    acc = [initial_accumulator_value] * len(w)
    for g in grads:
        for i, gi in enumerate(g):
            acc[i] += gi * gi
            w[i] -= lr * gi / math.sqrt(acc[i] + epsilon)
        out.append(np.array(w))
    return out


def ref_adadelta(w, grads, lr=0.001, rho=0.95, epsilon=1e-7, **_):
    w, out = list(w), []
    eg, ed = [0.0] * len(w), [0.0] * len(w)
    for g in grads:
        for i, gi in enumerate(g):
            eg[i] = rho * eg[i] + (1 - rho) * gi * gi
            delta = -math.sqrt(ed[i] + epsilon) / math.sqrt(eg[i] + epsilon) * gi
            ed[i] = rho * ed[i] + (1 - rho) * delta * delta
            w[i] += lr * delta
        out.append(np.array(w))
    return out


def ref_adamax(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
    w, out = list(w), []
    m, u = [0.0] * len(w), [0.0] * len(w)
    for t, g in enumerate(grads, start=1):
        for i, gi in enumerate(g):
            m[i] = beta_1 * m[i] + (1 - beta_1) * gi
            u[i] = max(beta_2 * u[i], abs(gi))
            w[i] -= lr / (1 - beta_1**t) * m[i] / (u[i] + epsilon)
        out.append(np.array(w))
    return out


def ref_nadam(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
    w, out = list(w), []
    m, v = [0.0] * len(w), [0.0] * len(w)
    mu = [beta_1 * (1 - 0.5 * 0.96**t) for t in range(1, len(grads) + 2)]  # mu[t-1] = u_t
    for t, g in enumerate(grads, start=1):
        prod_t, prod_next = math.prod(mu[:t]), math.prod(mu[:t + 1])
        for i, gi in enumerate(g):
            m[i] = beta_1 * m[i] + (1 - beta_1) * gi
            v[i] = beta_2 * v[i] + (1 - beta_2) * gi * gi
            m_hat = mu[t] * m[i] / (1 - prod_next) + (1 - mu[t - 1]) * gi / (1 - prod_t)
            v_hat = v[i] / (1 - beta_2**t)
            w[i] -= lr * m_hat / (math.sqrt(v_hat) + epsilon)
        out.append(np.array(w))
    return out


CASES = [
    ("sgd", {}, ref_sgd),
    ("sgd", {"momentum": 0.9}, ref_sgd),
    ("sgd", {"momentum": 0.9, "nesterov": True}, ref_sgd),
    ("adam", {}, ref_adam),
    ("adam", {"amsgrad": True, "learning_rate": 0.01}, ref_adam),
    ("adamw", {"weight_decay": 0.004}, ref_adam),
    ("adamw", {"weight_decay": 0.1, "learning_rate": 0.05}, ref_adam),
    ("rmsprop", {}, ref_rmsprop),
    ("rmsprop", {"momentum": 0.5, "centered": True}, ref_rmsprop),
    ("adagrad", {}, ref_adagrad),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}, ref_adagrad),
    ("adadelta", {}, ref_adadelta),
    ("adadelta", {"learning_rate": 1.0, "rho": 0.9}, ref_adadelta),
    ("adamax", {}, ref_adamax),
    ("nadam", {}, ref_nadam),
    ("nadam", {"learning_rate": 0.01, "beta_1": 0.8}, ref_nadam),
]


def reference(ref, grads, kwargs):
    """The reference trajectory; Keras' `learning_rate` argument is `lr` in the formulas above."""
    kwargs = dict(kwargs)
    if "learning_rate" in kwargs:
        kwargs["lr"] = kwargs.pop("learning_rate")
    return ref(W0, grads, **kwargs)


def run(name, kwargs, grads, dtype=np.float64):
    opt = optimizers.get({"class_name": name, "config": kwargs})
    w = W0.astype(dtype)
    history = []
    for g in grads:
        opt.apply(w, g.astype(dtype))
        history.append(w.astype(np.float64))
    return opt, history


@pytest.mark.parametrize(("name", "kwargs", "ref"), CASES)
@pytest.mark.parametrize("steps", [1, 3])
def test_update_matches_keras_formula_float64(name, kwargs, ref, steps):
    opt, got = run(name, kwargs, GRADS[:steps])
    want = reference(ref, GRADS[:steps], kwargs)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert opt.iterations == steps


@pytest.mark.parametrize(("name", "kwargs", "ref"), CASES)
def test_update_in_float32_keeps_dtype_and_matches(name, kwargs, ref):
    opt = optimizers.get({"class_name": name, "config": kwargs})
    w = W0.astype(np.float32)
    for g in GRADS:
        opt.apply(w, g.astype(np.float32))
    assert w.dtype == np.float32
    want = reference(ref, GRADS, kwargs)[-1]
    np.testing.assert_allclose(w, want, rtol=2e-5, atol=2e-6)


def test_adam_first_step_closed_form():
    # After one step m = (1−β1)g, v = (1−β2)g², so Δw = −lr·√(1−β2)·g / (√(1−β2)·|g| + ε).
    g, lr, b2, eps = GRADS[0], 0.001, 0.999, 1e-7
    _, (w1,) = run("adam", {}, [g])
    np.testing.assert_allclose(w1, W0 - lr * math.sqrt(1 - b2) * g / (math.sqrt(1 - b2) * abs(g) + eps),
                               rtol=1e-12)


def test_adamw_decay_is_decoupled_from_the_gradient():
    # With a zero gradient Adam does not move, so only w ← w − w·wd·lr remains.
    opt = optimizers.AdamW(learning_rate=0.5, weight_decay=0.1)
    w = W0.copy()
    opt.apply(w, np.zeros_like(w))
    np.testing.assert_allclose(w, W0 * (1 - 0.1 * 0.5), rtol=1e-12)


def test_weight_decay_works_for_sgd_too():
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.2)
    w = W0.copy()
    opt.apply(w, GRADS[0])
    np.testing.assert_allclose(w, W0 * (1 - 0.2 * 0.1) - 0.1 * GRADS[0], rtol=1e-12)


# --- clipping ----------------------------------------------------------------------------------
SEGMENTS = [slice(0, 2), slice(2, 6)]


def sgd_step(grad, segments=None, **clip):
    """With SGD(lr=1) the update is exactly −(the clipped gradient)."""
    opt = optimizers.SGD(learning_rate=1.0, **clip)
    w = np.zeros(6)
    opt.apply(w, grad.copy(), segments)
    return -w


def test_clipnorm_clips_each_weight_separately():
    g = np.array([3.0, 4.0, 0.1, 0.1, 0.1, 0.1])  # first weight has norm 5, second norm 0.2
    clipped = sgd_step(g, SEGMENTS, clipnorm=1.0)
    np.testing.assert_allclose(clipped[:2], [0.6, 0.8])
    np.testing.assert_allclose(clipped[2:], g[2:])


def test_clipnorm_without_segments_treats_the_vector_as_one_weight():
    g = np.array([3.0, 4.0, 0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(sgd_step(g, clipnorm=2.5), g / 2)


def test_global_clipnorm_scales_everything_by_the_total_norm():
    g = np.array([3.0, 4.0, 0.0, 12.0, 0.0, 0.0])  # global norm 13
    np.testing.assert_allclose(sgd_step(g, SEGMENTS, global_clipnorm=6.5), g / 2)
    np.testing.assert_allclose(sgd_step(g, SEGMENTS, global_clipnorm=20.0), g)


def test_clipvalue_clips_elementwise():
    g = np.array([-3.0, 0.2, 0.7, -0.1, 5.0, 0.0])
    np.testing.assert_allclose(sgd_step(g, clipvalue=0.5), np.clip(g, -0.5, 0.5))


def test_clipping_leaves_the_models_gradient_untouched():
    g = np.array([3.0, 4.0, 0.1, 0.1, 0.1, 0.1])
    before = g.copy()
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply(np.zeros(6), g, SEGMENTS)
    np.testing.assert_array_equal(g, before)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)


# --- learning rate: floats, schedules, dicts ------------------------------------------------------
def test_schedule_values_at_chosen_steps():
    exp = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert exp(0) == pytest.approx(0.1)
    assert exp(5) == pytest.approx(0.1 * 0.5**0.5)
    assert exp(20) == pytest.approx(0.025)
    stair = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert stair(19) == pytest.approx(0.05)
    piece = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [piece(s) for s in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    cos = schedules.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    assert cos(0) == pytest.approx(1.0)
    assert cos(50) == pytest.approx(0.9 * 0.5 + 0.1)  # cos(π/2) = 0
    assert cos(100) == pytest.approx(0.1) and cos(500) == pytest.approx(0.1)
    warm = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert warm(1) == pytest.approx(0.25)
    assert warm(4) == pytest.approx(1.0)
    assert warm(9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))
    inv = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert inv(4) == pytest.approx(1 / (1 + 0.5 * 2))
    poly = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=2.0)
    assert poly(5) == pytest.approx(0.25) and poly(50) == pytest.approx(0.0)
    restarts = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
    assert restarts(5) == pytest.approx(0.5) and restarts(15) == pytest.approx(0.5)
    doubling = schedules.CosineDecayRestarts(1.0, first_decay_steps=10)  # periods 10, 20, 40…
    assert doubling(20) == pytest.approx(0.5 * (1 + math.cos(math.pi * 10 / 20)))


def test_schedule_validation_messages():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_optimizer_calls_the_schedule_with_its_step_count():
    schedule = schedules.PiecewiseConstantDecay([1], [1.0, 0.25])
    opt = optimizers.SGD(learning_rate=schedule)
    w = np.zeros(1)
    steps = []
    for _ in range(3):
        before = w.copy()
        opt.apply(w, np.ones(1))
        steps.append(float(before[0] - w[0]))
    assert steps == [1.0, 1.0, 0.25]  # iterations 0 and 1 are ≤ the boundary 1


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 100, 0.96, staircase=True),
    schedules.PiecewiseConstantDecay([5, 10], [0.1, 0.01, 0.001]),
    schedules.CosineDecay(0.1, 1000, alpha=0.05, warmup_target=0.2, warmup_steps=10),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
])
def test_schedule_config_round_trip(schedule):
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(s) for s in (0, 7, 50)] == [schedule(s) for s in (0, 7, 50)]


def test_learning_rate_accepts_a_schedule_config_dict():
    config = {"class_name": "ExponentialDecay",
              "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}}
    opt = optimizers.Adam(learning_rate=config)
    assert isinstance(opt._learning_rate, schedules.ExponentialDecay)
    assert opt.learning_rate == pytest.approx(0.1)
    lr_config = opt.get_config()["learning_rate"]
    assert lr_config["class_name"] == "ExponentialDecay"
    assert lr_config["module"] == "keras.optimizers.schedules"


def test_learning_rate_is_settable_unless_scheduled():
    opt = optimizers.SGD()
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5 and opt.get_config()["learning_rate"] == 0.5
    scheduled = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.5


def test_invalid_learning_rate_is_reported():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="learning_rate=-0.1"):
        optimizers.SGD(learning_rate=-0.1)


# --- defaults, names and configs -----------------------------------------------------------------
KERAS_DEFAULTS = {
    "sgd": {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "adam": {"name": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
             "epsilon": 1e-7, "amsgrad": False},
    "adamw": {"name": "adamw", "learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9,
              "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "rmsprop": {"name": "rmsprop", "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                "epsilon": 1e-7, "centered": False},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "adadelta": {"name": "adadelta", "learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "adamax": {"name": "adamax", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
               "epsilon": 1e-7},
    "nadam": {"name": "nadam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-7},
}
BASE_KEYS = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
             "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
             "gradient_accumulation_steps"}


@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_defaults_and_config_keys_match_keras(name):
    config = optimizers.get(name).get_config()
    assert config.items() >= KERAS_DEFAULTS[name].items()
    extra = set(KERAS_DEFAULTS[name]) - {"name", "learning_rate", "weight_decay"}
    assert set(config) == BASE_KEYS | extra


def test_adagrad_is_named_like_keras_names_it():
    assert optimizers.Adagrad().name.startswith("adagrad")


@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_config_round_trip(name):
    opt = optimizers.get(name)
    again = optimizers.get(optimizers.serialize(opt))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


def test_a_keras3_training_config_optimizer_loads():
    # The shape Keras 3 stores: module/class_name/config/registered_name, all base keys present.
    config = {"module": "keras.optimizers", "class_name": "RMSprop", "registered_name": None,
              "config": {"name": "rmsprop", "learning_rate": 0.0005, "weight_decay": None,
                         "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                         "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                         "loss_scale_factor": None, "gradient_accumulation_steps": None,
                         "rho": 0.8, "momentum": 0.0, "epsilon": 1e-07, "centered": True}}
    opt = optimizers.get(config)
    assert isinstance(opt, optimizers.RMSprop) and opt.rho == 0.8 and opt.centered
    assert opt.get_config() == config["config"]


def test_a_keras2_optimizer_config_loads():
    config = {"class_name": "Adam", "config": {"name": "Adam", "lr": 0.002, "decay": 0.0,
                                               "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                                               "amsgrad": False}}
    assert optimizers.get(config).learning_rate == pytest.approx(0.002)


def test_lookup_by_snake_and_class_name():
    for name in ("sgd", "SGD", "adam", "Adam", "adamw", "AdamW", "rmsprop", "RMSprop", "adagrad",
                 "Adagrad", "adadelta", "Adadelta", "adamax", "Adamax", "nadam", "Nadam"):
        assert optimizers.get(name).__class__.__name__.lower() == name.lower()
    assert optimizers.names() == ["adadelta", "adagrad", "adam", "adamax", "adamw", "nadam",
                                  "rmsprop", "sgd"]


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid optimizers: adadelta, .*rmsprop, sgd"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        optimizers.get(3)


def test_unknown_argument_is_rejected():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(betas=(0.9, 0.99))


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay=None"):
        optimizers.AdamW(weight_decay=None)


# --- state, accumulation, scaling, EMA -------------------------------------------------------------
def test_state_is_rebuilt_when_the_model_changes_size():
    opt = optimizers.Adam()
    opt.apply(np.zeros(4, np.float32), np.ones(4, np.float32))
    w = np.zeros(7, np.float32)
    opt.apply(w, np.ones(7, np.float32))
    assert opt.m.shape == (7,) and np.all(w < 0)


def test_gradient_accumulation_applies_the_mean_every_k_steps():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    w = np.zeros(2)
    opt.apply(w, np.array([1.0, 2.0]))
    np.testing.assert_array_equal(w, [0.0, 0.0])
    opt.apply(w, np.array([3.0, 0.0]))
    np.testing.assert_allclose(w, [-2.0, -1.0])
    assert opt.iterations == 1


def test_loss_scale_factor_divides_the_gradient():
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    w = np.zeros(2)
    opt.apply(w, np.array([4.0, -8.0]))
    np.testing.assert_allclose(w, [-1.0, 2.0])


def test_ema_tracks_the_weights_and_finalizes():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    w = np.zeros(1)
    opt.apply(w, np.array([-1.0]))  # w = 1, average = 1 (first step copies)
    opt.apply(w, np.array([-1.0]))  # w = 2, average = 0.5·1 + 0.5·2
    opt.finalize_variable_values(w)
    np.testing.assert_allclose(w, [1.5])
