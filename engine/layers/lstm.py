"""LSTM, with Keras 3's weight layout: gates i, f, c, o side by side in kernel (features, 4·units),
recurrent_kernel (units, 4·units) and bias (4·units,). The time loop is RNNBase's (recurrent.py).

    z = x_t·kernel + h_{t-1}·recurrent_kernel + bias
    i, f, o = recurrent_activation(z_i), (z_f), (z_o);  g = activation(z_c)
    c_t = f·c_{t-1} + i·g;   h_t = o·activation(c_t)
"""

from __future__ import annotations

import numpy as np

from engine import activations
from engine.layers.recurrent import RNNBase, activate
from engine.layers.registry import register


@register("LSTM")
class LSTM(RNNBase):
    """Long short-term memory: (batch, T, features) → (batch, units) or (batch, T, units).

    unit_forget_bias=True starts the forget gate's bias at 1, as Keras does.
    """

    GATES = 4
    CELL_NAME = "lstm_cell"

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, **kwargs) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def build(self, input_shape):
        super().build(input_shape)
        if self.use_bias and self.unit_forget_bias:
            self.bias.value[self.units:2 * self.units] = 1.0

    def _gate_constants(self, dtype) -> tuple[np.ndarray, np.ndarray]:
        """With Keras' default activations (sigmoid gates, tanh candidate) all four gates take one
        tanh over the whole (batch, 4·units) block: sigmoid(z) = tanh(z/2)/2 + 1/2, so a per-column
        scale (1/2 for i, f, o and 1 for g) goes before and after the tanh and a shift after."""
        u = self.units
        scale = np.full(4 * u, 0.5, dtype)
        scale[2 * u:3 * u] = 1.0
        shift = np.full(4 * u, 0.5, dtype)
        shift[2 * u:3 * u] = 0.0
        return scale, shift

    def _fused(self) -> bool:
        return self.activation.name == "tanh" and self.recurrent_activation.name == "sigmoid"

    def _steps(self, xw, mask, rec_mask):
        steps, batch, _ = xw.shape
        u, recurrent = self.units, self.recurrent_kernel.value
        act, rec = self.activation, self.recurrent_activation
        fused = self._fused()
        scale, shift = self._gate_constants(xw.dtype)
        states = np.zeros((steps + 1, batch, u), xw.dtype)
        cells = np.zeros_like(states)
        cell_act = np.empty((steps, batch, u), xw.dtype)  # activation(c_t) before masking
        self._pre = np.empty_like(xw) if act.needs_input or rec.needs_input else None
        for t in range(steps):
            h = states[t] if rec_mask is None else states[t] * rec_mask
            z = xw[t]
            z += h @ recurrent
            if self._pre is not None:
                self._pre[t] = z
            if fused:
                z *= scale
                np.tanh(z, out=z)
                z *= scale
                z += shift
            else:
                activate(rec, z[:, :2 * u])
                activate(act, z[:, 2 * u:3 * u])
                activate(rec, z[:, 3 * u:])  # xw[t] now holds the gates i, f, g, o
            c = cells[t + 1]
            np.multiply(z[:, u:2 * u], cells[t], out=c)
            c += z[:, :u] * z[:, 2 * u:3 * u]
            np.copyto(cell_act[t], c)
            activate(act, cell_act[t])
            np.multiply(z[:, 3 * u:], cell_act[t], out=states[t + 1])
            if mask is not None:  # masked rows keep the previous state and carry
                np.copyto(cells[t + 1], cells[t], where=~mask[t])
                np.copyto(states[t + 1], states[t], where=~mask[t])
        self._states, self._cells, self._cell_act, self._gates = states, cells, cell_act, xw
        return states

    def _steps_backward(self, dseq, dlast):
        u, mask, rec_mask = self.units, self._mask, self._rec_mask
        states, cells, cell_act, gates, pre = (self._states, self._cells, self._cell_act,
                                               self._gates, self._pre)
        act, rec = self.activation, self.recurrent_activation
        fused = self._fused()
        # d gate / d pre-activation from the gate values: y(1 − y) for sigmoid, 1 − y² for tanh,
        # i.e. y·(ones − y) + zeros with ones = 1 except 0 on g, zeros = 0 except 1 on g.
        ones = np.ones(4 * u, gates.dtype)
        ones[2 * u:3 * u] = 0
        zeros = 1 - ones
        recurrent_t = np.ascontiguousarray(self.recurrent_kernel.value.T)
        steps, batch, _ = gates.shape
        d_pre = np.empty_like(gates)
        dh = self._start_backward(dseq, dlast, batch, gates.dtype)
        dc = np.zeros_like(dh)
        for t in range(steps - 1, -1, -1):
            if dseq is not None:
                dh += dseq[t]
            if mask is not None:  # a masked step passed h and c straight through
                carry_h, carry_c = dh * ~mask[t], dc * ~mask[t]
                dh, dc = dh * mask[t], dc * mask[t]
            y = gates[t]
            i, f, g, o = (y[:, k * u:(k + 1) * u] for k in range(4))
            d = d_pre[t]
            np.multiply(dh, cell_act[t], out=d[:, 3 * u:])  # through o
            dc = dc + act.backward(None if pre is None else cells[t + 1], cell_act[t], dh * o)
            np.multiply(dc, g, out=d[:, :u])
            np.multiply(dc, cells[t], out=d[:, u:2 * u])
            np.multiply(dc, i, out=d[:, 2 * u:3 * u])
            dc = dc * f
            if fused:
                slope = ones - y
                slope *= y
                slope += zeros
                d *= slope
            else:
                for part, fn in ((slice(0, 2 * u), rec), (slice(2 * u, 3 * u), act),
                                 (slice(3 * u, 4 * u), rec)):
                    d[:, part] = fn.backward(None if pre is None else pre[t, :, part],
                                             y[:, part], d[:, part])
            dh = d @ recurrent_t
            if rec_mask is not None:
                dh *= rec_mask
            if mask is not None:
                dh += carry_h
                dc += carry_c
        self.recurrent_kernel.grad[...] = self._recurrent_input(states).T @ d_pre.reshape(-1, 4 * u)
        return d_pre

    def get_config(self) -> dict:
        return {**self._rnn_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                **self._weights_config(), "unit_forget_bias": self.unit_forget_bias,
                **self._regularizers_config(), "seed": self.seed}
