"""`Sequential`, the Keras model you build by stacking layers, and `load_model`."""

from __future__ import annotations

import numpy as np

from engine import backend
from engine.layers import _conv_pool, masking, registry
from engine.layers.base import Layer, Shape
from engine.layers.core import InputLayer
from engine.trainer import Trainer


class Sequential(Trainer):
    """A linear stack of layers; compile/fit/evaluate/predict come from `Trainer`."""

    def __init__(self, layers=None, name: str | None = None, trainable: bool = True) -> None:
        self.name = name or backend.unique_name("sequential")
        self.trainable = trainable
        self._layers: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self.built = False
        self.stop_training = False
        self.optimizer = None
        self.loss = None
        self.compiled_metrics: list = []
        self._metric_specs: list = []
        self.history = None
        self._flat_values = self._flat_grads = None
        self._segments: list[slice] = []
        for layer in layers or []:
            self.add(layer)

    # --- building ---------------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Only layers can be added to a Sequential model. Received: {layer!r}")
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("An Input can only be the first entry of a Sequential model.")
            self._input_layer = layer
        else:
            if not self._layers and self._input_layer is None and layer.batch_input_shape:
                self._input_layer = InputLayer(batch_shape=layer.batch_input_shape)
            self._layers.append(layer)
        self.built, self._steps = False, None  # build() works the steps out again
        if self._input_layer is not None:
            self.build()

    def pop(self) -> Layer:
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self.built, self._steps = False, None
        if self._input_layer is not None and self._layers:
            self.build()
        return layer

    @property
    def input_shape(self) -> Shape:
        if self._input_layer is None:
            raise AttributeError("The model has no input shape yet: add an Input or build it.")
        return self._input_layer.batch_input_shape

    @property
    def output_shape(self) -> Shape:
        return self.compute_output_shape(self.input_shape)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def build(self, input_shape: Shape | None = None) -> None:
        """Create every layer's weights for `input_shape` (batch dimension included)."""
        if input_shape is not None:
            self._input_layer = InputLayer(batch_shape=tuple(input_shape))
        if self._input_layer is None:
            raise ValueError("The model needs an input shape: start with Input(shape=…).")
        shape = self._input_layer.batch_input_shape
        for layer in self._layers:
            if not layer.built:
                layer.build(shape)
            shape = layer.compute_output_shape(shape)
        for i, layer in enumerate(self._layers):
            # The first layer that has weights needs no gradient for its input.
            layer.need_input_grad = any(p.count_params() for p in self._layers[:i])
        self._pack_parameters()
        self.built = True
        self._train_plan = None  # layers or weights changed: the next batch re-plans
        self._masking = masking.makes_masks(self._layers)  # see _forward
        # What a pass runs: the layers, a Conv2D and the 2×2 MaxPooling2D after it as one step.
        self._steps = self._layers if self._masking else _conv_pool.steps(self._layers)

    def _pack_parameters(self) -> None:
        """Make all trainable weights views into one flat vector, and their grads likewise."""
        variables = self.trainable_weights
        size = sum(v.value.size for v in variables)
        values, grads = np.empty(size, np.float32), np.zeros(size, np.float32)
        self._segments, offset = [], 0
        for var in variables:
            part = slice(offset, offset + var.value.size)
            values[part] = var.value.ravel()
            var.value = values[part].reshape(var.value.shape)
            var.grad = grads[part].reshape(var.value.shape)
            self._segments.append(part)
            offset += var.value.size
        self._flat_values, self._flat_grads = values, grads

    # --- weights ----------------------------------------------------------------------------
    @property
    def weights(self):
        return [v for layer in self._layers for v in layer.weights]

    @property
    def trainable_weights(self):
        return [v for layer in self._layers for v in layer.trainable_weights] if self.trainable \
            else []

    @property
    def non_trainable_weights(self):
        return [v for v in self.weights if v not in self.trainable_weights]

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(f"The model expects {len(own)} weight arrays; received {len(weights)}.")
        for var, value in zip(own, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self._layers]}.")

    # --- running (compile, fit, evaluate, predict, summary: engine/trainer.py) ----------------
    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.built:
            self.build(self._input_layer.batch_input_shape if self._input_layer
                       else (None, *np.shape(x)[1:]))

    _masking = False
    _steps = None

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        if self._masking:  # a layer starts timestep masks (Embedding(mask_zero=True), Masking):
            return masking.forward(self._layers, x, training)  # the loop that hands them on
        for step in self._steps or self._layers:
            x = step.forward(x, training=training)
        return x

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = training_cast(x)
        self._ensure_built(x)
        return self._forward(x, training)

    # --- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        entries = []
        if self._input_layer is not None:
            entries.append(registry.serialize(self._input_layer))
        entries += [registry.serialize(layer) for layer in self._layers]
        return {"name": self.name, "trainable": self.trainable, "layers": entries}

    @classmethod
    def from_config(cls, config: dict) -> Sequential:
        layers = [registry.deserialize(entry) for entry in config.get("layers", [])]
        return cls(layers, name=config.get("name"))

    # --- saving (engine/saving) -------------------------------------------------------------
    def save(self, filepath, overwrite: bool = True, include_optimizer: bool = True) -> None:
        """Write a Keras `.h5` (or `.keras`) file: architecture, weights, compile settings and
        optimizer state."""
        from engine import saving
        saving.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Write the weights to a Keras 3 `.weights.h5` file (the name must end so)."""
        from engine import saving
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        """Read weights from `.weights.h5` or a legacy `.h5` (weights or whole model), by order."""
        from engine import saving
        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs) -> str:
        from engine import saving
        return saving.model_to_json(self, **kwargs)


def training_cast(x) -> np.ndarray:
    """float32 passes as it is; anything else (uint8 images, float64) becomes float32 here."""
    x = np.asarray(x)
    return x if x.dtype == np.float32 else x.astype(backend.floatx())


def load_model(filepath, custom_objects=None, compile=True) -> Sequential:  # noqa: A002 (Keras' name)
    """A model from a Keras `.h5` or `.keras` file (Keras 3, tf.keras 2.x or Hornbook), compiled
    when the file says how."""
    from engine import saving
    return saving.load_model(filepath, custom_objects=custom_objects, compile=compile)


def model_from_json(json_string: str, custom_objects=None) -> Sequential:
    """An uncompiled model from `Sequential.to_json()` output (Keras 3 or tf.keras 2.x)."""
    from engine import saving
    return saving.model_from_json(json_string, custom_objects=custom_objects)
