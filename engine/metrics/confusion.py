"""Metrics counted from the confusion matrix: TP/FP/TN/FN counts, Precision, Recall and AUC.

They keep weighted counts per decision threshold (a prediction is positive when it is strictly
above the threshold; a label is positive when it is non-zero) and compute their value from those
counts, not as a mean of per-batch values.
"""

from __future__ import annotations

import numpy as np

from engine import backend
from engine.losses.base import broadcast_weights
from engine.metrics.base import Metric

NEG_INF = -1e10


def _thresholds(thresholds, default: float) -> list[float]:
    if thresholds is None:
        return [default]
    values = [float(t) for t in np.atleast_1d(thresholds)]
    if any(not 0 <= t <= 1 for t in values):
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds}")
    return values


def _divide(a, b):
    """a / b, 0 where b is 0 (Keras' divide_no_nan)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _keep_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """The k highest scores of each row stay; the others become NEG_INF."""
    k = min(k, y_pred.shape[-1])
    top = np.argpartition(-y_pred, k - 1, axis=-1)[..., :k]
    keep = np.zeros(y_pred.shape, bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, y_pred, NEG_INF)


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None,
                     label_weights=None) -> dict[str, np.ndarray]:
    """Weighted tp, fp, tn, fn (each of shape (len(thresholds),)) over all entries of y_pred."""
    y_pred = np.asarray(y_pred, np.float64)
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred.reshape(y_pred.shape[:-1])
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    weights = np.ones(y_pred.shape)
    if sample_weight is not None:
        weights = weights * broadcast_weights(sample_weight, y_pred.shape, np.float64)
    if label_weights is not None:
        weights = weights * np.asarray(label_weights, np.float64)
    if class_id is not None:
        y_true, y_pred, weights = y_true[..., class_id], y_pred[..., class_id], weights[..., class_id]
    labels = np.broadcast_to(y_true, y_pred.shape).astype(bool).ravel()
    pred, weights = y_pred.ravel(), weights.ravel()
    thresholds = np.asarray(thresholds, np.float64)
    order = np.argsort(thresholds)
    # Each prediction is above exactly the `below` lowest thresholds: histogram those counts, then
    # a reversed cumulative sum gives, per threshold, the weight of predictions above it.
    below = np.searchsorted(thresholds[order], pred, side="left")
    n = len(thresholds)
    pos = np.bincount(below, weights * labels, minlength=n + 1)
    neg = np.bincount(below, weights * ~labels, minlength=n + 1)
    tp, fp = np.empty(n), np.empty(n)
    tp[order] = np.cumsum(pos[::-1])[::-1][1:]
    fp[order] = np.cumsum(neg[::-1])[::-1][1:]
    return {"tp": tp, "fp": fp, "fn": pos.sum() - tp, "tn": neg.sum() - fp}


class _ThresholdMetric(Metric):
    """Shared state: one count vector per confusion-matrix cell, one entry per threshold."""

    cells: tuple[str, ...] = ()

    def reset_state(self) -> None:
        self.counts = {c: np.zeros(len(self.thresholds)) for c in self.cells}

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        new = confusion_counts(y_true, y_pred, self.thresholds, sample_weight,
                               getattr(self, "top_k", None), getattr(self, "class_id", None))
        for cell in self.cells:
            self.counts[cell] += new[cell]

    @staticmethod
    def _one_or_all(values: np.ndarray):
        return float(values[0]) if len(values) == 1 else values


class _ConfusionCount(_ThresholdMetric):
    def __init__(self, thresholds=None, name=None, dtype=None) -> None:
        self.init_thresholds = thresholds
        self.thresholds = _thresholds(thresholds, 0.5)
        super().__init__(name, dtype)

    def result(self):
        return self._one_or_all(self.counts[self.cells[0]])

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    cells = ("tp",)


class FalsePositives(_ConfusionCount):
    cells = ("fp",)


class TrueNegatives(_ConfusionCount):
    cells = ("tn",)


class FalseNegatives(_ConfusionCount):
    cells = ("fn",)


class _PrecisionRecall(_ThresholdMetric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None) -> None:
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        super().__init__(name, dtype)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """tp / (tp + fp): of the predicted positives, the fraction that are positive."""

    cells = ("tp", "fp")

    def result(self):
        c = self.counts
        return self._one_or_all(_divide(c["tp"], c["tp"] + c["fp"]))


class Recall(_PrecisionRecall):
    """tp / (tp + fn): of the positives, the fraction predicted positive."""

    cells = ("tp", "fn")

    def result(self):
        c = self.counts
        return self._one_or_all(_divide(c["tp"], c["tp"] + c["fn"]))


class AUC(Metric):
    """Area under the ROC (or PR, PRGAIN) curve, a Riemann sum over num_thresholds thresholds
    evenly spread in [0, 1] (plus −ε and 1 + ε), like Keras' AUC."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False) -> None:
        curve, summation_method = str(curve).upper(), str(summation_method).lower()
        if curve not in ("ROC", "PR", "PRGAIN"):
            raise ValueError(f'Invalid `curve` argument value "{curve}". '
                             "Expected one of: ['ROC', 'PR', 'PRGAIN']")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid `summation_method` argument value "{summation_method}". '
                             "Expected one of: ['interpolation', 'minoring', 'majoring']")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        eps = backend.epsilon()
        self.thresholds = [0.0 - eps, *inner, 1.0 + eps]
        self.curve, self.summation_method = curve, summation_method
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, float)
        self._from_logits = from_logits
        super().__init__(name, dtype)

    def reset_state(self) -> None:
        self.counts = None  # allocated on the first batch, when the number of labels is known

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = np.asarray(y_pred, np.float64)
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        if not self.multi_label:
            new = confusion_counts(y_true, y_pred, self.thresholds, sample_weight,
                                   label_weights=self.label_weights)
            new = {c: v[:, None] for c, v in new.items()}
        else:
            if y_pred.ndim != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. "
                                 f"Found rank {y_pred.ndim}.")
            y_true = np.asarray(y_true).reshape(y_pred.shape)
            columns = [confusion_counts(y_true[:, j], y_pred[:, j], self.thresholds, sample_weight)
                       for j in range(y_pred.shape[1])]
            new = {c: np.stack([col[c] for col in columns], axis=1) for c in columns[0]}
        if self.counts is None:
            self.counts = {c: np.zeros_like(v) for c, v in new.items()}
        for cell, value in new.items():
            self.counts[cell] += value

    def _interpolate_pr(self, tp, fp, fn):
        # Davis & Goadrich: precision varies as (tp_A + slope·(p − p_A))/p between thresholds.
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return _divide(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))

    def _riemann_terms(self, tp, fp, tn, fn):
        recall = _divide(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide(tp, tp + fp)
        else:
            scale = _divide(tp + fn, tn + fp)
            x = np.maximum(np.where(tp == 0, 0.0, 1.0 - scale * _divide(fn, tp)), 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * _divide(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return (x[:-1] - x[1:]) * heights

    def result(self) -> float:
        if self.counts is None:
            return 0.0
        c = self.counts
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._interpolate_pr(c["tp"], c["fp"], c["fn"])
        else:
            terms = self._riemann_terms(c["tp"], c["fp"], c["tn"], c["fn"])
        by_label = terms.sum(axis=0)
        if not self.multi_label:
            return float(by_label[0])
        if self.label_weights is None:
            return float(by_label.mean())
        return float(_divide((by_label * self.label_weights).sum(), self.label_weights.sum()))

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None
                  else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
