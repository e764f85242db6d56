"""One training run as the app remembers it: its model, settings, one continuous history across
Continue, and the points its curves are drawn from. Plain data, no widgets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# (training, validation) colours per run, so overlaid runs stay apart and a run's two curves pair.
RUN_COLORS = [("#1f77b4", "#ff7f0e"), ("#2ca02c", "#e377c2"), ("#9467bd", "#bcbd22"),
              ("#17becf", "#8c564b"), ("#7f7f7f", "#d62728")]


class Series:
    """x, y points in growing NumPy buffers: appending is cheap, and the plot gets views, not a
    list converted to an array on every redraw."""

    def __init__(self, capacity: int = 256) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self.size = 0

    def append(self, x: float, y: float) -> None:
        self.extend(np.array([x], float), np.array([y], float))

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        end = self.size + len(x)
        if end > len(self._x):
            capacity = max(end, 2 * len(self._x))
            self._x = np.resize(self._x, capacity)
            self._y = np.resize(self._y, capacity)
        self._x[self.size:end], self._y[self.size:end] = x, y
        self.size = end

    @property
    def x(self) -> np.ndarray:
        return self._x[:self.size]

    @property
    def y(self) -> np.ndarray:
        return self._y[:self.size]

    def __len__(self) -> int:
        return self.size


@dataclass
class TrainingRun:
    number: int
    settings: str                  # what the run list shows: optimizer, rate, batch, data
    model: Any
    visible: bool = True
    batches: dict[str, Series] = field(default_factory=dict)   # smoothed per batch, training keys
    epochs: dict[str, Series] = field(default_factory=dict)    # per epoch, with val_ keys
    history: dict[str, list[float]] = field(default_factory=dict)
    divergence: dict | None = None  # {"x", "key", "y", "message"} where the guard stopped it
    test: dict[str, float] | None = None
    last_x: float = 0.0
    # The data set it last trained on: its class names label the predictions, and for text its
    # TextEncoding is the only one that numbers words as the model learned them.
    data: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"Run {self.number}"

    @property
    def colors(self) -> tuple[str, str]:
        return RUN_COLORS[(self.number - 1) % len(RUN_COLORS)]

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("loss", []))

    def add_batches(self, epoch: int, steps: int, points: dict) -> None:
        """Smoothed values of batches of one epoch — {"batch": [indices], "values": {key: [values]}}
        — drawn at x = epochs done + the fraction of this one."""
        if not points["batch"]:
            return
        x = epoch + (np.asarray(points["batch"], float) + 1) / steps
        self.last_x = float(x[-1])
        for key, values in points["values"].items():
            self.batches.setdefault(key, Series()).extend(x, np.asarray(values, float))

    def add_epoch(self, epoch: int, logs: dict) -> float:
        """An epoch's logs, drawn where its last batch was (before epoch + 1 when stopped early)."""
        x = self.last_x if self.last_x > epoch else epoch + 1
        for key, value in logs.items():
            self.epochs.setdefault(key, Series()).append(x, value)
            self.history.setdefault(key, []).append(float(value))
        self.history.setdefault("epoch", []).append(epoch + 1)
        return x

    def mark_divergence(self, message: str, x: float | None = None) -> None:
        """Where the guard stopped the run (x, by default the last batch drawn): the loss drawn
        there, or the last finite one before it when the loss became NaN or infinite."""
        x = self.last_x if x is None else x
        series = self.batches.get("loss")
        y = float("nan")
        if series is not None and len(series):
            upto = series.y[:np.searchsorted(series.x, x, side="right")]
            finite = upto[np.isfinite(upto)]
            y = float(finite[-1]) if len(finite) else float("nan")
        self.divergence = {"x": x, "key": "loss", "y": y, "message": message}

    def final_text(self) -> str:
        """The last epoch's figures, for the run list."""
        keys = [k for k in self.history if k != "epoch"]
        parts = [f"{k} {self.history[k][-1]:.4g}" for k in sorted(keys, key=_metric_order)]
        if self.test:
            parts += [f"test_{k} {v:.4g}" for k, v in sorted(self.test.items(),
                                                               key=lambda kv: _metric_order(kv[0]))]
        return ", ".join(parts) or "no epoch finished"


def _metric_order(key: str) -> tuple:
    """loss first, then metrics, each followed by its val_ twin."""
    base = key.removeprefix("val_")
    return (base != "loss", base, key.startswith("val_"))


def history_csv(runs: list[TrainingRun]) -> str:
    """One row per run and epoch (counted from 1), a column per logged value, as CSVLogger does."""
    keys = sorted({k for run in runs for k in run.history if k != "epoch"}, key=_metric_order)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "epoch", *keys])
    for run in runs:
        for row, epoch in enumerate(run.history.get("epoch", [])):
            values = [run.history[k][row] if k in run.history and row < len(run.history[k]) else ""
                      for k in keys]
            writer.writerow([run.name, epoch, *[v if v == "" else repr(float(v)) for v in values]])
    return out.getvalue()
