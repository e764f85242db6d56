"""Keras' timestep masks, carried through a Sequential stack.

A mask is a (batch, steps) boolean array: True where a step holds data, False where it is padding.
`Embedding(mask_zero=True)` makes one (index 0 is padding); the layers after it see it as Keras
layers do:

- a layer with `compute_mask(x, mask)` says what mask its output carries (None ends it);
- a layer with `supports_masking = True` takes `forward(x, training, mask=mask)` and uses it
  (recurrent layers, Bidirectional, GlobalAveragePooling1D);
- the layers Keras lets a mask pass through unchanged (Dense, Dropout, activations, …) pass it on;
- `Masking(mask_value)` masks the steps whose features all equal mask_value (numeric sequences);
- any other layer (Flatten, Conv1D, pooling, GlobalMaxPooling1D) drops it with Keras' warning.

A Sequential model runs `forward` below only when one of its layers can make a mask, so models
without masks keep their plain loop. Backward passes need no mask: each layer keeps the mask
its forward pass used.
"""

from __future__ import annotations

import warnings

import numpy as np

from engine.layers.base import Layer
from engine.layers.registry import register

# Keras layers with supports_masking=True and the default compute_mask (the mask passes unchanged).
# BatchNormalization and Softmax also *use* the mask in Keras (masked moments, masked softmax);
# here they only pass it on.
PASS_THROUGH = frozenset({
    "Activation", "BatchNormalization", "Dense", "Dropout", "ELU", "GaussianDropout",
    "GaussianNoise", "LayerNormalization", "LeakyReLU", "PReLU", "ReLU", "Softmax",
})


def makes_masks(layers) -> bool:
    """Whether any layer of the stack can start a mask (e.g. Embedding(mask_zero=True))."""
    return any(getattr(layer, "produces_mask", False) for layer in layers)


def next_mask(layer, x: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    """The mask `layer`'s output carries, given its input `x` and the mask `x` came with."""
    compute = getattr(layer, "compute_mask", None)
    if compute is not None:
        return compute(x, mask)
    if mask is None or type(layer).__name__ in PASS_THROUGH:
        return mask
    if not getattr(layer, "_mask_warned", False):
        layer._mask_warned = True
        warnings.warn(f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input "
                      "with a mask attached to it. However, this layer does not support masking "
                      "and will therefore destroy the mask information. Downstream layers will "
                      "not see the mask.", stacklevel=3)
    return None


def forward(layers, x: np.ndarray, training: bool) -> np.ndarray:
    """Run `layers` in order on `x`, handing each mask-aware layer the mask of its input."""
    mask = None
    for layer in layers:
        if mask is not None and getattr(layer, "supports_masking", False):
            y = layer.forward(x, training=training, mask=mask)
        else:
            y = layer.forward(x, training=training)
        mask = next_mask(layer, x, mask)
        x = y
    return x


def as_step_mask(mask, x: np.ndarray, name: str) -> np.ndarray | None:
    """Check a (batch, steps) mask against x (batch, steps, …); None stays None."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.shape != x.shape[:2]:
        raise ValueError(f"Layer '{name}' received a mask of shape {mask.shape} for an input of "
                         f"shape {x.shape}; the mask must be (batch, steps) = {x.shape[:2]}.")
    return mask.astype(bool, copy=False)


@register("Masking")
class Masking(Layer):
    """Marks as padding every step whose features all equal `mask_value`, and zeroes it.

    x: (batch, steps, features) → the same shape; the output carries the (batch, steps) mask.
    """

    produces_mask = True
    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, x: np.ndarray, mask=None) -> np.ndarray:
        return np.any(x != self.mask_value, axis=-1)

    def forward(self, x: np.ndarray, training: bool = False, mask=None) -> np.ndarray:
        self._keep = np.any(x != self.mask_value, axis=-1, keepdims=True)
        return x * self._keep

    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        return grad * self._keep if self.need_input_grad else None

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
