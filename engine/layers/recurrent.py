"""Recurrent layers: the time loop shared by SimpleRNN (simple_rnn.py), LSTM (lstm.py) and GRU
(gru.py).

Input x is (batch, timesteps, features). Each layer keeps Keras 3's weights: kernel
(features, gates·units) for the input, recurrent_kernel (units, gates·units) for the previous
state, and a bias. The input part of every step is one matmul over all steps at once,
x·kernel + bias; only the recurrent part, h·recurrent_kernel, runs step by step, a Python loop
over time that is vectorised over the batch. Backpropagation through time walks the steps in
reverse and again leaves the big matmuls (kernel and recurrent_kernel gradients) to one call each.

Keras' semantics:
- go_backwards reads the steps last to first, and with return_sequences returns the outputs in
  that (reversed) order; the output mask stays the input's.
- A masked step (mask False) keeps the previous state, and outputs the previous output, or zeros
  with zero_output_for_mask=True (Bidirectional sets that when it returns sequences).
- dropout draws one mask per sequence over the input features, recurrent_dropout one over the
  state, both kept for all steps of a batch (Keras' variational dropout). Keras draws separate
  masks per gate when recurrent_dropout is set; here the gates share one.
- Every batch starts from a zero state: stateful=True and return_state=True (several outputs) do
  not fit a Sequential stack and are refused.
"""

from __future__ import annotations

import numpy as np

from engine import activations, backend, constraints, initializers, regularizers
from engine.layers.base import Layer, Shape
from engine.layers.masking import as_step_mask


def check_rate(name: str, value) -> float:
    if not isinstance(value, int | float | np.floating) or isinstance(value, bool) \
            or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a float in [0, 1). Received: {name}={value!r}")
    return float(value)


