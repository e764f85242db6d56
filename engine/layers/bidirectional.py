"""Bidirectional: one recurrent layer reads the sequence forwards, a copy reads it backwards, and
their outputs merge (concatenated by default), as Keras' wrapper does.

Weights are the forward layer's, then the backward layer's (Keras' order in files). The config
nests both layers' configs under "layer" and "backward_layer".
"""

from __future__ import annotations

import copy

import numpy as np

from engine.layers import registry
from engine.layers.base import Layer, Shape
from engine.layers.recurrent import RNNBase
from engine.layers.registry import register

MERGE_MODES = ("sum", "mul", "ave", "concat")


def _renamed(layer: RNNBase, prefix: str, **changes) -> RNNBase:
    """A fresh layer from `layer`'s config, named '<prefix>_<name>' (Keras' naming)."""
    config = {**copy.deepcopy(layer.get_config()), **changes}
    # The constraint objects themselves: a plain function or an unregistered subclass has no
    # config to rebuild it from.
    config.update({k: getattr(layer, k) for k in config if k.endswith("_constraint")})
    name = config["name"]
    config["name"] = f"{prefix}_{name[len(prefix) + 1:] if name.startswith(prefix + '_') else name}"
    config.pop("batch_input_shape", None)
    return type(layer).from_config(config)


@register("Bidirectional")
class Bidirectional(Layer):
    """(batch, T, features) → (batch, [T,] 2·units) with merge_mode='concat', else units."""

    supports_masking = True

    def __init__(self, layer: RNNBase, merge_mode: str | None = "concat", weights=None,
                 backward_layer: RNNBase | None = None, **kwargs) -> None:
        if not isinstance(layer, RNNBase):
            raise ValueError("Please initialize `Bidirectional` layer with a recurrent layer "
                             f"(SimpleRNN, LSTM or GRU). Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, RNNBase):
            raise ValueError("`backward_layer` needs to be a recurrent layer (SimpleRNN, LSTM or "
                             f"GRU). Received: backward_layer={backward_layer}")
        if merge_mode not in MERGE_MODES:
            detail = " (two outputs do not fit a Sequential model)" if merge_mode is None else ""
            raise ValueError(f"Invalid merge mode{detail}. Merge mode should be one of "
                             f"{{'sum', 'mul', 'ave', 'concat'}}. Received: merge_mode={merge_mode}")
        super().__init__(**kwargs)
        self.forward_layer = _renamed(layer, "forward")
        self.backward_layer = (_renamed(layer, "backward", go_backwards=True)
                               if backward_layer is None else backward_layer)
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             f"`go_backwards` value. Received: forward_layer.go_backwards="
                             f"{fwd.go_backwards}, backward_layer.go_backwards={bwd.go_backwards}")
        if fwd.return_sequences != bwd.return_sequences:
            raise ValueError("Forward layer and backward layer are expected to have the same "
                             'value for attribute "return_sequences", got '
                             f'"{fwd.return_sequences}" and "{bwd.return_sequences}"')
        for sub in (fwd, bwd):  # Keras zeroes masked steps of returned sequences before merging
            sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = fwd.return_sequences
        self._pending_weights = weights

    # --- weights: the two layers' ---------------------------------------------------------
    @property
    def need_input_grad(self) -> bool:
        return self._need_input_grad

    @need_input_grad.setter
    def need_input_grad(self, value: bool) -> None:
        self._need_input_grad = value
        for sub in (getattr(self, "forward_layer", None), getattr(self, "backward_layer", None)):
            if sub is not None:
                sub.need_input_grad = value

    def build(self, input_shape: Shape) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(input_shape)
        self._variables = self.forward_layer._variables + self.backward_layer._variables
        super().build(input_shape)
        if self._pending_weights is not None:
            self.set_weights(self._pending_weights)
            self._pending_weights = None

    # Where Keras 3 keeps these weights: '…/forward_lstm/lstm_cell/kernel' in .h5 files,
    # layers/bidirectional/forward_layer/cell/vars in .weights.h5 (see engine/saving).
    def keras_weight_paths(self) -> list[str]:
        return [f"{sub.name}/{path}" for sub in (self.forward_layer, self.backward_layer)
                for path in sub.keras_weight_paths()]

    def keras_weight_groups(self) -> list[tuple[str, str, list]]:
        groups = [("", self.name, [])]
        for key, sub in (("forward_layer", self.forward_layer),
                         ("backward_layer", self.backward_layer)):
            groups += [(f"{key}/{path}".rstrip("/"), name, variables)
                       for path, name, variables in sub.keras_weight_groups()]
        return groups

    # --- shapes and masks ------------------------------------------------------------------
    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = self.forward_layer.compute_output_shape(input_shape)
        if self.merge_mode == "concat":
            return (*shape[:-1], 2 * shape[-1])
        return shape

    def compute_mask(self, x: np.ndarray, mask=None):
        return mask if self.return_sequences else None

    # --- forward and backward --------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False, mask=None) -> np.ndarray:
        y = self.forward_layer.forward(x, training=training, mask=mask)
        y_rev = self.backward_layer.forward(x, training=training, mask=mask)
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]  # back into input order
        self._y, self._y_rev = y, y_rev
        if self.merge_mode == "concat":
            return np.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        return y * y_rev

    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        if self.merge_mode == "concat":
            units = self._y.shape[-1]
            g, g_rev = grad[..., :units], grad[..., units:]
        elif self.merge_mode == "sum":
            g = g_rev = grad
        elif self.merge_mode == "ave":
            g = g_rev = grad / 2
        else:
            g, g_rev = grad * self._y_rev, grad * self._y
        if self.return_sequences:
            g_rev = g_rev[:, ::-1]
        dx = self.forward_layer.backward(np.ascontiguousarray(g))
        dx_rev = self.backward_layer.backward(np.ascontiguousarray(g_rev))
        return None if dx is None else dx + dx_rev

    # --- config ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": registry.serialize(self.forward_layer),
                "backward_layer": registry.serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict) -> Bidirectional:
        from engine.saving.config import layer_from_config  # the reader of nested Keras configs

        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        config["layer"] = layer_from_config(config["layer"])
        if config.get("backward_layer") is not None:
            config["backward_layer"] = layer_from_config(config["backward_layer"])
        return cls(**config)
