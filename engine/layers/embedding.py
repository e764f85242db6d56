"""Embedding: integer indices → rows of a trainable (input_dim, output_dim) table."""

from __future__ import annotations

import numpy as np

from engine import constraints, initializers, regularizers
from engine.layers.base import Layer, Shape
from engine.layers.registry import register


def _positive_int(name: str, value) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value} "
                         f"(of type {type(value).__name__}).")
    return int(value)


@register("Embedding")
class Embedding(Layer):
    """Looks up `embeddings[x]`: x (batch, …) of indices in [0, input_dim) → (batch, …, output_dim).

    Float arrays are accepted (a Sequential model hands every layer float32) and cast to integers
    as Keras casts them. With `mask_zero=True` index 0 is padding: the output carries the mask
    `x != 0` for the layers after it (see engine.layers.masking), and input_dim must count it.
    """

    supports_masking = False  # it starts masks; an incoming mask means nothing to a lookup

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero: bool = False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 activity_regularizer=None, **kwargs) -> None:
        self.input_dim = _positive_int("input_dim", input_dim)
        self.output_dim = _positive_int("output_dim", output_dim)
        super().__init__(**kwargs)
        if lora_rank is not None or quantization_config is not None:
            raise ValueError("Embedding: LoRA and quantization are not supported by the engine. "
                             f"Received: lora_rank={lora_rank}, "
                             f"quantization_config={quantization_config}")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = activity_regularizer
        self.mask_zero = bool(mask_zero)
        if weights is not None:  # Keras 2 style: Embedding(..., weights=[matrix])
            self.build((None, None))
            self.set_weights(weights if isinstance(weights, list | tuple) else [weights])

    # Indices have no gradient, wherever the layer sits in a model.
    @property
    def need_input_grad(self) -> bool:
        return False

    @need_input_grad.setter
    def need_input_grad(self, value: bool) -> None:
        pass

    @property
    def produces_mask(self) -> bool:
        return self.mask_zero

    def build(self, input_shape: Shape) -> None:
        if not self.built:
            self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                              self.embeddings_initializer,
                                              self.embeddings_regularizer,
                                              constraint=self.embeddings_constraint)
        super().build(input_shape)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) < 1:
            raise self.shape_error("indices with a batch dimension (batch, steps)", input_shape)
        return (*tuple(input_shape), self.output_dim)

    def compute_mask(self, x: np.ndarray, mask=None) -> np.ndarray | None:
        return (x != 0) if self.mask_zero else None

    def _indices(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype.kind not in "iu":
            if x.dtype.kind not in "fb":
                raise ValueError(f"Layer '{self.name}' (Embedding) needs integer indices; received "
                                 f"an array of dtype {x.dtype}.")
            x = x.astype(np.int64)  # truncates like Keras' cast to int32
        if x.size:
            low, high = int(x.min()), int(x.max())
            if low < 0 or high >= self.input_dim:
                bad = high if high >= self.input_dim else low
                raise ValueError(
                    f"Layer '{self.name}' (Embedding) received index {bad}, outside [0, "
                    f"{self.input_dim}): input_dim={self.input_dim} must exceed the largest index "
                    "(for a Tokenizer: len(word_index) + 1, or num_words).")
        return x

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._idx = self._indices(x)
        return np.take(self.embeddings.value, self._idx, axis=0)

    def backward(self, grad: np.ndarray) -> None:
        """Scatter-add each output row's gradient into the row of the table it came from."""
        table = self.embeddings.grad
        dim = self.output_dim
        idx = self._idx.reshape(-1)
        table[...] = 0
        if table.flags.c_contiguous:
            # One flat scatter of every (row, column) pair: NumPy's fast 1-D ufunc.at path, several
            # times quicker than add.at over rows or sorting and reduceat.
            flat = (idx[:, None] * dim + np.arange(dim)).reshape(-1)
            np.add.at(table.reshape(-1), flat, grad.reshape(-1))
        else:
            np.add.at(table, idx, grad.reshape(idx.size, dim))
        return None

    def __call__(self, x, training: bool = False) -> np.ndarray:
        # Not the base __call__: indices stay integers instead of becoming float32.
        x = np.asarray(x)
        if not self.built:
            self.build((None, *x.shape[1:]))
        return self.forward(x, training=training)

    def get_config(self) -> dict:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": None,
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero, "quantization_config": None}
