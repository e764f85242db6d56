"""Spreading a layer's chunks of work over the CPU cores with Python threads.

NumPy releases the GIL inside copies, ufunc loops and BLAS calls, so threads that claim the chunks
of a batch one by one run truly in parallel — the im2col copies, bias and activation passes too,
which BLAS threading alone leaves on one core. OpenBLAS's own threads must stand aside: with more
busy threads than cores its workers spin-wait for each other (we measured a 0.2 ms product taking
8 ms on 2 cores), so the engine pins OpenBLAS to one thread per call (see `run`), through
OpenBLAS's `openblas_set_num_threads` found with ctypes.

The budget is BLAS's own thread count (OPENBLAS_NUM_THREADS, else all cores): the engine never
uses more cores than NumPy was told to. Where that control is missing (another BLAS, another OS),
chunks run one after another and BLAS keeps its threads.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class _OpenBLASThreads:
    """get()/set(n) of the OpenBLAS that NumPy loaded, or None when it cannot be found."""

    NAMES = [("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
             ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
             ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
             ("openblas_get_num_threads", "openblas_set_num_threads")]

    def __init__(self) -> None:
        self._get = self._set = None
        for path in self._loaded_libraries():
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for get_name, set_name in self.NAMES:
                if hasattr(lib, get_name) and hasattr(lib, set_name):
                    self._get, self._set = getattr(lib, get_name), getattr(lib, set_name)
                    self._get.restype, self._set.argtypes = ctypes.c_int, [ctypes.c_int]
                    return

    @staticmethod
    def _loaded_libraries() -> list[str]:
        import numpy  # noqa: F401 — NumPy must have loaded its BLAS before we look for it
        try:
            with open("/proc/self/maps") as maps:  # Linux; elsewhere no control, see above
                paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
        except OSError:
            return []
        return sorted(p for p in paths if p.startswith("/"))

    @property
    def available(self) -> bool:
        return self._get is not None

    def get(self) -> int:
        return int(self._get()) if self._get else 1

    def set(self, n: int) -> None:
        if self._set:
            self._set(int(n))


_blas: _OpenBLASThreads | None = None
_budget = 1  # threads the engine may use: BLAS's own count, read once before we pin it
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_busy = threading.Lock()


def workers() -> int:
    """How many threads a parallel section may use (1 when BLAS threads can't be steered)."""
    global _blas, _budget
    if _blas is None:
        _blas = _OpenBLASThreads()
        if _blas.available:
            limit = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                     else os.cpu_count()) or 1
            _budget = max(1, min(_blas.get(), limit))
    return _budget


def run(task: Callable[[int, int], None], count: int) -> None:
    """task(k, count) for k = 0 … count−1, concurrently; the caller runs k = 0 itself.

    Each task must touch its own buffers and outputs only. Exceptions propagate. A section entered
    while another runs (another thread training too) runs its tasks one after another.

    The first parallel section pins OpenBLAS to one thread per call for good: an OpenBLAS worker
    that just served a multi-threaded product (a Dense layer's, say) spins on its core for a
    while, and a parallel section started then ran at half speed (measured: 12 ms instead of
    6.5 ms). From then on the engine's workers, not BLAS, use the cores; `release_blas()` undoes it.
    """
    global _pool, _pool_size
    workers()  # finds OpenBLAS on first use
    if count <= 1 or not _busy.acquire(blocking=False):
        for k in range(count):
            task(k, count)
        return
    try:
        if _blas.get() != 1:
            _blas.set(1)
        if _pool_size < count - 1:
            _pool, _pool_size = ThreadPoolExecutor(count - 1, "engine-chunks"), count - 1
        futures = [_pool.submit(task, k, count) for k in range(1, count)]
        try:
            task(0, count)
        finally:
            for future in futures:
                future.result()
    finally:
        _busy.release()


def release_blas() -> None:
    """Give OpenBLAS back the thread count it had before the engine pinned it."""
    if _blas is not None and _blas.available:
        _blas.set(_budget)


def spread(items: Sequence[T], body: Callable[[T, int], None], count: int | None = None) -> None:
    """body(item, worker) for every item (a chunk of a batch, usually), on `count` workers (default:
    as many as allowed). Worker numbers let each keep its own scratch buffers.

    Items are claimed one at a time, in order, by whichever worker is free: on a machine where
    another program takes turns with one of our threads, the other thread does more of the work
    instead of waiting for it (a fixed round-robin deal ran at the pace of the slower core).
    The order of work is free, so a body that adds into a shared result must not depend on it.
    """
    count = count or min(workers(), len(items))
    claim = _Counter(len(items))

    def task(k: int, _n: int) -> None:
        for i in iter(claim.next, None):
            body(items[i], k)

    run(task, count)


