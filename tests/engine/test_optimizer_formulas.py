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


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_on_a_vector_longer_than_one_slice_updates_every_element(amsgrad):
    # A model's flat vector is updated slice by slice, on all cores: the result must be the
    # formula's for every element, the last partial slice included.
    from engine.layers import _parallel
    size = 3 * _parallel.SLICE + 17
    rng = np.random.default_rng(3)
    w0, grads = rng.standard_normal(size), [rng.standard_normal(size) for _ in range(3)]
    opt, w = optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad), w0.copy()
    m, v, vmax, want = np.zeros(size), np.zeros(size), np.zeros(size), w0.copy()
    for t, g in enumerate(grads, start=1):
        opt.apply(w, g)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        vmax = np.maximum(vmax, v)
        want -= 0.01 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (
            np.sqrt(vmax if amsgrad else v) + 1e-7)
    np.testing.assert_allclose(w, want, rtol=1e-12, atol=1e-15)
