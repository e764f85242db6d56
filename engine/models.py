"""`Sequential`, the Keras model you build by stacking layers, and `load_model`."""

from __future__ import annotations

import numpy as np

from engine import backend, losses, metrics, optimizers, training
from engine.layers import registry
from engine.layers.base import Layer, Shape
from engine.layers.core import InputLayer


class Sequential:
    """A linear stack of layers with Keras' compile/fit/evaluate/predict surface."""

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
        self.built = False
        if self._input_layer is not None:
            self.build()

    def pop(self) -> Layer:
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self.built = False
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

    # --- compile and run --------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True) -> None:
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss) if loss is not None else None
        self._metric_specs = list(metrics or [])
        self.compiled_metrics = []
        self.compiled = True

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.built:
            self.build(self._input_layer.batch_input_shape if self._input_layer
                       else (None, *np.shape(x)[1:]))

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        for layer in self._layers:
            x = layer.forward(x, training=training)
        return x

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = training_cast(x)
        self._ensure_built(x)
        return self._forward(x, training)

    def train_step(self, x, y, sample_weight=None) -> float:
        """Forward, loss, backward and one optimizer step on one batch; returns the batch loss."""
        out = self._forward(x, training=True)
        loss = self.loss(y, out, sample_weight)
        last = self._layers[-1]
        activation = getattr(last, "activation", None)
        if activation is not None and activation.name == self.loss.fused_activation:
            grad = self.loss.gradient_from_logits(y, out, sample_weight)
            grad = last.backward(grad, through_activation=False)
            rest = self._layers[:-1]
        else:
            grad = self.loss.gradient(y, out, sample_weight)
            rest = self._layers
        for layer in reversed(rest):
            if grad is None:
                break
            grad = layer.backward(grad)
        for var in self.trainable_weights:
            if var.regularizer is not None:
                loss += var.regularizer(var.value)
                var.grad += var.regularizer.gradient(var.value)
        self.optimizer.apply(self._flat_values, self._flat_grads, self._segments)
        for metric in self.compiled_metrics:
            metric.update_state(y, out, sample_weight)
        return float(loss)

    def resolve_metrics(self, y: np.ndarray) -> None:
        """Turn compile's metric names into Metric objects once label and output shapes are known."""
        if self.compiled_metrics or not self._metric_specs:
            return
        loss_name = getattr(self.loss, "name", "")
        self.compiled_metrics = [metrics.get(m, loss_name, np.shape(y), self.output_shape)
                                 for m in self._metric_specs]

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        return training.fit(self, x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                            callbacks=callbacks, validation_split=validation_split,
                            validation_data=validation_data, shuffle=shuffle,
                            class_weight=class_weight, sample_weight=sample_weight,
                            initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                            validation_batch_size=validation_batch_size,
                            validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        return training.evaluate(self, x, y, batch_size=batch_size, verbose=verbose,
                                 sample_weight=sample_weight, callbacks=callbacks,
                                 return_dict=return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        return training.predict(self, x, batch_size=batch_size, verbose=verbose,
                                callbacks=callbacks)

    def predict_on_batch(self, x) -> np.ndarray:
        return self(x, training=False)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        from engine.utils.summary_utils import print_summary
        print_summary(self, line_length=line_length, print_fn=print_fn)

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


def training_cast(x) -> np.ndarray:
    """float32 passes as it is; anything else (uint8 images, float64) becomes float32 here."""
    x = np.asarray(x)
    return x if x.dtype == np.float32 else x.astype(backend.floatx())