# Elementwise passes over a long vector (an optimizer's update) go slice by slice: a slice of each
# array (a quarter megabyte of float32) stays in the L2 cache through all of an update's passes,
# where whole arrays would stream through main memory once per pass; and the cores share slices.
SLICE = 1 << 16


def over_slices(size: int, body: Callable[[slice], None], length: int = SLICE) -> None:
    """body(part) for consecutive slices covering range(size), `length` long, on all workers.
    Elementwise work gives the same result in any order."""
    if size <= length:
        body(slice(0, size))
        return
    parts = [slice(i, min(i + length, size)) for i in range(0, size, length)]
    spread(parts, lambda part, _worker: body(part))


# Products below this many multiply-adds run whole: handing half to another thread costs tens of
# microseconds. On 2 cores the CIFAR CNN's Dense products (67 M) ran a third faster split; the MNIST
# CNN's forward product (26 M) split took its step 2–6% less time (two runs of 40 rounds).
PARALLEL_PRODUCT = 16_000_000


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a (m, k) @ b (k, n) into out, the workers sharing out's rows (or columns, when wider).

    Once a parallel section ran, OpenBLAS works on one thread per call (see `run`), so a Dense
    layer's large product would otherwise keep one core idle. Small products (the seed MLP's, on
    every batch) go straight to np.matmul, before anything else is looked at."""
    (m, k), n = a.shape, b.shape[1]
    if m * k * n < PARALLEL_PRODUCT or workers() < 2:
        # `@` where there is no output: np.matmul's keyword handling costs 0.6 µs a call.
        return a @ b if out is None else np.matmul(a, b, out=out)
    if out is None:
        out = np.empty((m, n), np.result_type(a, b))
    pieces = workers()
    if m >= n:
        edges = [m * i // pieces for i in range(pieces + 1)]
        parts = [slice(lo, hi) for lo, hi in zip(edges, edges[1:], strict=False) if hi > lo]
        spread(parts, lambda rows, _worker: np.matmul(a[rows], b, out=out[rows]))
    else:
        edges = [n * i // pieces for i in range(pieces + 1)]
        parts = [slice(lo, hi) for lo, hi in zip(edges, edges[1:], strict=False) if hi > lo]
        spread(parts, lambda cols, _worker: np.matmul(a, b[:, cols], out=out[:, cols]))
    return out


# Two independent products run at once from this many multiply-adds each: a Dense layer's kernel
# gradient and input gradient on the MNIST CNN (26 M each) took 0.8 ms together instead of 0.9–1.2.
CONCURRENT_PRODUCT = 4_000_000


def both(first: Callable[[], None], second: Callable[[], None]) -> None:
    """first() and second(), independent of each other, on two workers when there are two."""
    if workers() < 2:
        first()
        second()
        return
    run(lambda k, _n: (first if k == 0 else second)(), 2)


class _Counter:
    """Hands out 0, 1, … limit−1 to threads, each number once; then None."""

    def __init__(self, limit: int) -> None:
        self._next, self._limit, self._lock = 0, limit, threading.Lock()

    def next(self) -> int | None:
        with self._lock:
            i = self._next
            if i >= self._limit:
                return None
            self._next = i + 1
            return i


# Below this many multiply-adds per product, OpenBLAS's threads cost more than they give: on 2
# cores the seed MLP's epoch (32×784 by 784×64) took 0.67 s with 2 BLAS threads, 0.37 s with one.
SMALL_PRODUCT = 8_000_000


def blas_for_small_products(batch_size: int, kernels: list) -> Callable[[], None]:
    """Pin OpenBLAS to one thread while a model whose largest dense product per batch
    (batch × kernel size, for 2-D kernels) is small trains; returns the undo."""
    workers()  # finds OpenBLAS on first use
    largest = max((batch_size * k.size for k in kernels if k.ndim == 2), default=0)
    if not (_blas.available and 0 < largest < SMALL_PRODUCT) or _blas.get() == 1:
        return lambda: None
    before = _blas.get()
    _blas.set(1)
    return lambda: _blas.set(before)
