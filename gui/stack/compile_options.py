"""Compile options as plain data, and the engine objects they stand for.

The state is a JSON-able dict, so an undo command can hold a before and an after, a template can
carry one and the Keras code pane can print one:

    {"optimizer": "adam", "learning_rate": 0.001, "hyper": {"beta_1": 0.9, …},
     "schedule": None | "ExponentialDecay", "schedule_params": {"decay_steps": 1000, …},
     "loss": "categorical_crossentropy", "metrics": ["accuracy"],
     "early_stopping": {"enabled": False, "patience": 3, "restore_best_weights": True},
     "reduce_lr": {"enabled": False, "factor": 0.5, "patience": 2}}

Optimizer hyperparameters and schedule parameters come from the classes' signatures.
"""

from __future__ import annotations

import copy
import inspect

from PySide6.QtCore import QObject, Signal

from engine import callbacks, losses, metrics, optimizers
from engine.optimizers import schedules

SCHEDULES = ["ExponentialDecay", "CosineDecay", "PiecewiseConstantDecay"]
# Schedule arguments the panel leaves at their defaults (warm-up is an advanced option).
_SCHEDULE_SKIP = {"self", "initial_learning_rate", "name", "warmup_target", "warmup_steps"}
# Starting values for the schedules' required arguments, which have no default.
_SCHEDULE_STARTS = {"decay_steps": 1000, "decay_rate": 0.96, "boundaries": [1000]}
# Metrics that score a classifier; precision, recall and AUC read one-hot labels only.
_CLASSIFIER_METRICS = ("precision", "recall", "auc")


def optimizer_class(name: str) -> type:
    return type(optimizers.get(name))


def optimizer_hyperparameters(name: str) -> dict:
    """The optimizer's own settings besides the learning rate, with their defaults."""
    params = inspect.signature(optimizer_class(name).__init__).parameters
    return {k: p.default for k, p in params.items()
            if k not in ("self", "learning_rate") and p.kind is p.POSITIONAL_OR_KEYWORD}


def default_learning_rate(name: str) -> float:
    params = inspect.signature(optimizer_class(name).__init__).parameters
    return float(params["learning_rate"].default)


def schedule_parameters(name: str, learning_rate: float) -> dict:
    params = inspect.signature(getattr(schedules, name).__init__).parameters
    result = {}
    for key, p in params.items():
        if key in _SCHEDULE_SKIP:
            continue
        if key == "values":
            result[key] = [learning_rate, learning_rate / 10]
        elif p.default is inspect.Parameter.empty:
            result[key] = copy.deepcopy(_SCHEDULE_STARTS[key])
        else:
            result[key] = p.default
    return result


def classification_metrics(loss: str) -> list[str]:
    """Metrics that suit a classifier trained with `loss`: sparse metrics read integer labels,
    the others one-hot rows (Hornbook gives sparse losses integers, every other loss one-hot)."""
    sparse = "sparse" in loss
    names = [n for n in metrics.names() if "accuracy" in n or n in _CLASSIFIER_METRICS]
    if sparse:
        return [n for n in names if n == "accuracy" or n.startswith("sparse_")]
    return [n for n in names if "sparse" not in n and n != "binary_accuracy"]


def default_state(optimizer: str = "sgd", loss: str = "categorical_crossentropy") -> dict:
    return {"optimizer": optimizer, "learning_rate": default_learning_rate(optimizer),
            "hyper": optimizer_hyperparameters(optimizer), "schedule": None, "schedule_params": {},
            "loss": loss, "metrics": ["accuracy"],
            "early_stopping": {"enabled": False, "patience": 3, "restore_best_weights": True},
            "reduce_lr": {"enabled": False, "factor": 0.5, "patience": 2}}


def with_optimizer(state: dict, name: str) -> dict:
    """`state` with another optimizer, at that optimizer's default settings."""
    new = copy.deepcopy(state)
    new.update(optimizer=name, learning_rate=default_learning_rate(name),
               hyper=optimizer_hyperparameters(name))
    if new["schedule"]:
        new["schedule_params"] = schedule_parameters(new["schedule"], new["learning_rate"])
    return new


def with_loss(state: dict, loss: str) -> dict:
    """`state` with another loss, keeping only the metrics that suit it."""
    new = copy.deepcopy(state)
    allowed = classification_metrics(loss)
    new["loss"] = loss
    new["metrics"] = [m for m in new["metrics"] if m in allowed]
    return new


def make_learning_rate(state: dict):
    if not state.get("schedule"):
        return state["learning_rate"]
    cls = getattr(schedules, state["schedule"])
    params = dict(state["schedule_params"])
    if "initial_learning_rate" in inspect.signature(cls.__init__).parameters:
        params["initial_learning_rate"] = state["learning_rate"]
    return cls(**params)


def make_optimizer(state: dict):
    """The engine optimizer; raises the engine's ValueError for a refused setting."""
    return optimizer_class(state["optimizer"])(learning_rate=make_learning_rate(state),
                                               **state["hyper"])


def compile_args(state: dict) -> dict:
    """Arguments for model.compile()."""
    losses.get(state["loss"])  # an unknown name fails here, with the registry's message
    return {"optimizer": make_optimizer(state), "loss": state["loss"],
            "metrics": list(state["metrics"])}


def make_callbacks(state: dict) -> list:
    """The engine callbacks the user switched on (monitoring val_loss, as Keras does by default)."""
    result = []
    stop = state["early_stopping"]
    if stop["enabled"]:
        result.append(callbacks.EarlyStopping(patience=stop["patience"],
                                              restore_best_weights=stop["restore_best_weights"]))
    reduce = state["reduce_lr"]
    if reduce["enabled"]:
        result.append(callbacks.ReduceLROnPlateau(factor=reduce["factor"], patience=reduce["patience"]))
    return result


def validate(state: dict) -> None:
    """Raise ValueError with a message the user can act on if the engine would refuse `state`."""
    try:
        compile_args(state)
        make_callbacks(state)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    if state["reduce_lr"]["enabled"] and state.get("schedule"):
        raise ValueError("Reduce-LR-on-plateau changes a fixed learning rate, but a schedule is "
                         f"chosen ({state['schedule']}): set the schedule to none, or switch "
                         "reduce-LR off.")


class CompileOptions(QObject):
    """The compile options the window holds; undo commands call set_state, the panel listens."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._state = default_state()

    @property
    def state(self) -> dict:
        return copy.deepcopy(self._state)

    def set_state(self, state: dict) -> None:
        if state != self._state:
            self._state = copy.deepcopy(state)
            self.changed.emit()
