"""The divergence guard on real optimizers and real loss sequences from the engine."""

from __future__ import annotations

import numpy as np

from engine.layers import Dense, Input
from engine.models import Sequential
from engine.optimizers import SGD, Adam
from gui.workers.divergence import DivergenceGuard


def _losses_of_a_run(learning_rate: float, batches: int = 40) -> list[float]:
    """Running-mean losses of a real regression fit, batch by batch."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batches * 16, 8)).astype("float32")
    y = x @ rng.normal(size=(8, 1)).astype("float32")
    model = Sequential([Input((8,)), Dense(1)])
    model.compile(optimizer=SGD(learning_rate), loss="mse")
    total, losses = 0.0, []
    with np.errstate(all="ignore"):
        for b in range(batches):
            total += model.train_step(x[b * 16:(b + 1) * 16], y[b * 16:(b + 1) * 16])
            losses.append(total / (b + 1))
    return losses


def _first_message(losses, optimizer):
    guard = DivergenceGuard()
    for batch, loss in enumerate(losses):
        message = guard.check(0, batch, loss, optimizer)
        if message:
            return batch, message
    return None, None


def test_healthy_run_is_left_alone():
    assert _first_message(_losses_of_a_run(0.01), SGD(0.01)) == (None, None)


def test_exploding_run_is_stopped_and_explained():
    losses = _losses_of_a_run(10.0)
    batch, message = _first_message(losses, SGD(10.0))
    assert batch is not None and batch < 10
    assert f"batch {batch + 1}" in message and "try 0.01" in message


def test_nan_is_named():
    batch, message = _first_message([2.3, 2.1, float("nan")], Adam(0.5))
    assert batch == 2
    assert "became NaN" in message and "epoch 1, batch 3" in message and "try 0.001" in message


def test_infinite_is_named_and_small_rates_suggest_a_tenth():
    _, message = _first_message([float("inf")], Adam(1e-4))
    assert "became infinite" in message and "try 1e-05" in message
