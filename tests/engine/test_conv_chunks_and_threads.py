"""Conv2D's cache-sized batch chunks and worker threads: same results however the work is split."""

from __future__ import annotations

import numpy as np
import pytest

from engine.layers import Conv2D, _correlate
from tests.engine.conv_helpers import built


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
