"""Metrics with Keras 3's names, log names and semantics.

Mean metrics (accuracies, errors) average per-sample values over the epoch; Precision, Recall and
AUC count the confusion matrix instead. Compiled from a string, a metric is logged under that very
string (metrics=['mae'] logs 'mae'); 'accuracy'/'acc' becomes the binary, sparse or categorical
accuracy that the label and output shapes call for, as Keras 3's compile does.
"""

from __future__ import annotations

from engine import backend
from engine.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from engine.metrics.base import Mean, MeanMetricWrapper, Metric
from engine.metrics.confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from engine.metrics.regression import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from engine.utils.registry import Registry

_registry = Registry("metric")

_CLASSES = (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, AUC, Precision, Recall,
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, MeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    RootMeanSquaredError, CosineSimilarity, LogCoshError, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge,
    SquaredHinge, CategoricalHinge,
)
_ALIASES = {BinaryCrossentropy: ("bce",), MeanSquaredError: ("mse",),
            MeanAbsoluteError: ("mae",), MeanAbsolutePercentageError: ("mape",),
            MeanSquaredLogarithmicError: ("msle",)}
# Keras 3 accepts each metric's class name and its snake_case form ('top_k_categorical_accuracy').
for _cls in _CLASSES:
    _registry.register(backend.to_snake_case(_cls.__name__), _cls.__name__,
                       *_ALIASES.get(_cls, ()))(_cls)


def register(*names: str):
    """Decorator adding a Metric subclass under a snake-case name (first) and aliases."""
    return _registry.register(*names)


def names() -> list[str]:
    """Names for menus: 'accuracy', then 'auc', 'binary_accuracy', …"""
    # 'accuracy' stands for the shape-chosen accuracy; the exact Accuracy class is used by instance.
    return ["accuracy"] + [n for n in _registry.names() if n[0].islower() and n != "accuracy"]


def accuracy_for(loss_name: str, y_true_shape: tuple, y_pred_shape: tuple,
                 name: str = "accuracy") -> Metric:
    """Keras 3's reading of metrics=['accuracy'], from the shapes alone: a last output axis of 1 is
    binary; labels of lower rank, or (…, 1) labels against several outputs, are sparse; anything else
    is categorical. The loss name decides only when the shapes are unknown."""
    if not y_pred_shape or not y_true_shape:
        if "binary" in loss_name:
            return BinaryAccuracy(name=name)
        sparse = "sparse" in loss_name
        return (SparseCategoricalAccuracy if sparse else CategoricalAccuracy)(name=name)
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(identifier, loss_name: str = "", y_true_shape=(), y_pred_shape=()) -> Metric:
    """From a Keras name ('accuracy', 'acc', 'mae', 'Precision', …), a config dict, a Metric class
    or instance. A string names the metric in the logs."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return accuracy_for(loss_name, tuple(y_true_shape), tuple(y_pred_shape), identifier)
        metric = _registry.lookup(identifier)()
        metric.name = identifier
        return metric
    if isinstance(identifier, dict) and "class_name" in identifier:
        return deserialize(identifier)
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Valid metrics: {', '.join(names())}."
    )


def serialize(metric: Metric) -> dict:
    return {"module": "keras.metrics", "class_name": type(metric).__name__,
            "config": metric.get_config(), "registered_name": None}


def deserialize(config: dict) -> Metric:
    return _registry.lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "CategoricalAccuracy",
    "CategoricalCrossentropy", "CategoricalHinge", "CosineSimilarity", "FalseNegatives",
    "FalsePositives", "Hinge", "KLDivergence", "LogCoshError", "Mean", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanMetricWrapper", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Metric", "Poisson", "Precision", "Recall",
    "RootMeanSquaredError", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SquaredHinge", "TopKCategoricalAccuracy", "TrueNegatives",
    "TruePositives", "accuracy_for", "deserialize", "get", "names", "register", "serialize",
]
