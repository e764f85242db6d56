"""Large products and long elementwise updates shared among the engine's worker threads."""

from __future__ import annotations

import numpy as np
import pytest

from engine.layers import Dense, _parallel


@pytest.fixture
def two_workers(monkeypatch):
    _parallel.workers()  # reads the real budget first, so the patch below is what stays
    monkeypatch.setattr(_parallel, "_budget", 2)


@pytest.mark.parametrize("m, k, n", [(301, 500, 250), (90, 700, 613)])  # rows split, columns split
def test_split_product_equals_the_whole_product(two_workers, m, k, n):
    assert m * k * n >= _parallel.PARALLEL_PRODUCT
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32)
    out = np.full((m, n), np.nan, np.float32)
    assert _parallel.matmul(a, b, out) is out
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-4)
    # Transposed operands, as Dense's backward passes them, and a fresh output.
    np.testing.assert_allclose(_parallel.matmul(b.T, a.T), b.T @ a.T, rtol=1e-5, atol=1e-4)


def test_dense_gradients_are_the_same_on_one_worker_or_two(monkeypatch):
    _parallel.workers()
    rng = np.random.default_rng(6)
    x, grad = rng.standard_normal((64, 2048)), rng.standard_normal((64, 300))
    layer = Dense(300, activation="relu")
    layer.build((None, 2048))
    layer.need_input_grad = True
    results = []
    for workers in (1, 2):
        monkeypatch.setattr(_parallel, "_budget", workers)
        y = layer.forward(x, training=True)
        dx = layer.backward(grad)
        results.append((y.copy(), dx.copy(), layer.kernel.grad.copy(), layer.bias.grad.copy()))
    for one, two in zip(*results, strict=True):
        np.testing.assert_allclose(two, one, rtol=1e-12, atol=1e-12)


def test_over_slices_covers_every_element_once(two_workers):
    size = 2 * _parallel.SLICE + 5
    counts = np.zeros(size, np.int64)
    _parallel.over_slices(size, lambda part: np.add.at(counts, np.arange(size)[part], 1))
    assert (counts == 1).all()


@pytest.mark.parametrize("workers", [1, 2])
def test_both_runs_each_task_once_and_raises_their_errors(monkeypatch, workers):
    _parallel.workers()
    monkeypatch.setattr(_parallel, "_budget", workers)
    seen = []
    _parallel.both(lambda: seen.append("first"), lambda: seen.append("second"))
    assert sorted(seen) == ["first", "second"]

    def fail() -> None:
        raise RuntimeError("second failed")

    with pytest.raises(RuntimeError, match="second failed"):
        _parallel.both(lambda: None, fail)