class RNNBase(Layer):
    """The shared part: hyperparameters, weights, masks, dropout and the time-major plumbing.

    Subclasses set GATES and CELL_NAME and implement `_steps(xw, mask, rec_mask)` (the forward
    loop, returning the states h_0..h_T as (T+1, batch, units)) and `_steps_backward(dseq,
    dlast)` (the reverse loop, returning the gradient of x·kernel + bias as (T, batch, gates·units)
    and writing recurrent_kernel's gradient and any recurrent bias').
    """

    GATES = 1
    CELL_NAME = "cell"
    supports_masking = True

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed=None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, zero_output_for_mask: bool = False, **kwargs) -> None:
        # tf.keras 2.x configs carry these; they choose implementations, not results.
        for legacy in ("implementation", "use_cudnn", "reset_dropout_mask"):
            kwargs.pop(legacy, None)
        if kwargs.pop("time_major", False):
            raise ValueError(f"{type(self).__name__}: time_major=True is not supported; inputs are "
                             "(batch, timesteps, features). Received: time_major=True")
        super().__init__(**kwargs)
        if not isinstance(units, int | np.integer) or isinstance(units, bool) or units <= 0:
            raise ValueError("Received an invalid value for argument `units`, expected a positive "
                             f"integer. Received: units={units}")
        if stateful:
            raise ValueError(f"{type(self).__name__}: stateful=True is not supported; every batch "
                             "starts from a zero state. Received: stateful=True")
        if return_state:
            raise ValueError(f"{type(self).__name__}: return_state=True returns several tensors, "
                             "which a Sequential model cannot pass on. Received: return_state=True")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.return_sequences, self.return_state = bool(return_sequences), False
        self.go_backwards, self.stateful = bool(go_backwards), False
        self.unroll, self.zero_output_for_mask = bool(unroll), bool(zero_output_for_mask)

    # --- weights ---------------------------------------------------------------------------
    def _bias_shape(self) -> tuple[int, ...]:
        return (self.GATES * self.units,)

    def build(self, input_shape: Shape) -> None:
        features = self._features(input_shape)
        width = self.GATES * self.units
        self.kernel = self.add_weight("kernel", (features, width), self.kernel_initializer,
                                      self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                self.recurrent_initializer,
                                                self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = (self.add_weight("bias", self._bias_shape(), self.bias_initializer,
                                     self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)
        super().build(input_shape)

    # Keras 3 keeps an RNN's weights in its cell: '…/lstm/lstm_cell/kernel' in .h5 files,
    # layers/lstm/cell/vars in .weights.h5 and .keras files (see engine/saving).
    def keras_weight_paths(self) -> list[str]:
        return [f"{self.CELL_NAME}/{var.name.split('/')[-1]}" for var in self.weights]

    def keras_weight_groups(self) -> list[tuple[str, str, list]]:
        return [("", self.name, []), ("cell", self.CELL_NAME, self.weights)]

    def _input_bias(self, bias: np.ndarray) -> np.ndarray:
        return bias

    # --- shapes and masks ------------------------------------------------------------------
    def _features(self, input_shape: Shape) -> int:
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise self.shape_error("a 3-D input (batch, timesteps, features) with known features",
                                   input_shape)
        if self.built and input_shape[-1] != self.kernel.shape[0]:
            raise self.shape_error(f"{self.kernel.shape[0]} features", input_shape)
        return int(input_shape[-1])

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        self._features(input_shape)
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def compute_mask(self, x: np.ndarray, mask=None):
        return mask if self.return_sequences else None

    # --- forward ---------------------------------------------------------------------------
    def _dropout_mask(self, shape: tuple[int, int], rate: float, dtype) -> np.ndarray:
        rng = self._rng or backend.rng()
        return (rng.random(shape) >= rate).astype(dtype) / dtype.type(1 - rate)

    def forward(self, x: np.ndarray, training: bool = False, mask=None) -> np.ndarray:
        """x (batch, T, features) → (batch, T, units) with return_sequences, else (batch, units)."""
        if x.ndim != 3:
            raise self.shape_error("a 3-D input (batch, timesteps, features)", x.shape)
        self._features(x.shape)
        mask = as_step_mask(mask, x, self.name)
        batch, steps, features = x.shape
        if steps == 0:
            raise ValueError(f"Layer '{self.name}' received a sequence with no timesteps.")
        dtype = np.result_type(x.dtype, self.kernel.value.dtype)
        order = slice(None, None, -1) if self.go_backwards else slice(None)
        xs = np.ascontiguousarray(x[:, order].transpose(1, 0, 2), dtype=dtype)  # (T, batch, f)
        self._in_mask = self._rec_mask = None
        if training and self.dropout:
            self._in_mask = self._dropout_mask((batch, features), self.dropout, dtype)
            xs *= self._in_mask
        if training and self.recurrent_dropout:
            self._rec_mask = self._dropout_mask((batch, self.units), self.recurrent_dropout, dtype)
        self._xs = xs
        xw = (xs.reshape(steps * batch, features) @ self.kernel.value).reshape(steps, batch, -1)
        if self.use_bias:
            xw += self._input_bias(self.bias.value)
        # (T, batch, 1) keep-flags in step order; None when nothing is masked.
        self._mask = None
        if mask is not None and not mask.all():
            self._mask = np.ascontiguousarray(mask[:, order].T[:, :, None])
        states = self._steps(xw, self._mask, self._rec_mask)
        outputs = states[1:]
        if self.zero_output_for_mask and self._mask is not None:
            outputs = outputs * self._mask
        if self.return_sequences:
            return np.ascontiguousarray(outputs.transpose(1, 0, 2))
        return outputs[-1].copy()

    # --- backward --------------------------------------------------------------------------
    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        xs = self._xs
        steps, batch, features = xs.shape
        dseq, dlast = None, None
        if self.return_sequences:
            dseq = np.ascontiguousarray(grad.transpose(1, 0, 2))
            if self.zero_output_for_mask and self._mask is not None:
                dseq = dseq * self._mask
        else:
            dlast = grad * self._mask[-1] if self.zero_output_for_mask and self._mask is not None \
                else grad
        dxw = self._steps_backward(dseq, dlast)  # (T, batch, gates·units)
        flat = dxw.reshape(steps * batch, -1)
        self.kernel.grad[...] = xs.reshape(steps * batch, features).T @ flat
        if self.use_bias:
            np.sum(flat, axis=0, out=self._input_bias(self.bias.grad))
        if not self.need_input_grad:
            return None
        dx = (flat @ np.ascontiguousarray(self.kernel.value.T)).reshape(steps, batch, features)
        if self._in_mask is not None:
            dx *= self._in_mask
        dx = dx.transpose(1, 0, 2)
        return np.ascontiguousarray(dx[:, ::-1] if self.go_backwards else dx)

    # --- helpers for the subclasses' loops ---------------------------------------------------
    def _recurrent_input(self, states: np.ndarray) -> np.ndarray:
        """h_0..h_{T-1} as the recurrent matmuls saw them (after recurrent dropout), flattened."""
        prev = states[:-1] if self._rec_mask is None else states[:-1] * self._rec_mask
        return prev.reshape(-1, self.units)

    def _start_backward(self, dseq, dlast, batch: int, dtype) -> np.ndarray:
        """The gradient reaching h_T: the last output's, or (with return_sequences) zeros that
        the loop adds dseq[t] to."""
        if dlast is not None:
            return np.array(dlast, dtype=dtype)
        return np.zeros((batch, self.units), dtype)

    # --- config ------------------------------------------------------------------------------
    def _rnn_config(self) -> dict:
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": False, "go_backwards": self.go_backwards, "stateful": False,
                "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask,
                "units": self.units, "activation": activations.serialize(self.activation)}

    def _weights_config(self) -> dict:
        return {"use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}

    def _regularizers_config(self) -> dict:
        return {"kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": None,
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout}


def activate(act, z: np.ndarray) -> np.ndarray:
    """act(z) written into z (in place when the activation can, else copied in).

    tanh and sigmoid, the defaults, take a short path: the step loop calls them thousands of times
    per epoch on small arrays, where each NumPy pass costs more in overhead than in arithmetic.
    """
    if act.name == "tanh":
        return np.tanh(z, out=z)
    if act.name == "sigmoid":  # sigmoid(z) = (1 + tanh(z/2)) / 2: four passes, no overflow
        z *= 0.5
        np.tanh(z, out=z)
        z *= 0.5
        z += 0.5
        return z
    y = act.forward(z, inplace=True)
    if y is not z:
        z[...] = y
    return z

