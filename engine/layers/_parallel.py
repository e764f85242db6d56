"""Spreading a layer's chunks of work over the CPU cores with Python threads.

NumPy releases the GIL inside copies, ufunc loops and BLAS calls, so threads that each take every
other chunk of a batch run truly in parallel — the im2col copies, bias and activation passes too,
which BLAS threading alone leaves on one core. OpenBLAS's own threads must stand aside meanwhile:
with more busy threads than cores its workers spin-wait for each other, and we measured a 0.2 ms
product taking 8 ms on 2 cores. So a parallel section pins OpenBLAS to one thread per call and
restores it afterwards, through OpenBLAS's `openblas_set_num_threads` found with ctypes.

The budget is BLAS's own thread count (OPENBLAS_NUM_THREADS, else all cores): the engine never
uses more cores than NumPy was told to. Where that control is missing (another BLAS, another OS),
chunks run one after another and BLAS keeps its threads.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


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
_pool: ThreadPoolExecutor | None = None
_busy = threading.Lock()


def workers() -> int:
    """How many threads a parallel section may use now (1 when BLAS threads can't be steered)."""
    global _blas
    if _blas is None:
        _blas = _OpenBLASThreads()
    if not _blas.available:
        return 1
    limit = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(_blas.get(), limit or 1))


def run(task: Callable[[int, int], None], count: int) -> None:
    """task(k, count) for k = 0 … count−1, concurrently; the caller runs k = 0 itself.

    Each task must touch its own buffers and outputs only. Exceptions propagate. A section entered
    while another runs (another thread training too) runs its tasks one after another.
    """
    global _pool
    if count <= 1 or not _busy.acquire(blocking=False):
        for k in range(count):
            task(k, count)
        return
    try:
        previous = _blas.get()
        _blas.set(1)
        try:
            if _pool is None or _pool._max_workers < count - 1:
                _pool = ThreadPoolExecutor(count - 1, thread_name_prefix="engine-chunks")
            futures = [_pool.submit(task, k, count) for k in range(1, count)]
            try:
                task(0, count)
            finally:
                for future in futures:
                    future.result()
        finally:
            _blas.set(previous)
    finally:
        _busy.release()


def spread(chunks: list[slice], body: Callable[[slice, int], None], count: int | None = None) -> None:
    """body(part, worker) for every chunk of a batch, dealt round-robin to `count` workers (default:
    as many as allowed). Worker numbers let each keep its own scratch buffers."""
    count = count or min(workers(), len(chunks))
    run(lambda k, n: [body(part, k) for part in chunks[k::n]], count)
