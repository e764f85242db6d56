"""Training a Conv2D → MaxPooling2D pair as one step (engine/layers/_conv_pool.py): the same
numbers as layer by layer, gradients that match finite differences, and only the pairs it fits."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.layers import (
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Input,
    MaxPooling2D,
    _conv_pool,
    _correlate,
)
from tests.engine.conv_helpers import built
from tests.engine.gradcheck import numeric_grad, relative_error


def small_cnn(seed: int, fused: bool, monkeypatch, first_activation: str = "relu"):
    """Two fusable pairs: 12×12 → 10×10 → 5×5 (even), then 5×5 → 3×3 → 1×1 (an odd row and
    column dropped), then a softmax. `fused`: whether the model runs them as ConvPool steps."""
    monkeypatch.setattr(_conv_pool, "ENABLED", fused)
    engine.utils.set_random_seed(seed)
    model = engine.Sequential([
        Input((12, 12, 2)),
        Conv2D(6, 3, activation=first_activation), MaxPooling2D(),
        Conv2D(5, 3, activation="relu", bias_initializer="random_normal"), MaxPooling2D(),
        Flatten(), Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert sum(isinstance(s, _conv_pool.ConvPool) for s in model._steps) == (2 if fused else 0)
    return model


def train(model, steps: int) -> list[float]:
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((9, 12, 12, 2)).astype(np.float32), rng.integers(0, 4, 9)
    return [model.train_step(x, y) for _ in range(steps)]


@pytest.mark.parametrize("first_activation", ["relu", "linear"])
@pytest.mark.parametrize("chunk_bytes", [1, 2 << 20])  # a chunk per sample, or the whole batch
def test_fused_training_matches_layer_by_layer(monkeypatch, first_activation, chunk_bytes):
    monkeypatch.setattr(_correlate, "CHUNK_BYTES", chunk_bytes)
    fused = small_cnn(5, True, monkeypatch, first_activation)
    plain = small_cnn(5, False, monkeypatch, first_activation)
    fused_losses, plain_losses = train(fused, 6), train(plain, 6)
    # Equal up to float32 rounding: the fused kernel gradient adds its rows in another order.
    np.testing.assert_allclose(fused_losses, plain_losses, rtol=1e-6)
    assert fused_losses[-1] < fused_losses[0]
    for a, b in zip(fused.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_fused_inference_matches_layer_by_layer(monkeypatch):
    fused, plain = small_cnn(8, True, monkeypatch), small_cnn(8, False, monkeypatch)
    x = np.random.default_rng(4).standard_normal((40, 12, 12, 2)).astype(np.float32)
    np.testing.assert_allclose(fused.predict(x, verbose=0), plain.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-7)
    step = fused._steps[0]
    assert step._right is None  # inference keeps no choices for a backward pass
    with pytest.raises(RuntimeError, match="training=True"):
        step.backward(np.ones((40, 5, 5, 6), np.float32))


@pytest.mark.parametrize("size, padding, strides, dilation, groups, gathered", [
    (9, "valid", 1, 1, 1, False),  # 9 → 7 → 3: the last row and column are dropped; d x scattered
    (6, "same", 1, 1, 1, True),    # 6 → 6 → 3, d x gathered
    (5, "same", 1, 1, 2, True),    # 5 → 5 → 2, two groups: the bias is added after the product
    (9, "same", 2, 1, 1, False),   # 9 → 5 → 2 at stride 2
    (9, "valid", 1, 2, 1, False),  # 9 → 5 → 2 with dilated windows
])
def test_fused_gradients_match_finite_differences(size, padding, strides, dilation, groups,
                                                  gathered):
    """float64, loss = Σ R·pool(relu(conv(x))): d x, d kernel and d bias by central differences.
    The random draws leave no window tied and no pooled value at relu's kink."""
    rng = np.random.default_rng(21)
    conv = built(Conv2D(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                        groups=groups, activation="relu"), (None, size, size, 2))
    pool = MaxPooling2D()
    step = _conv_pool.ConvPool(conv, pool)
    x = rng.standard_normal((2, size, size, 2))
    out_shape = pool.compute_output_shape(conv.compute_output_shape(x.shape))
    weights = rng.standard_normal(out_shape)
    step.forward(x, training=True)
    assert (conv._gather_geometry(conv._geo) is not None) == gathered

    def loss() -> float:
        return float(np.sum(step.forward(x, training=True) * weights))

    out = step.forward(x, training=True)
    assert out.shape == weights.shape and np.any(out == 0) and np.any(out > 0)
    conv.kernel.grad[...] = np.nan  # a step that added into .grad instead of writing would show
    dx = step.backward(weights)
    analytic = {"x": dx, "kernel": conv.kernel.grad.copy(), "bias": conv.bias.grad.copy()}
    numeric = {"x": numeric_grad(loss, x), "kernel": numeric_grad(loss, conv.kernel.value),
               "bias": numeric_grad(loss, conv.bias.value)}
    for name in analytic:
        assert relative_error(analytic[name], numeric[name]) < 1e-6, name


