"""Conv2D and Conv1D: direct-loop reference, finite-difference gradients, shapes, config, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import layers
from engine.layers import Conv1D, Conv2D, _correlate
from tests.engine.gradcheck import check_layer_gradients, to_float64


def tf_same_pads(size: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's rule, written out independently of the engine's helper."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def direct_conv(x, kernel, bias, strides, dilation, padding, groups=1):
    """The textbook definition, one output element at a time (float64)."""
    n, h, w, c = x.shape
    kh, kw, cg, f = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation
    if padding == "same":
        pads = (tf_same_pads(h, kh, sh, dh), tf_same_pads(w, kw, sw, dw))
    else:
        pads = ((0, 0), (0, 0))
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((n, oh, ow, f))
    fg = f // groups
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for o in range(f):
                    g = o // fg
                    total = 0.0 if bias is None else bias[o]
                    for p in range(kh):
                        for q in range(kw):
                            pixel = xp[b, i * sh + p * dh, j * sw + q * dw, g * cg:(g + 1) * cg]
                            total += float(pixel @ kernel[p, q, :, o])
                    out[b, i, j, o] = total
    return out


def built(layer, input_shape):
    layer.build(input_shape)
    to_float64(layer)
    rng = np.random.default_rng(7)
    for var in layer.weights:  # non-zero bias so a missing bias term would show
        var.value[...] = rng.standard_normal(var.shape)
    return layer


CASES = [  # (x shape, Conv2D kwargs)
    ((2, 6, 7, 3), dict(filters=4, kernel_size=3)),
    ((2, 6, 7, 3), dict(filters=4, kernel_size=3, padding="same")),
    ((1, 7, 8, 2), dict(filters=3, kernel_size=(3, 2), strides=2, padding="same")),
    ((1, 8, 7, 2), dict(filters=3, kernel_size=(2, 3), strides=(2, 3))),
    ((2, 9, 8, 3), dict(filters=2, kernel_size=3, dilation_rate=2)),
    ((1, 7, 9, 2), dict(filters=3, kernel_size=3, dilation_rate=(2, 1), padding="same")),
    ((1, 5, 6, 4), dict(filters=6, kernel_size=2, groups=2)),
    ((2, 6, 5, 4), dict(filters=6, kernel_size=3, groups=2, padding="same")),
    ((2, 5, 5, 9), dict(filters=2, kernel_size=4, padding="same", use_bias=False)),
    ((1, 6, 5, 16), dict(filters=3, kernel_size=1, strides=2)),
]


@pytest.mark.parametrize("shape, kwargs", CASES)
def test_forward_matches_direct_convolution(shape, kwargs):
    layer = built(Conv2D(**kwargs), (None, *shape[1:]))
    x = np.random.default_rng(1).standard_normal(shape)
    bias = layer.bias.value if layer.use_bias else None
    expected = direct_conv(x, layer.kernel.value, bias, layer.strides, layer.dilation_rate,
                           layer.padding, layer.groups)
    got = layer.forward(x)
    assert got.shape == expected.shape == (shape[0], *layer.compute_output_shape(shape)[1:])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_forward_float32_matches_reference():
    layer = Conv2D(8, 3, padding="same", activation="relu")
    x = np.random.default_rng(2).standard_normal((3, 7, 6, 5)).astype(np.float32)
    y = layer(x)
    assert y.dtype == np.float32
    z = direct_conv(x.astype(np.float64), layer.kernel.value.astype(np.float64),
                    layer.bias.value.astype(np.float64), (1, 1), (1, 1), "same")
    np.testing.assert_allclose(y, np.maximum(z, 0), rtol=1e-4, atol=1e-5)


GRAD_CASES = CASES + [
    ((2, 5, 6, 3), dict(filters=3, kernel_size=3, activation="tanh")),
    ((2, 5, 5, 2), dict(filters=3, kernel_size=3, padding="same", activation="sigmoid")),
    ((1, 3, 5, 6), dict(filters=2, kernel_size=2, data_format="channels_first")),
]


@pytest.mark.parametrize("shape, kwargs", GRAD_CASES)
def test_conv2d_gradients(shape, kwargs):
    layer = Conv2D(**kwargs)
    x = np.random.default_rng(3).standard_normal(shape)
    check_layer_gradients(layer, x)


@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3),
    dict(filters=2, kernel_size=2, padding="same", strides=2),
    dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2),
    dict(filters=4, kernel_size=2, groups=2, activation="tanh"),
])
def test_conv1d_gradients(kwargs):
    x = np.random.default_rng(4).standard_normal((2, 7, 4))
    check_layer_gradients(Conv1D(**kwargs), x)


def test_conv1d_equals_conv2d_on_one_row():
    conv1 = built(Conv1D(3, 3, strides=2, padding="same"), (None, 9, 2))
    conv2 = built(Conv2D(3, (1, 3), strides=(1, 2), padding="same"), (None, 1, 9, 2))
    conv2.kernel.value[...] = conv1.kernel.value[None]
    conv2.bias.value[...] = conv1.bias.value
    x = np.random.default_rng(5).standard_normal((2, 9, 2))
    np.testing.assert_allclose(conv1.forward(x), conv2.forward(x[:, None])[:, 0])


def test_causal_conv1d_output_ignores_the_future():
    layer = built(Conv1D(2, 3, padding="causal", dilation_rate=2), (None, 10, 1))
    x = np.random.default_rng(6).standard_normal((1, 10, 1))
    later = x.copy()
    later[:, 6:] += 5.0
    assert layer.compute_output_shape((None, 10, 1)) == (None, 10, 2)
    np.testing.assert_allclose(layer.forward(x)[:, :6], layer.forward(later)[:, :6])
    assert not np.allclose(layer.forward(x)[:, 6:], layer.forward(later)[:, 6:])


def test_backward_without_activation_is_the_pre_activation_gradient():
    """through_activation=False lets a loss fuse the last activation (softmax + cross-entropy)."""
    fused = built(Conv2D(4, 3, activation="softmax"), (None, 5, 5, 2))
    linear = built(Conv2D(4, 3), (None, 5, 5, 2))
    linear.set_weights(fused.get_weights())
    x = np.random.default_rng(8).standard_normal((2, 5, 5, 2))
    grad = np.random.default_rng(9).standard_normal((2, 3, 3, 4))
    fused.forward(x, training=True)
    linear.forward(x, training=True)
    dx_fused = fused.backward(grad, through_activation=False)
    kernel_grad = fused.kernel.grad.copy()
    np.testing.assert_allclose(dx_fused, linear.backward(grad))
    np.testing.assert_allclose(kernel_grad, linear.kernel.grad)


def test_first_layer_skips_the_input_gradient():
    layer = Conv2D(2, 3)
    layer.need_input_grad = False
    x = np.random.default_rng(10).standard_normal((2, 5, 5, 1)).astype(np.float32)
    layer(x, training=True)
    assert layer.backward(np.ones((2, 3, 3, 2), np.float32)) is None
    assert np.abs(layer.kernel.grad).sum() > 0


@pytest.mark.parametrize("chunk_bytes", [1, 1_000_000])
@pytest.mark.parametrize("padding, size, strides, gathered", [
    ("same", 3, 1, True), ("valid", 5, 1, False), ("same", 3, 2, False)])
def test_chunked_batch_equals_sample_by_sample(monkeypatch, chunk_bytes, padding, size, strides,
                                               gathered):
    """A batch processed in several cache-sized chunks (one sample each, or uneven chunks of a few)
    gives the same output and gradients as its samples one at a time (gradients summed)."""
    monkeypatch.setattr(_correlate, "CHUNK_BYTES", chunk_bytes)
    shape = (5, 20, 20, 16)
    layer = built(Conv2D(8, size, strides=strides, padding=padding, activation="tanh"),
                  (None, *shape[1:]))
    rng = np.random.default_rng(12)
    x = rng.standard_normal(shape)
    out_shape = (shape[0], *layer.compute_output_shape(shape)[1:])
    grad = rng.standard_normal(out_shape)
    y = layer.forward(x, training=True)
    assert len(layer._ops.chunks(shape[0], x[0].nbytes)) > 1  # the point of the test
    assert (layer._gather_geometry(layer._geo) is not None) == gathered
    dx = layer.backward(grad)
    kernel_grad, bias_grad = layer.kernel.grad.copy(), layer.bias.grad.copy()
    sum_kernel, sum_bias = np.zeros_like(kernel_grad), np.zeros_like(bias_grad)
    for i in range(shape[0]):
        np.testing.assert_allclose(layer.forward(x[i:i + 1], training=True), y[i:i + 1],
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.backward(grad[i:i + 1]), dx[i:i + 1],
                                   rtol=1e-10, atol=1e-12)
        sum_kernel += layer.kernel.grad
        sum_bias += layer.bias.grad
    np.testing.assert_allclose(kernel_grad, sum_kernel, rtol=1e-10)
    np.testing.assert_allclose(bias_grad, sum_bias, rtol=1e-10)


def test_buffers_follow_the_latest_batch_shape():
    layer = built(Conv2D(3, 3, padding="same"), (None, 6, 6, 2))
    rng = np.random.default_rng(11)
    big, small = rng.standard_normal((4, 6, 6, 2)), rng.standard_normal((1, 6, 6, 2))
    layer.forward(big, training=True)
    layer.forward(small, training=True)
    grad = rng.standard_normal((1, 6, 6, 3))
    dx = layer.backward(grad)
    kernel_grad = layer.kernel.grad.copy()
    layer.forward(small, training=True)
    np.testing.assert_allclose(layer.backward(grad), dx)
    np.testing.assert_allclose(layer.kernel.grad, kernel_grad)
    assert dx.shape == small.shape


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    (dict(filters=32, kernel_size=3), (None, 28, 28, 1), (None, 26, 26, 32)),
    (dict(filters=8, kernel_size=3, padding="same"), (None, 32, 32, 3), (None, 32, 32, 8)),
    (dict(filters=8, kernel_size=3, strides=2, padding="same"), (None, 7, 7, 3), (None, 4, 4, 8)),
    (dict(filters=8, kernel_size=3, strides=2), (None, 7, 8, 3), (None, 3, 3, 8)),
    (dict(filters=8, kernel_size=(5, 1)), (None, 7, 8, 3), (None, 3, 8, 8)),
    (dict(filters=4, kernel_size=3, dilation_rate=2), (None, 10, 9, 3), (None, 6, 5, 4)),
    (dict(filters=4, kernel_size=2, data_format="channels_first"), (None, 3, 5, 6),
     (None, 4, 4, 5)),
    (dict(filters=4, kernel_size=3), (None, None, None, 3), (None, None, None, 4)),
])
def test_conv2d_output_shapes(kwargs, input_shape, expected):
    layer = Conv2D(**kwargs)
    assert layer.compute_output_shape(input_shape) == expected
    layer.build(input_shape)
    if None not in input_shape[1:]:
        x = np.zeros((2, *input_shape[1:]), np.float32)
        assert layer(x).shape == (2, *expected[1:])


@pytest.mark.parametrize("kwargs, input_shape, expected", [
    (dict(filters=4, kernel_size=3), (None, 10, 2), (None, 8, 4)),
    (dict(filters=4, kernel_size=3, strides=2, padding="same"), (None, 9, 2), (None, 5, 4)),
    (dict(filters=4, kernel_size=3, padding="causal"), (None, 9, 2), (None, 9, 4)),
])
def test_conv1d_output_shapes(kwargs, input_shape, expected):
    assert Conv1D(**kwargs).compute_output_shape(input_shape) == expected


KERAS_CONV_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
    "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
    "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint", "bias_constraint",
}


def test_conv2d_config_round_trip():
    layer = Conv2D(16, (3, 5), strides=(1, 2), padding="SAME", activation="relu",
                   kernel_regularizer="l2", use_bias=False, name="c1")
    config = layer.get_config()
    assert set(config) == KERAS_CONV_KEYS
    assert config["kernel_size"] == [3, 5] and config["strides"] == [1, 2]
    assert config["dilation_rate"] == [1, 1] and config["padding"] == "same"
    assert config["data_format"] == "channels_last" and config["activation"] == "relu"
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is Conv2D and again.get_config() == config


def test_conv_builds_keras_weight_layout():
    conv2 = Conv2D(6, (3, 2), groups=2)
    conv2.build((None, 8, 8, 4))
    assert [w.shape for w in conv2.get_weights()] == [(3, 2, 2, 6), (6,)]
    conv1 = Conv1D(5, 4, use_bias=False)
    conv1.build((None, 9, 3))
    assert [w.shape for w in conv1.get_weights()] == [(4, 3, 5)]


@pytest.mark.parametrize("kwargs, message", [
    (dict(filters=0, kernel_size=3), "filters=0"),
    (dict(filters=4, kernel_size=0), "kernel_size=0"),
    (dict(filters=4, kernel_size=(3, 3, 3)), "kernel_size=(3, 3, 3)"),
    (dict(filters=4, kernel_size="3"), "kernel_size=3"),
    (dict(filters=4, kernel_size=3, strides=0), "strides=0"),
    (dict(filters=4, kernel_size=3, padding="full"), "padding=full"),
    (dict(filters=4, kernel_size=3, padding="causal"), "padding=causal"),
    (dict(filters=4, kernel_size=3, data_format="nhwc"), "data_format=nhwc"),
    (dict(filters=4, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate=(2, 2)"),
    (dict(filters=6, kernel_size=3, groups=4), "groups=4, filters=6"),
    (dict(filters=4, kernel_size=3, groups=0), "groups=0"),
])
def test_conv2d_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match="Received") as info:
        Conv2D(**kwargs)
    assert message in str(info.value)


@pytest.mark.parametrize("input_shape, fragment", [
    ((None, 28, 28), "4-D input"),
    ((None, 28, 28, 1, 1), "4-D input"),
    ((None, 2, 2, 2), "spatial size at least (3, 3)"),
    ((None, 8, 8, 3), "divisible by groups=2"),
    ((None, 8, 8, None), "known number of channels"),
])
def test_conv2d_rejects_bad_input_shapes(input_shape, fragment):
    layer = Conv2D(4, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2D") as info:
        layer.compute_output_shape(input_shape)
    assert fragment in str(info.value)


def test_conv2d_rejects_wrong_channels_at_run_time():
    layer = Conv2D(4, 3)
    layer.build((None, 8, 8, 3))
    with pytest.raises(ValueError, match=r"expected 3 channels.*\(2, 8, 8, 1\)"):
        layer(np.zeros((2, 8, 8, 1), np.float32))
    with pytest.raises(ValueError, match="4-D input"):
        layer(np.zeros((2, 8, 8), np.float32))


def test_small_cnn_learns_line_orientation():
    """End to end through Sequential.fit: Conv2D → MaxPooling2D → Flatten → Dense(softmax)."""
    import engine
    from engine.layers import Dense, Flatten, Input, MaxPooling2D

    engine.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 0.3, (200, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, 2, 200)
    for img, label, pos in zip(x, y, rng.integers(1, 7, 200), strict=True):
        if label:
            img[pos, 1:7, 0] = 1.0  # a horizontal line
        else:
            img[1:7, pos, 0] = 1.0  # a vertical line
    model = engine.Sequential([Input((8, 8, 1)), Conv2D(4, 3, activation="relu"), MaxPooling2D(),
                               Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer=engine.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:150], y[:150], epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    accuracy = (model.predict(x[150:], verbose=0).argmax(axis=1) == y[150:]).mean()
    assert accuracy >= 0.9


def test_parallel_sections_run_every_task_and_raise_its_errors():
    from engine.layers import _parallel

    seen = []
    _parallel.run(lambda k, n: seen.append((k, n)), 3)
    assert sorted(seen) == [(0, 3), (1, 3), (2, 3)]

    def fail_in_one(k: int, n: int) -> None:
        if k == 1:
            raise RuntimeError("worker 1 failed")

    with pytest.raises(RuntimeError, match="worker 1 failed"):
        _parallel.run(fail_in_one, 2)
    seen.clear()
    _parallel.spread([slice(0, 2), slice(2, 3), slice(3, 7)], lambda part, k: seen.append(part))
    assert sorted(p.start for p in seen) == [0, 2, 3]  # the section ran again after the error


def test_spread_deals_each_item_once_and_a_free_worker_takes_more():
    """Items are claimed, not dealt round-robin: while worker 0 is held up on its first item, the
    other worker takes the rest."""
    import threading
    import time

    from engine.layers import _parallel

    taken: dict[int, list[int]] = {0: [], 1: []}
    lock = threading.Lock()

    def body(item: int, worker: int) -> None:
        with lock:
            taken[worker].append(item)
        if worker == 0 and len(taken[0]) == 1:
            time.sleep(0.2)

    _parallel.spread(list(range(20)), body, count=2)
    assert sorted(taken[0] + taken[1]) == list(range(20))
    if taken[1]:  # the pool ran (not a nested section, which runs everything on one thread)
        assert len(taken[1]) > len(taken[0])


def test_gradients_do_not_depend_on_how_workers_share_the_chunks(monkeypatch):
    """Partial kernel gradients are summed per fixed slot of chunks, so one worker or two, the
    result is bit for bit the same."""
    from engine.layers import _parallel

    monkeypatch.setattr(_correlate, "CHUNK_BYTES", 1)  # one chunk per sample, whatever the workers
    layer = built(Conv2D(4, 3, padding="same", activation="relu"), (None, 6, 6, 3))
    rng = np.random.default_rng(14)
    x, grad = rng.standard_normal((11, 6, 6, 3)), rng.standard_normal((11, 6, 6, 4))
    budget = _parallel.workers()
    results = []
    for workers in (1, 2, 1):
        monkeypatch.setattr(_parallel, "_budget", workers)
        layer.forward(x, training=True)
        dx = layer.backward(grad)
        results.append((dx, layer.kernel.grad.copy(), layer.bias.grad.copy()))
    monkeypatch.setattr(_parallel, "_budget", budget)
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


def test_engine_threads_follow_the_blas_thread_budget():
    """Parallel sections pin OpenBLAS to one thread (the workers take the cores instead);
    release_blas gives the original count back."""
    from engine.layers import _parallel

    budget = _parallel.workers()
    if budget == 1:
        pytest.skip("one core, or no OpenBLAS to steer: sections run sequentially")
    _parallel.run(lambda k, n: None, 2)
    assert _parallel._blas.get() == 1
    _parallel.release_blas()
    assert _parallel._blas.get() == budget
