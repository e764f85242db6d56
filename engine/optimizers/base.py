"""The optimizer base class: Keras 3's arguments, learning rate, clipping, weight decay and EMA.

The model hands an optimizer all trainable weights as ONE flat vector (each layer's weights are
views into it) together with the matching flat gradient. The element-wise rules of the subclasses
then run as a handful of NumPy calls per step, whatever the number of layers. `segments` gives each
weight's slice of that vector for what needs per-weight norms (clipnorm). State (momentum,
moments) is allocated in `build(size)` as flat vectors of the same length and dtype.
"""

from __future__ import annotations

import warnings

import numpy as np

from engine import backend
from engine.optimizers import schedules

# Keys older (Keras 2) optimizer configs carry that Keras 3 no longer accepts.
_LEGACY_KEYS = ("decay", "is_legacy_optimizer", "jit_compile", "schedule_decay")


class Optimizer:
    """Base class; subclasses set `default_name` and implement `build` and `update`."""

    default_name: str | None = "optimizer"

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                             f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        self.name = name or self.default_name or backend.unique_name(
            backend.to_snake_case(type(self).__name__))
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm, self.use_ema, self.ema_momentum = global_clipnorm, use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._learning_rate = self._check_learning_rate(learning_rate)
        self._iterations = 0
        self.segments: list[slice] = []
        self._built_size, self._dtype = -1, np.dtype(np.float32)

    # --- learning rate and step count ----------------------------------------------------------
    @staticmethod
    def _check_learning_rate(learning_rate):
        if isinstance(learning_rate, dict):
            return schedules.deserialize(learning_rate)
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float | np.number):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                f"or a callable. Received instead: learning_rate={learning_rate!r}")
        if learning_rate < 0:
            raise ValueError(
                f"`learning_rate` must be non-negative. Received: learning_rate={learning_rate}")
        return float(learning_rate)

    @property
    def learning_rate(self) -> float:
        """The rate the next step uses: a schedule is evaluated at the raw step count, as in Keras."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self._iterations))
        return float(lr()) if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(self._learning_rate, schedules.LearningRateSchedule) and not (
                isinstance(value, schedules.LearningRateSchedule) or callable(value)):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument.")
        self._learning_rate = self._check_learning_rate(value)

    def current_learning_rate(self) -> float:
        return self.learning_rate

    @property
    def iterations(self) -> int:
        """Completed updates (with gradient accumulation, completed accumulated updates)."""
        k = self.gradient_accumulation_steps
        return self._iterations // k if k else self._iterations

    @iterations.setter
    def iterations(self, value: int) -> None:
        self._iterations = int(value)

    # --- state and one step ----------------------------------------------------------------------
    def build(self, size: int, dtype=np.float32) -> None:
        """Allocate per-weight state as flat vectors of `size`; subclasses extend this."""
        self._built_size, self._dtype = size, np.dtype(dtype)
        self._average = np.zeros(size, dtype) if self.use_ema else None
        self._accumulated = np.zeros(size, dtype) if self.gradient_accumulation_steps else None

    def _zeros(self) -> np.ndarray:
        return np.zeros(self._built_size, self._dtype)

    def apply(self, value: np.ndarray, grad: np.ndarray, segments: list[slice] | None = None) -> None:
        """One step: update `value` (flat vector, shape (size,)) in place from `grad` (same shape)."""
        if self._built_size != value.size or self._dtype != value.dtype:
            self.build(value.size, value.dtype)
        if segments is not None:
            self.segments = segments
        if self.loss_scale_factor is not None:
            grad = grad / value.dtype.type(self.loss_scale_factor)
        k = self.gradient_accumulation_steps
        if k:
            self._accumulated += grad
            if (self._iterations + 1) % k == 0:
                grad = self._accumulated / value.dtype.type(k)
                self._accumulated[...] = 0
                self._step(value, grad)
        else:
            self._step(value, grad)
        if self.use_ema:
            self._update_average(value)
        self._iterations += 1

    def _step(self, value: np.ndarray, grad: np.ndarray) -> None:
        grad = self._clip(grad)
        lr = self.learning_rate
        if self.weight_decay:
            # Decoupled decay, before the update: w ← w − w·wd·lr (Keras 3, every optimizer).
            value -= value * value.dtype.type(self.weight_decay * lr)
        self.update(value, grad, value.dtype.type(lr))

    def _clip(self, grad: np.ndarray) -> np.ndarray:
        if self.clipnorm and self.clipnorm > 0:
            grad = grad.copy()
            for part in self.segments or [slice(None)]:
                norm = float(np.sqrt(np.dot(grad[part], grad[part])))
                if norm > self.clipnorm:
                    grad[part] *= grad.dtype.type(self.clipnorm / norm)
            return grad
        if self.global_clipnorm and self.global_clipnorm > 0:
            norm = float(np.sqrt(np.dot(grad, grad)))
            return grad * grad.dtype.type(min(1.0, self.global_clipnorm / norm) if norm else 1.0)
        if self.clipvalue and self.clipvalue > 0:
            return np.clip(grad, -self.clipvalue, self.clipvalue)
        return grad

    def _update_average(self, value: np.ndarray) -> None:
        # The first step copies the weights; later steps blend them in with ema_momentum.
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        self._average *= value.dtype.type(momentum)
        self._average += value * value.dtype.type(1 - momentum)
        freq = self.ema_overwrite_frequency
        if freq and (self.iterations + 1) % freq == 0:
            value[...] = self._average

    def finalize_variable_values(self, value: np.ndarray) -> None:
        """At the end of training with use_ema, replace the weights by their moving average."""
        if self.use_ema and self._average is not None and self._average.size == value.size:
            value[...] = self._average

    def update(self, value: np.ndarray, grad: np.ndarray, lr) -> None:
        """The optimizer's rule: change `value` in place, given the clipped `grad` and the rate."""
        raise NotImplementedError

    # --- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif callable(lr):
            lr = float(lr())  # a plain callable cannot be stored: keep the rate it gives now
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config: dict) -> Optimizer:
        """Rebuild from a Keras 3 config; Keras 2 configs load too ('lr', 'decay' are tolerated)."""
        config = dict(config)
        for key in _LEGACY_KEYS:
            config.pop(key, None)
        if "lr" in config:
            config.setdefault("learning_rate", config.pop("lr"))
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self._learning_rate!r}>"
