"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k."""

from __future__ import annotations

import numpy as np

from engine.metrics.base import MeanMetricWrapper, aligned


def _sparse_labels(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Integer labels of shape y_pred.shape[:-1] from (…,) or (…, 1)."""
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    return y_true.reshape(y_pred.shape[:-1])


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """Whether each label's score is at least the k-th largest score (ties count as in, as in Keras)."""
    k = min(k, y_pred.shape[-1])
    kth = np.partition(y_pred, -k, axis=-1)[..., -k]
    target = np.take_along_axis(y_pred, labels.astype(np.intp)[..., None], axis=-1)[..., 0]
    return target >= kth


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly."""

    name = "accuracy"

    def values(self, y_true, y_pred):
        return (aligned(y_true, y_pred) == y_pred).astype(np.float32)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals y_true; the mean over each sample's outputs."""

    name = "binary_accuracy"

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5) -> None:
        super().__init__(name, dtype)
        self.threshold = threshold

    def values(self, y_true, y_pred):
        predicted = (y_pred > self.threshold).astype(np.float32)
        return (aligned(y_true, y_pred) == predicted).astype(np.float32)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax(y_true) (one-hot labels)."""

    name = "categorical_accuracy"

    def values(self, y_true, y_pred):
        return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(np.float32)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label."""

    name = "sparse_categorical_accuracy"

    def values(self, y_true, y_pred):
        return (_sparse_labels(y_true, y_pred) == y_pred.argmax(axis=-1)).astype(np.float32)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the k highest scores."""

    name = "top_k_categorical_accuracy"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None) -> None:
        super().__init__(name, dtype)
        self.k = k

    def values(self, y_true, y_pred):
        return _in_top_k(y_true.argmax(axis=-1), y_pred, self.k).astype(np.float32)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest scores (or, with from_sorted_ids, among
    the first k of y_pred's class ids, already sorted by score)."""

    name = "sparse_top_k_categorical_accuracy"

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids: bool = False) -> None:
        super().__init__(name, dtype)
        self.k, self.from_sorted_ids = k, from_sorted_ids

    def values(self, y_true, y_pred):
        labels = _sparse_labels(y_true, y_pred)
        if self.from_sorted_ids:
            hits = (y_pred[..., :self.k] == labels[..., None]).any(axis=-1)
        else:
            hits = _in_top_k(labels, y_pred, self.k)
        return hits.astype(np.float32)

    def get_config(self):
        # Keras 3 leaves from_sorted_ids out of the config; keep it only when it matters.
        config = {**super().get_config(), "k": self.k}
        return {**config, "from_sorted_ids": True} if self.from_sorted_ids else config
