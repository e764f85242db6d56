"""Which way a monitored quantity should go: shared by EarlyStopping and ModelCheckpoint."""

from __future__ import annotations

import operator
import warnings

# Metric names whose values get better as they grow (Keras marks these metrics `_direction="up"`).
_UP_WORDS = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "cosine_similarity",
             "specificity", "sensitivity", "true_positives", "true_negatives")
_DOWN_WORDS = ("loss", "error", "crossentropy", "hinge", "divergence", "poisson", "logcosh",
               "false_positives", "false_negatives", "mse", "mae", "mape", "msle")


def metric_direction(model, monitor: str) -> str | None:
    """'up', 'down' or None (unknown) for a log key such as 'val_accuracy'."""
    name = monitor.removeprefix("val_")
    if name == "loss":
        return "down"
    for metric in getattr(model, "compiled_metrics", None) or []:
        if getattr(metric, "name", None) == name and getattr(metric, "_direction", None):
            return metric._direction
    if any(word in name for word in _UP_WORDS):
        return "up"
    if any(word in name for word in _DOWN_WORDS):
        return "down"
    return None


def check_mode(owner: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


def monitor_op(owner: str, model, monitor: str, mode: str):
    """operator.lt (smaller is better) or operator.gt, from `mode` or inferred from the name."""
    if mode == "min":
        return operator.lt
    if mode == "max":
        return operator.gt
    direction = metric_direction(model, monitor)
    if direction is None:
        raise ValueError(
            f"{owner} callback received monitor={monitor}, but the engine isn't able to "
            "automatically determine whether that metric should be maximized or minimized. "
            "Pass `mode='max'` in order to monitor based on the highest metric value, or pass "
            "`mode='min'` in order to use the lowest value.")
    return operator.gt if direction == "up" else operator.lt


def missing_monitor_warning(what: str, monitor: str, logs: dict) -> None:
    warnings.warn(f"{what} conditioned on metric `{monitor}` which is not available. "
                  f"Available metrics are: {','.join(logs)}", stacklevel=3)
