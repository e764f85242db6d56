"""BatchSmoother.update_many gives what update gives batch by batch, however the batches are cut."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.workers.batch_smoothing import BatchSmoother


def running_logs(values: list[float], batch_size: int, samples: int) -> list[dict]:
    """Keras-style running means of `values` (one per batch), and a key that is not a mean."""
    logs, total, seen = [], 0.0, 0
    for batch, value in enumerate(values):
        size = min(batch_size, samples - seen)
        total, seen = total + value * size, seen + size
        logs.append({"loss": total / seen, "auc": 0.5 + batch / 1000})
    return logs


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(0.01, 50.0), min_size=1, max_size=600),
       cuts=st.lists(st.integers(1, 300), min_size=1, max_size=10),
       batch_size=st.sampled_from([1, 7, 32]), steps=st.integers(1, 5000))
def test_update_many_matches_update(values, cuts, batch_size, steps):
    samples = batch_size * len(values) - (batch_size // 2)  # a short last batch
    logs = running_logs(values, batch_size, samples)
    one, many = (BatchSmoother(batch_size, samples, set()) for _ in range(2))
    one.start_epoch(steps)
    many.start_epoch(steps)
    expected, got = {}, {}
    for batch, entry in enumerate(logs):
        one.update(batch, entry, expected)
    start, cut = 0, 0
    while start < len(logs):
        end = min(len(logs), start + cuts[cut % len(cuts)])
        many.update_many(list(range(start, end)), logs[start:end], got)
        start, cut = end, cut + 1
    for key in ("loss", "auc"):
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-9, atol=1e-12)
    assert math.isclose(many.averages["loss"], one.averages["loss"], rel_tol=1e-9)


def test_a_nan_loss_goes_batch_by_batch_and_is_shown():
    smoother = BatchSmoother(10, 1000, set())
    smoother.start_epoch(100)
    logs = [{"loss": 1.0}] * 20 + [{"loss": float("nan")}] * 20
    out = {}
    smoother.update_many(list(range(40)), logs, out)
    assert len(out["loss"]) == 40 and math.isnan(out["loss"][-1]) and math.isfinite(out["loss"][0])
