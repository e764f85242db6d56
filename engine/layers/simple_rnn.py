"""SimpleRNN, the plain recurrent layer: h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel
+ bias), with Keras 3's weights kernel (features, units), recurrent_kernel (units, units) and bias
(units,). The time loop is RNNBase's (recurrent.py)."""

from __future__ import annotations

import numpy as np

from engine.layers.recurrent import RNNBase, activate
from engine.layers.registry import register


@register("SimpleRNN")
class SimpleRNN(RNNBase):
    """h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel + bias); the output is h."""

    GATES = 1
    CELL_NAME = "simple_rnn_cell"

    def _steps(self, xw, mask, rec_mask):
        steps, batch, _ = xw.shape
        recurrent, act = self.recurrent_kernel.value, self.activation
        states = np.zeros((steps + 1, batch, self.units), xw.dtype)
        self._pre = np.empty_like(xw) if act.needs_input else None
        for t in range(steps):
            h = states[t] if rec_mask is None else states[t] * rec_mask
            a = xw[t]
            a += h @ recurrent
            if self._pre is not None:
                self._pre[t] = a
            activate(act, a)  # xw[t] now holds the step's new state
            if mask is None:
                states[t + 1] = a
            else:
                np.copyto(states[t + 1], np.where(mask[t], a, states[t]))
        self._states, self._new = states, xw
        return states

    def _steps_backward(self, dseq, dlast):
        states, new, mask, rec_mask = self._states, self._new, self._mask, self._rec_mask
        recurrent_t = np.ascontiguousarray(self.recurrent_kernel.value.T)
        act, pre = self.activation, self._pre
        d_pre = np.empty_like(new)
        dh = self._start_backward(dseq, dlast, new.shape[1], new.dtype)
        for t in range(len(new) - 1, -1, -1):
            if dseq is not None:
                dh += dseq[t]
            if mask is not None:
                carry = dh * ~mask[t]  # a masked step passed h_{t-1} straight through
                dh = dh * mask[t]
            d_pre[t] = act.backward(None if pre is None else pre[t], new[t], dh)
            dh = d_pre[t] @ recurrent_t
            if rec_mask is not None:
                dh *= rec_mask
            if mask is not None:
                dh += carry
        self.recurrent_kernel.grad[...] = self._recurrent_input(states).T @ d_pre.reshape(
            -1, self.units)
        return d_pre

    def get_config(self) -> dict:
        return {**self._rnn_config(), **self._weights_config(), **self._regularizers_config()}
