"""Weight initializers with Keras 3's class names, defaults, config keys and fan computations.

Seeding follows Keras: an initializer built with an integer seed returns the same values on every
call; an unseeded one draws from the engine's generator (`backend.set_random_seed` repeats it).
"""

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
        config = dict(config)
        config.pop("dtype", None)  # old tf.keras configs carried a dtype
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


@_registry.register("Zeros", "zeros", "zero")
class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=dtype or backend.floatx())


@_registry.register("Ones", "ones", "one")
class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=dtype or backend.floatx())


@_registry.register("Constant", "constant")
class Constant(Initializer):
    """Every entry equals `value` (a scalar)."""

    def __init__(self, value: float = 0.0) -> None:
        if np.ndim(value) != 0:
            raise ValueError(f"Constant takes a scalar value. Received: value={value!r}")
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=dtype or backend.floatx())

    def get_config(self):
        return {"value": self.value}


@_registry.register("Identity", "identity", "IdentityInitializer", "identity_initializer")
class Identity(Initializer):
    """`gain` times the identity matrix; 2-D shapes only (a non-square one gets a partial diagonal)."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        return (self.gain * np.eye(*shape)).astype(dtype or backend.floatx())

    def get_config(self):
        # Keras 3 writes no config for Identity and so forgets a gain; keep it (Keras accepts it).
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (not isinstance(seed, int | np.integer) or isinstance(seed, bool)):
            raise ValueError(f"`seed` argument should be an integer. Received: seed={seed}")
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        # A fresh generator per call: a seeded initializer repeats itself, as in Keras.
        return np.random.default_rng(self.seed) if self.seed is not None else backend.rng()

    def get_config(self):
        return {"seed": self.seed}


@_registry.register("RandomNormal", "random_normal", "normal")
class RandomNormal(RandomInitializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        values = self._generator().normal(self.mean, self.stddev, size=shape)
        return values.astype(dtype or backend.floatx())

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@_registry.register("TruncatedNormal", "truncated_normal")
class TruncatedNormal(RandomNormal):
    """Normal draws re-drawn until within two `stddev` of the mean (so their std is 0.88·stddev)."""

    def __call__(self, shape, dtype=None):
        values = truncated_normal(self._generator(), shape, self.stddev, self.mean)
        return values.astype(dtype or backend.floatx())


@_registry.register("RandomUniform", "random_uniform", "uniform")
class RandomUniform(RandomInitializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None) -> None:
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        values = self._generator().uniform(self.minval, self.maxval, size=shape)
        return values.astype(dtype or backend.floatx())

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


@_registry.register("VarianceScaling", "variance_scaling")
class VarianceScaling(RandomInitializer):
    """Uniform or (truncated) normal draws with variance `scale / fan`, as in keras.initializers."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Invalid `mode` argument: use one of fan_in, fan_out, fan_avg. "
                             f"Received: mode={mode}")
        distribution = str(distribution).lower()
        distribution = "truncated_normal" if distribution == "normal" else distribution  # Keras 3
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("Invalid `distribution` argument: use one of uniform, "
                             f"truncated_normal, untruncated_normal. Received: distribution={distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        super().__init__(seed)

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
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution}


def truncated_normal(rng: np.random.Generator, shape, stddev: float, mean: float = 0.0):
    """Normal draws, re-drawn until all lie within two standard deviations of the mean."""
    values = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(values) > 2
    return mean + stddev * values


def _fixed_scaling(class_name: str, snake: str, scale: float, mode: str, distribution: str):
    """The named VarianceScaling presets; their config holds only the seed, as in Keras."""

    class Preset(VarianceScaling):
        def __init__(self, seed: int | None = None) -> None:
            super().__init__(scale, mode, distribution, seed)

        def get_config(self):
            return {"seed": self.seed}

    Preset.__name__ = Preset.__qualname__ = class_name
    Preset.__doc__ = f"VarianceScaling(scale={scale}, mode='{mode}', distribution='{distribution}')."
    return _registry.register(class_name, snake)(Preset)


GlorotUniform = _fixed_scaling("GlorotUniform", "glorot_uniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _fixed_scaling("GlorotNormal", "glorot_normal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _fixed_scaling("HeUniform", "he_uniform", 2.0, "fan_in", "uniform")
HeNormal = _fixed_scaling("HeNormal", "he_normal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _fixed_scaling("LecunUniform", "lecun_uniform", 1.0, "fan_in", "uniform")
LecunNormal = _fixed_scaling("LecunNormal", "lecun_normal", 1.0, "fan_in", "truncated_normal")


@_registry.register("Orthogonal", "orthogonal", "OrthogonalInitializer", "orthogonal_initializer")
class Orthogonal(RandomInitializer):
    """`gain` times a random orthogonal matrix (rows·…·rows, last) from the QR of a normal draw.

    Fewer rows than columns gives orthonormal rows, otherwise orthonormal columns.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._generator().normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        # Fixing the signs by R's diagonal makes Q uniformly distributed over orthogonal matrices.
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype or backend.floatx())

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


def register(*names: str):
    return _registry.register(*names)


def names() -> list[str]:
    """Keras' snake_case names ('glorot_uniform', …), for menus."""
    return sorted({backend.to_snake_case(type_name) for type_name in _registry.names()})


def get(identifier) -> Initializer:
    """From a Keras name ('glorot_uniform', 'HeNormal'), a config dict, a class or an instance."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        if identifier not in _registry:  # list the snake_case names users type
            raise ValueError(f"Unknown initializer: '{identifier}'. Valid initializers: "
                             f"{', '.join(names())}.")
        return _registry.lookup(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = _registry.lookup(identifier["class_name"])
        return cls.from_config(identifier.get("config") or {})
    raise ValueError(f"Could not interpret initializer: {identifier!r}. Use a name such as "
                     f"{', '.join(names())}.")


def serialize(initializer: Initializer) -> dict:
    """Keras 3 layout: {"module", "class_name", "config", "registered_name"}."""
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config: dict) -> Initializer:
    return get(config)
