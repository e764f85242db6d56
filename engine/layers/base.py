"""The layer contract every engine layer follows.

- `__init__(**hyperparameters)` validates and stores; errors read like Keras ("Received: units=0").
- `build(input_shape)` creates float32 weights with `add_weight`.
- `compute_output_shape(input_shape)` is pure, so a stack can be checked before any weight exists.
- `forward(x, training)` caches what `backward` needs; `backward(grad)` writes each weight's `.grad`
  and returns the gradient with respect to `x` (or None when `need_input_grad` is off).
- `get_config()` returns Keras' config dict; `from_config(config)` rebuilds the layer.

Shapes include the batch dimension as None, as in Keras: (None, 28, 28, 1).
"""

from __future__ import annotations

import math

import numpy as np

from engine import backend, constraints, initializers, regularizers

Shape = tuple[int | None, ...]


class Variable:
    """A weight: its value, its gradient (same shape) and how the optimizer should treat it."""

    def __init__(self, name: str, value: np.ndarray, trainable: bool = True, regularizer=None,
                 constraint=None) -> None:
        self.name = name
        self.value = value
        # np.zeros maps its pages lazily (zeros_like writes every byte): counting the parameters
        # of a huge layer in the builder must not commit gigabytes for gradients never used.
        self.grad = np.zeros(value.shape, value.dtype)
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def assign(self, value) -> None:
        """Copy into the existing buffer: the model's flat parameter vector keeps seeing it."""
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"Weight '{self.name}' has shape {self.value.shape}; received {value.shape}."
            )
        self.value[...] = value

    def numpy(self) -> np.ndarray:
        return self.value.copy()

    def __repr__(self) -> str:
        return f"<Variable {self.name} shape={self.shape}>"


class Layer:
    """Base class: naming, input-shape arguments, weights and config."""

    def __init__(self, name: str | None = None, trainable: bool = True, dtype=None,
                 input_shape=None, batch_input_shape=None, input_dim: int | None = None,
                 batch_size: int | None = None, batch_shape=None, **kwargs) -> None:
        # Keras 2 configs carry keys Keras 3 dropped; ignore those, refuse true typos.
        for legacy in ("autocast", "weights", "input_length", "dynamic"):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.trainable = trainable
        self.dtype = "float32"
        self.built = False
        self.need_input_grad = True
        self.input_shape: Shape | None = None
        self._variables: list[Variable] = []
        shape = batch_shape or batch_input_shape
        if shape is None and input_shape is not None:
            shape = (batch_size, *tuple(input_shape))
        if shape is None and input_dim is not None:
            shape = (batch_size, int(input_dim))
        self.batch_input_shape: Shape | None = tuple(shape) if shape is not None else None

    # --- weights -------------------------------------------------------------------------
    def add_weight(self, name: str, shape, initializer="glorot_uniform", regularizer=None,
                   trainable: bool = True, constraint=None) -> Variable:
        value = initializers.get(initializer)(tuple(shape), dtype=backend.floatx())
        var = Variable(f"{self.name}/{name}", np.ascontiguousarray(value, dtype="float32"),
                       trainable, regularizers.get(regularizer), constraints.get(constraint))
        self._variables.append(var)
        return var

    @property
    def weights(self) -> list[Variable]:
        """Trainable first, then non-trainable, which is Keras' saving order."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v in self._variables if v.trainable and self.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for v in self._variables if not (v.trainable and self.trainable)]

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} weight arrays; received {len(weights)}."
            )
        for var, value in zip(own, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        return sum(math.prod(v.shape) for v in self._variables)

    def regularization_loss(self) -> float:
        return sum(float(v.regularizer(v.value)) for v in self._variables if v.regularizer)

    # --- the contract ----------------------------------------------------------------------
    def build(self, input_shape: Shape) -> None:
        self.input_shape = tuple(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(backend.floatx())
        if not self.built:
            self.build((None, *x.shape[1:]))
        return self.forward(x, training=training)

    @property
    def output_shape(self) -> Shape:
        if self.input_shape is None:
            raise AttributeError(f"Layer '{self.name}' has not been built yet.")
        return self.compute_output_shape(self.input_shape)

    # --- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        config = dict(config)
        if isinstance(config.get("dtype"), dict):  # Keras 3.4+ writes a DTypePolicy dict
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        return cls(**config)

    # --- helpers for subclasses -------------------------------------------------------------
    def shape_error(self, expected: str, received: Shape) -> ValueError:
        """A Keras-style message naming this layer, what it expects and what it got."""
        return ValueError(
            f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible: "
            f"expected {expected}, received input with shape {tuple(received)}."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
