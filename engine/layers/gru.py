"""GRU, with Keras 3's weight layout: gates z (update), r (reset), h (candidate) side by side in
kernel (features, 3·units) and recurrent_kernel (units, 3·units). The time loop is RNNBase's.

    z, r = recurrent_activation(x·Wz + h·Uz + b), (x·Wr + h·Ur + b)
    reset_after=True  (Keras' default, bias (2, 3·units): input bias, recurrent bias):
        hh = activation(x·Wh + bh_in + r·(h·Uh + bh_rec))
    reset_after=False (bias (3·units,)):
        hh = activation(x·Wh + bh + (r·h)·Uh)
    h_t = z·h_{t-1} + (1 − z)·hh
"""

from __future__ import annotations

import numpy as np

from engine import activations
from engine.layers.recurrent import RNNBase, activate
from engine.layers.registry import register


@register("GRU")
class GRU(RNNBase):
    """Gated recurrent unit: (batch, T, features) → (batch, units) or (batch, T, units)."""

    GATES = 3
    CELL_NAME = "gru_cell"

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid",
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 reset_after: bool = True, **kwargs) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self, bias):
        return bias[0] if self.reset_after else bias

    def _steps(self, xw, mask, rec_mask):
        steps, batch, _ = xw.shape
        u, recurrent = self.units, self.recurrent_kernel.value
        act, rec = self.activation, self.recurrent_activation
        rec_bias = self.bias.value[1] if self.use_bias and self.reset_after else None
        states = np.zeros((steps + 1, batch, u), xw.dtype)
        # reset_after: h·Uh + bh_rec, which r scales; otherwise r·h, which Uh multiplies.
        inner = np.empty((steps, batch, u), xw.dtype)
        u_zr, u_h = np.ascontiguousarray(recurrent[:, :2 * u]), np.ascontiguousarray(recurrent[:, 2 * u:])
        self._pre = np.empty_like(xw) if act.needs_input or rec.needs_input else None
        for t in range(steps):
            h = states[t] if rec_mask is None else states[t] * rec_mask
            x = xw[t]
            if self.reset_after:
                m = h @ recurrent
                if rec_bias is not None:
                    m += rec_bias
                x[:, :2 * u] += m[:, :2 * u]
                inner[t] = m[:, 2 * u:]
            else:
                x[:, :2 * u] += h @ u_zr
            if self._pre is not None:
                self._pre[t, :, :2 * u] = x[:, :2 * u]
            activate(rec, x[:, :2 * u])  # z, r
            r = x[:, u:2 * u]
            if self.reset_after:
                x[:, 2 * u:] += r * inner[t]
            else:
                np.multiply(r, h, out=inner[t])
                x[:, 2 * u:] += inner[t] @ u_h
            if self._pre is not None:
                self._pre[t, :, 2 * u:] = x[:, 2 * u:]
            hh = activate(act, x[:, 2 * u:])
            new = states[t + 1]
            np.subtract(states[t], hh, out=new)  # h = hh + z·(h_prev − hh)
            new *= x[:, :u]
            new += hh
            if mask is not None:
                np.copyto(new, states[t], where=~mask[t])
        self._states, self._gates, self._inner = states, xw, inner
        return states

    def _steps_backward(self, dseq, dlast):
        u, mask, rec_mask, pre = self.units, self._mask, self._rec_mask, self._pre
        states, gates, inner = self._states, self._gates, self._inner
        act, rec = self.activation, self.recurrent_activation
        recurrent = self.recurrent_kernel.value
        recurrent_t = np.ascontiguousarray(recurrent.T)  # (3·units, units); pieces by rows
        steps, batch, _ = gates.shape
        d_pre = np.empty_like(gates)  # gradient of x·kernel + input bias
        d_inner = np.empty_like(gates) if self.reset_after else None  # of h·U + recurrent bias
        dh = self._start_backward(dseq, dlast, batch, gates.dtype)
        for t in range(steps - 1, -1, -1):
            if dseq is not None:
                dh += dseq[t]
            if mask is not None:
                carry = dh * ~mask[t]
                dh = dh * mask[t]
            z, r, hh = (gates[t, :, k * u:(k + 1) * u] for k in range(3))
            d = d_pre[t]
            d_prev = dh * z
            np.multiply(dh, states[t] - hh, out=d[:, :u])  # dz
            d[:, 2 * u:] = act.backward(None if pre is None else pre[t, :, 2 * u:], hh,
                                        dh * (1 - z))
            d_cand = d[:, 2 * u:]
            if self.reset_after:
                np.multiply(d_cand, inner[t], out=d[:, u:2 * u])  # dr
            else:
                d_rh = d_cand @ recurrent_t[2 * u:]
                h = states[t] if rec_mask is None else states[t] * rec_mask
                np.multiply(d_rh, h, out=d[:, u:2 * u])  # dr
            d[:, :2 * u] = rec.backward(None if pre is None else pre[t, :, :2 * u],
                                        gates[t, :, :2 * u], d[:, :2 * u])
            if self.reset_after:
                di = d_inner[t]
                di[:, :2 * u] = d[:, :2 * u]
                np.multiply(d_cand, r, out=di[:, 2 * u:])
                dh = di @ recurrent_t
            else:
                dh = d[:, :2 * u] @ recurrent_t[:2 * u] + d_rh * r
            if rec_mask is not None:
                dh *= rec_mask
            dh += d_prev
            if mask is not None:
                dh += carry
        prev = self._recurrent_input(states)
        grad = self.recurrent_kernel.grad
        if self.reset_after:
            flat = d_inner.reshape(-1, 3 * u)
            grad[...] = prev.T @ flat
            if self.use_bias:
                np.sum(flat, axis=0, out=self.bias.grad[1])
        else:
            grad[:, :2 * u] = prev.T @ d_pre[:, :, :2 * u].reshape(-1, 2 * u)
            grad[:, 2 * u:] = inner.reshape(-1, u).T @ d_pre[:, :, 2 * u:].reshape(-1, u)
        return d_pre

    def get_config(self) -> dict:
        return {**self._rnn_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                **self._weights_config(), **self._regularizers_config(),
                "reset_after": self.reset_after, "seed": self.seed}
