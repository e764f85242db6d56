"""`Trainer`: the compile/fit/evaluate/predict surface of a model, as Keras 3's Trainer.

`Sequential` inherits it; the loops themselves live in engine.training. A model provides
`layers`, `_forward(x, training)`, `_ensure_built(x)`, `output_shape`, `trainable_weights` and
the flat parameter vector (`_flat_values`, `_flat_grads`, `_segments`) the optimizer updates.
"""

from __future__ import annotations

import warnings

import numpy as np

from engine import losses, optimizers, training
from engine import metrics as metrics_module


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"`Model.{old}` is deprecated and will be removed in a future version. "
                  f"Please use {new}.", DeprecationWarning, stacklevel=3)


class Trainer:
    compiled = False
    optimizer = None
    loss = None
    loss_weights = None
    stop_training = False
    history = None

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1, jit_compile="auto",
                auto_scale_loss=True) -> None:
        """Set the optimizer, the loss and the metrics to report ('accuracy', 'mae', …)."""
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss) if loss is not None else None
        self._train_plan = None
        self.loss_weights = loss_weights
        if isinstance(metrics, str | metrics_module.Metric):
            metrics = [metrics]
        self._metric_specs = list(metrics or [])
        self.compiled_metrics = []
        self.compiled = True
        self.stop_training = False
        if self.built:
            self._pack_parameters()  # honour `trainable` changes made since the model was built

    @property
    def metrics_names(self) -> list[str]:
        """'loss', then the compiled metrics (known once fit or evaluate has seen the labels)."""
        return ["loss", *(m.name for m in getattr(self, "compiled_metrics", []))] if self.compiled else []

    def resolve_metrics(self, y) -> None:
        """Turn compile's metric names into Metric objects once label and output shapes are known."""
        if self.compiled_metrics or not self._metric_specs:
            return
        loss_name = getattr(self.loss, "name", "")
        self.compiled_metrics = [metrics_module.get(m, loss_name, np.shape(y), self.output_shape)
                                 for m in self._metric_specs]

    _train_plan = None

    def _make_train_plan(self) -> tuple:
        """What every batch of training repeats, worked out once per model and loss: (loss, fuse
        the last activation?, steps to backpropagate in order, regularized and constrained weights).

        The steps are the model's forward steps (`_steps`): layers, or a Conv2D and the
        MaxPooling2D after it run as one (see engine/layers/_conv_pool.py).
        """
        layers, loss = self._layers, self.loss
        steps = self._steps or layers
        activation = getattr(layers[-1], "activation", None)
        fused = activation is not None and getattr(activation, "name", None) == loss.fused_activation
        backward = list(reversed(steps[:-1] if fused else steps))
        regularized = [v for v in self.trainable_weights if v.regularizer is not None]
        constrained = [v for v in self.trainable_weights if v.constraint is not None]
        return loss, fused, backward, regularized, constrained

    def train_step(self, x: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        """Forward, loss, backward and one optimizer step on one batch; returns the batch loss.

        x: (batch, *input_shape[1:]) float32; y: the batch's targets; sample_weight: (batch,) or None.
        """
        plan = self._train_plan
        if plan is None or plan[0] is not self.loss:
            plan = self._train_plan = self._make_train_plan()
        _, fused, backward_layers, regularized, constrained = plan
        out = self._forward(x, training=True)
        loss, grad = self.loss.value_and_gradient(y, out, sample_weight, fused=fused)
        if fused:
            # softmax + cross-entropy and the like: the gradient with respect to the logits is simple.
            grad = self._layers[-1].backward(grad, through_activation=False)
        for layer in backward_layers:
            if grad is None:
                break
            grad = layer.backward(grad)
        for var in regularized:
            loss += var.regularizer(var.value)
            var.grad += var.regularizer.gradient(var.value)
        self.optimizer.apply(self._flat_values, self._flat_grads, self._segments)
        # As Keras 3: each constraint projects its weight after the step. In place, because the
        # value is a view into the flat vector the optimizer updates.
        for var in constrained:
            var.value[...] = var.constraint(var.value)
        for metric in self.compiled_metrics:
            metric.update_state(y, out, sample_weight)
        return float(loss)

    # --- the Keras surface ----------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns a History (`.history['loss']`, one value per epoch).

        x: arrays (n, …) with y (n, …), or a generator / Sequence of (x, y[, sample_weight])
        batches. validation_split holds out the LAST fraction of x, y before shuffling;
        validation_data is (x_val, y_val) or (x_val, y_val, sample_weight). verbose: 0 silent,
        1 a progress bar, 2 one line per epoch ('auto' is 1).
        """
        return training.fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split,
                            validation_data, shuffle, class_weight, sample_weight, initial_epoch,
                            steps_per_epoch, validation_steps, validation_batch_size, validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss, or [loss, *metrics] (a dict with return_dict=True), over x and y."""
        return training.evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks,
                                 return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None) -> np.ndarray:
        """Outputs for x, computed batch_size samples at a time: shape (n, *output_shape[1:])."""
        return training.predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        return training.train_on_batch(self, x, y, sample_weight, class_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return training.test_on_batch(self, x, y, sample_weight, return_dict)

    def predict_on_batch(self, x) -> np.ndarray:
        return self(x, training=False)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print the layer table and parameter counts in Keras 3's layout."""
        from engine.utils.summary_utils import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    # --- Keras 2 names, kept for old programs -------------------------------------------------
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1,
                      class_weight=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      shuffle=True, initial_epoch=0):
        _deprecated("fit_generator", "`Model.fit`, which supports generators")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        class_weight=class_weight, shuffle=shuffle and hasattr(generator, "__len__"),
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        _deprecated("evaluate_generator", "`Model.evaluate`, which supports generators")
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        _deprecated("predict_generator", "`Model.predict`, which supports generators")
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0) -> np.ndarray:
        """Class indices: argmax over the outputs, or output > 0.5 for one sigmoid unit."""
        warnings.warn("`model.predict_classes()` is deprecated (removed in Keras 2.6). Please use "
                      "instead: `np.argmax(model.predict(x), axis=-1)` for multi-class "
                      "classification, or `(model.predict(x) > 0.5).astype('int32')` for binary "
                      "classification.", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0) -> np.ndarray:
        warnings.warn("`model.predict_proba()` is deprecated (removed in Keras 2.6). Please use "
                      "`model.predict()` instead.", DeprecationWarning, stacklevel=2)
        return self.predict(x, batch_size=batch_size, verbose=verbose)
