"""Learning-rate schedules with Keras 3's names, formulas and configs.

A schedule is called with the optimizer's step count (0 before the first update) and returns the
learning rate as a float; `engine.optimizers.schedules.ExponentialDecay` mirrors
`keras.optimizers.schedules.ExponentialDecay`.
"""

from __future__ import annotations

import bisect
import math

from engine.utils.registry import Registry

_registry = Registry("learning rate schedule")


def _positive_steps(name: str, value) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """Base class: subclasses implement `__call__(step) -> float` and `get_config()`."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`.")

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()`.")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = object.__hash__


@_registry.register("ExponentialDecay")
class ExponentialDecay(LearningRateSchedule):
    """initial_learning_rate · decay_rate^(step / decay_steps); the exponent floored if staircase."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay") -> None:
        _positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


@_registry.register("PiecewiseConstantDecay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while step ≤ boundaries[0], values[i] for boundaries[i-1] < step ≤ boundaries[i]."""

    def __init__(self, boundaries, values, name="PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                f"of length {len(values)}.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        # bisect_left counts the boundaries strictly below `step`: a boundary step keeps the old value.
        return self.values[bisect.bisect_left(self.boundaries, step)]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@_registry.register("PolynomialDecay")
class PolynomialDecay(LearningRateSchedule):
    """(initial − end)·(1 − step/decay_steps)^power + end; with `cycle`, decay_steps grows by
    multiples so the decay restarts."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay") -> None:
        _positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = (
            end_learning_rate, power, cycle, name)

    def __call__(self, step):
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate) * (1 - p)**self.power
                + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


@_registry.register("InverseTimeDecay")
class InverseTimeDecay(LearningRateSchedule):
    """initial_learning_rate / (1 + decay_rate · step / decay_steps); the ratio floored if staircase."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay") -> None:
        _positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


@_registry.register("CosineDecay")
class CosineDecay(LearningRateSchedule):
    """Optional linear warmup from initial_learning_rate to warmup_target over warmup_steps, then
    a half cosine from the peak down to alpha·peak over decay_steps, constant afterwards."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0) -> None:
        _positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = (
            initial_learning_rate, decay_steps, alpha)
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decayed(self, step, peak):
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return peak * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        if self.warmup_target is None:
            return self._decayed(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            done = step / self.warmup_steps
            return (self.warmup_target - self.initial_learning_rate) * done \
                + self.initial_learning_rate
        return self._decayed(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


@_registry.register("CosineDecayRestarts")
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay that restarts: period i lasts first_decay_steps·t_mul^i and peaks at m_mul^i."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay") -> None:
        _positive_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        done = step / self.first_decay_steps
        if self._t_mul == 1.0:
            restart = math.floor(done)
            done -= restart
        else:
            # Periods grow geometrically: find the period by inverting their partial sums.
            restart = math.floor(math.log(1.0 - done * (1.0 - self._t_mul)) / math.log(self._t_mul))
            elapsed = (1.0 - self._t_mul**restart) / (1.0 - self._t_mul)
            done = (done - elapsed) / self._t_mul**restart
        cosine = 0.5 * self._m_mul**restart * (1.0 + math.cos(math.pi * done))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


def serialize(schedule: LearningRateSchedule) -> dict:
    """Keras' serialized form: {'module', 'class_name', 'config', 'registered_name'}."""
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config: dict) -> LearningRateSchedule:
    """A schedule from {'class_name': …, 'config': {…}} (Keras 2 and Keras 3 forms)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret learning rate schedule config: {config!r}")
    return _registry.lookup(config["class_name"]).from_config(dict(config.get("config") or {}))
