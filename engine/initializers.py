"""Weight initializers with Keras' names, defaults and fan computations."""

from __future__ import annotations

import math

import numpy as np

from engine import backend
from engine.utils.registry import Registry

_registry = Registry("initializer")


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Keras' fan_in/fan_out: a kernel (kh, kw, …, in, out) counts its receptive field."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    def __call__(self, shape, dtype: str | None = None) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)


@_registry.register("Zeros", "zeros")
class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=dtype or backend.floatx())


@_registry.register("Ones", "ones")
class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=dtype or backend.floatx())


class VarianceScaling(Initializer):
    """Uniform or (truncated) normal draws scaled by the fan, as in keras.initializers."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0:
            raise ValueError(f"scale must be positive. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid mode. Received: mode={mode}")
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal", "normal"):
            raise ValueError(f"Invalid distribution. Received: distribution={distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def _generator(self) -> np.random.Generator:
        return np.random.default_rng(self.seed) if self.seed is not None else backend.rng()

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(tuple(shape))
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = self._generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        elif self.distribution == "truncated_normal":
            # 0.879… is the std of a unit normal truncated at ±2σ, so the result keeps `variance`.
            values = truncated_normal(rng, shape, math.sqrt(variance) / 0.87962566103423978)
        else:
            values = rng.normal(0.0, math.sqrt(variance), size=shape)
        return values.astype(dtype or backend.floatx())

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def truncated_normal(rng: np.random.Generator, shape, stddev: float, mean: float = 0.0):
    """Normal draws, re-drawn until all lie within two standard deviations of the mean."""
    values = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(values) > 2
    return mean + stddev * values


@_registry.register("GlorotUniform", "glorot_uniform")
class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


def register(*names: str):
    return _registry.register(*names)


def names() -> list[str]:
    return [n for n in _registry.names() if n[0].islower()]


def get(identifier) -> Initializer:
    """From a Keras name ('glorot_uniform'), a config dict, or an Initializer instance."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = _registry.lookup(identifier["class_name"])
        return cls.from_config(identifier.get("config") or {})
    raise ValueError(f"Could not interpret initializer: {identifier!r}")


def serialize(initializer: Initializer) -> dict:
    """Keras 3 layout: {"module", "class_name", "config", "registered_name"}."""
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}