def test_first_layer_pair_computes_no_input_gradient(monkeypatch):
    first = small_cnn(1, True, monkeypatch)._steps[0]
    assert isinstance(first, _conv_pool.ConvPool) and not first.conv.need_input_grad
    first.forward(np.ones((2, 12, 12, 2), np.float32), training=True)
    assert first.backward(np.ones((2, 5, 5, 6), np.float32)) is None


@pytest.mark.parametrize("conv, pool", [
    (Conv2D(4, 3, activation="relu6"), MaxPooling2D()),
    (Conv2D(4, 3, activation="sigmoid"), MaxPooling2D()),
    (Conv2D(4, 3, activation=engine.activations.ReLU(negative_slope=0.1)), MaxPooling2D()),
    (Conv2D(4, 3, activation="relu"), MaxPooling2D(3)),
    (Conv2D(4, 3, activation="relu"), MaxPooling2D(2, strides=1)),
    (Conv2D(4, 3, activation="relu"), MaxPooling2D(padding="same")),
    (Conv2D(4, 3, activation="relu", data_format="channels_first"),
     MaxPooling2D(data_format="channels_first")),
    (type("MyConv", (Conv2D,), {})(4, 3), MaxPooling2D()),
    (Conv2D(4, 3), Dropout(0.5)),
])
def test_pairs_it_does_not_fit_run_layer_by_layer(conv, pool):
    assert not _conv_pool.ConvPool.fits(conv, pool)
    steps = _conv_pool.steps([conv, pool])
    assert steps == [conv, pool]


def test_pairs_it_fits():
    assert _conv_pool.ConvPool.fits(Conv2D(4, 3, activation="relu"), MaxPooling2D())
    assert _conv_pool.ConvPool.fits(Conv2D(4, 5, padding="same", strides=2), MaxPooling2D((2, 2)))


def test_steps_follow_layers_added_and_removed():
    model = engine.Sequential([Input((8, 8, 1)), Conv2D(2, 3, activation="relu")])
    assert model._steps == model.layers
    model.add(MaxPooling2D())
    assert [type(s) for s in model._steps] == [_conv_pool.ConvPool]
    assert model.predict(np.ones((1, 8, 8, 1)), verbose=0).shape == (1, 3, 3, 2)
    model.pop()
    assert model._steps == model.layers
    assert model.predict(np.ones((1, 8, 8, 1)), verbose=0).shape == (1, 6, 6, 2)


def test_an_input_too_small_for_the_pooling_fails_as_layer_by_layer():
    """Image size unknown at build: a 3×3 input leaves a 1×1 map, smaller than the 2×2 window."""
    model = engine.Sequential([Input((None, None, 1)), Conv2D(2, 3), MaxPooling2D()])
    assert isinstance(model._steps[0], _conv_pool.ConvPool)
    with pytest.raises(ValueError, match="max_pooling2d"):
        model.predict(np.ones((1, 3, 3, 1)), verbose=0)
    assert model.predict(np.ones((1, 6, 6, 1)), verbose=0).shape == (1, 2, 2, 2)
