"""fit runs small dense products on one OpenBLAS thread and gives the count back afterwards."""

from __future__ import annotations

import numpy as np
import pytest

from engine.callbacks import Callback
from engine.layers import Dense, Input, _parallel
from engine.models import Sequential


class _Record(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(_parallel._blas.get())


def _fit(units: int, batch_size: int) -> list[int]:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 32)).astype("float32"), rng.integers(0, 2, 64)
    model = Sequential([Input((32,)), Dense(units, activation="relu"), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    record = _Record()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, callbacks=[record])
    return record.seen


@pytest.fixture
def two_blas_threads():
    _parallel.workers()
    if not _parallel._blas.available:
        pytest.skip("OpenBLAS's thread control was not found in this NumPy")
    before = _parallel._blas.get()
    _parallel._blas.set(2)
    yield
    _parallel._blas.set(before)


def test_small_products_train_on_one_blas_thread_and_restore(two_blas_threads):
    assert set(_fit(units=8, batch_size=16)) == {1}
    assert _parallel._blas.get() == 2


def test_large_products_keep_blas_threads(two_blas_threads):
    # 64 × (32 × 4096) multiply-adds per product: too large to pin BLAS to one thread, too small
    # for the engine to split among its own workers (which would pin it: see _parallel.run).
    assert _parallel.SMALL_PRODUCT <= 64 * 32 * 4096 < _parallel.PARALLEL_PRODUCT
    assert set(_fit(units=4096, batch_size=64)) == {2}
