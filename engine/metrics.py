"""Metrics as running means over an epoch, with the names Keras shows in its logs."""

from __future__ import annotations

import numpy as np

from engine.utils.registry import Registry

_registry = Registry("metric")


class Metric:
    """Accumulates a (weighted) mean; subclasses give the per-sample values."""

    name = "metric"

    def __init__(self, name: str | None = None) -> None:
        if name:
            self.name = name
        self.reset_state()

    def reset_state(self) -> None:
        self.total, self.count = 0.0, 0.0

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = self.values(np.asarray(y_true), np.asarray(y_pred))
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
        else:
            weight = np.asarray(sample_weight, dtype=np.float64).reshape(values.shape)
            self.total += float((values * weight).sum())
            self.count += float(weight.sum())

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def get_config(self) -> dict:
        return {"name": self.name}


@_registry.register("categorical_accuracy", "CategoricalAccuracy")
class CategoricalAccuracy(Metric):
    name = "categorical_accuracy"

    def values(self, y_true, y_pred):
        return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(np.float32)


@_registry.register("sparse_categorical_accuracy", "SparseCategoricalAccuracy")
class SparseCategoricalAccuracy(Metric):
    name = "sparse_categorical_accuracy"

    def values(self, y_true, y_pred):
        labels = y_true.reshape(y_pred.shape[:-1])
        return (labels == y_pred.argmax(axis=-1)).astype(np.float32)


@_registry.register("binary_accuracy", "BinaryAccuracy")
class BinaryAccuracy(Metric):
    name = "binary_accuracy"

    def __init__(self, name: str | None = None, threshold: float = 0.5) -> None:
        super().__init__(name)
        self.threshold = threshold

    def values(self, y_true, y_pred):
        hits = (y_true.reshape(y_pred.shape) > self.threshold) == (y_pred > self.threshold)
        return hits.reshape(hits.shape[0], -1).mean(axis=-1)


def register(*names: str):
    return _registry.register(*names)


def names() -> list[str]:
    return ["accuracy"] + [n for n in _registry.names() if n[0].islower()]


def accuracy_for(loss_name: str, y_true_shape: tuple, y_pred_shape: tuple) -> Metric:
    """Keras' reading of metrics=['accuracy']: binary, sparse or categorical by loss and shapes."""
    if "binary" in loss_name or (y_pred_shape[-1] == 1 and "categorical" not in loss_name):
        return BinaryAccuracy(name="accuracy")
    sparse = "sparse" in loss_name or len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape[-1] == 1 and y_pred_shape[-1] > 1)
    return (SparseCategoricalAccuracy if sparse else CategoricalAccuracy)(name="accuracy")


def get(identifier, loss_name: str = "", y_true_shape=(), y_pred_shape=()) -> Metric:
    """From a Keras name ('accuracy', 'acc', 'mae', …), a class name or a Metric instance."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in ("accuracy", "acc"):
            return accuracy_for(loss_name, tuple(y_true_shape), tuple(y_pred_shape))
        metric = _registry.lookup(identifier)()
        if identifier[0].islower():
            metric.name = identifier
        return metric
    raise ValueError(
        f"Could not interpret metric: {identifier!r}. Valid metrics: {', '.join(names())}."
    )
