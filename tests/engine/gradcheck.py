"""Finite-difference gradient checks for engine layers, in float64.

`check_layer_gradients(layer, x)` builds the layer, casts its variables to float64, and compares the
analytic gradients of loss = sum(layer(x) * R) (R a fixed random array) with central differences:
dx, and every trainable weight's `.grad`. Before the backward pass each `.grad` is filled with noise,
so a layer that accumulates into `.grad` instead of writing it fails the check.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_grad(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d f() / d array by central differences, perturbing `array` in place (restored after)."""
    grad = np.zeros_like(array, dtype=np.float64)
    flat, out = array.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, array), "numeric_grad needs a contiguous array to perturb"
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        out[i] = (up - down) / (2 * eps)
    return grad


def away_from_kinks(rng: np.random.Generator, shape) -> np.ndarray:
    """Inputs with 0.1 ≤ |v| ≤ 2.5, clear of the kinks of relu-like functions (0, ±3, 6)."""
    return rng.uniform(0.1, 2.5, shape) * rng.choice([-1.0, 1.0], shape)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """max |a − n| / max(|a|, |n|) over the whole array (0 when both are zero)."""
    scale = max(float(np.abs(analytic).max(initial=0)), float(np.abs(numeric).max(initial=0)))
    if scale == 0:
        return 0.0
    return float(np.abs(analytic - numeric).max()) / scale


def to_float64(layer) -> None:
    """Cast every variable of a built layer to float64 (fresh, unpacked buffers)."""
    for var in layer._variables:
        var.value = np.array(var.value, dtype=np.float64)
        var.grad = np.zeros_like(var.value)


def check_layer_gradients(layer, x: np.ndarray, training: bool = True, seed: int = 0,
                          tol: float = 1e-6, eps: float = 1e-6) -> dict[str, float]:
    """Assert analytic dx and weight grads match central differences; return the errors by name.

    `x` is (batch, …) and is used in float64. The layer must be deterministic for a given input
    in the chosen mode (no dropout draws).
    """
    rng = np.random.default_rng(seed)
    x = np.array(x, dtype=np.float64)
    if not layer.built:
        layer.build((None, *x.shape[1:]))
    to_float64(layer)
    out = layer.forward(x.copy(), training=training)
    assert out.dtype == np.float64, f"{layer.name} returned {out.dtype} for float64 input"
    R = rng.standard_normal(out.shape)
    for var in layer.trainable_weights:
        var.grad[...] = rng.standard_normal(var.grad.shape) * 1e3  # a write must replace this
    dx = layer.backward(R.copy())

    def loss() -> float:
        return float(np.sum(layer.forward(x.copy(), training=training) * R))

    errors: dict[str, float] = {}
    analytic = {var.name: var.grad.copy() for var in layer.trainable_weights}
    if layer.need_input_grad:
        assert dx is not None and dx.shape == x.shape, f"dx shape {getattr(dx, 'shape', None)}"
        errors["x"] = relative_error(dx, numeric_grad(loss, x, eps))
    for var in layer.trainable_weights:
        errors[var.name] = relative_error(analytic[var.name], numeric_grad(loss, var.value, eps))
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"{layer.name}: gradient mismatch {bad} (tolerance {tol})"
    return errors
