"""A hand-written NumPy CNN for bench_cnn.py when PyTorch is absent: the textbook way.

im2col through `sliding_window_view` and one matrix product per convolution, col2im by a loop over
kernel taps, 2×2 max pooling by reshaping, Adam — written straight, without the engine's cache
blocking or buffer reuse. It is the baseline a reader would write, not a tuned competitor.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# (kind, argument): conv → (filters, 'same'?), dense → units
ARCHS = {
    "mnist": [("conv", (32, False)), ("pool", None), ("conv", (64, False)), ("pool", None),
              ("flatten", None), ("dense", 128), ("dropout", 0.5), ("dense", 10)],
    "cifar": [("conv", (32, True)), ("conv", (32, True)), ("pool", None), ("conv", (64, True)),
              ("conv", (64, True)), ("pool", None), ("flatten", None), ("dense", 256),
              ("dense", 10)],
}
INPUTS = {"mnist": (28, 28, 1), "cifar": (32, 32, 3)}


class NumpyCNN:
    def __init__(self, which: str, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.arch, self.params, shape = ARCHS[which], [], INPUTS[which]
        for kind, arg in self.arch:
            if kind == "conv":
                fan_in, fan_out = 9 * shape[2], 9 * arg[0]
                w = self._glorot((9 * shape[2], arg[0]), fan_in, fan_out)
                self.params.append([w, np.zeros(arg[0], np.float32)])
                shape = (shape[0] - (0 if arg[1] else 2), shape[1] - (0 if arg[1] else 2), arg[0])
            elif kind == "pool":
                shape = (shape[0] // 2, shape[1] // 2, shape[2])
            elif kind == "flatten":
                shape = (int(np.prod(shape)),)
            elif kind == "dense":
                self.params.append([self._glorot((shape[0], arg), shape[0], arg),
                                    np.zeros(arg, np.float32)])
                shape = (arg,)
        flat = [p for pair in self.params for p in pair]
        self.m = [np.zeros_like(p) for p in flat]
        self.v = [np.zeros_like(p) for p in flat]
        self.t = 0

    def _glorot(self, shape, fan_in, fan_out) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return self.rng.uniform(-limit, limit, shape).astype(np.float32)

    def train_step(self, x: np.ndarray, y: np.ndarray) -> float:
        caches, grads, k = [], [], 0
        for kind, arg in self.arch:  # forward
            if kind == "conv":
                w, b = self.params[k]
                xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))) if arg[1] else x
                cols = sliding_window_view(xp, (3, 3), axis=(1, 2))  # (n, oh, ow, c, 3, 3)
                n, oh, ow = cols.shape[:3]
                cols = cols.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, -1)
                out = np.maximum(cols @ w + b, 0)
                caches.append((cols, out, xp.shape, arg[1]))
                x, k = out.reshape(n, oh, ow, -1), k + 1
            elif kind == "pool":
                n, h, w_, c = x.shape
                blocks = x[:, :h // 2 * 2, :w_ // 2 * 2].reshape(n, h // 2, 2, w_ // 2, 2, c)
                out = blocks.max(axis=(2, 4))
                caches.append((blocks == out[:, :, None, :, None], x.shape))
                x = out
            elif kind == "flatten":
                caches.append(x.shape)
                x = x.reshape(len(x), -1)
            elif kind == "dropout":
                mask = (self.rng.random(x.shape, dtype=np.float32) >= arg) / np.float32(1 - arg)
                caches.append(mask)
                x = x * mask
            else:
                w, b = self.params[k]
                z = x @ w + b
                out = None if k == len(self.params) - 1 else np.maximum(z, 0)
                caches.append((x, out))
                x, k = (z if out is None else out), k + 1
        x = x - x.max(axis=1, keepdims=True)  # softmax + cross-entropy
        p = np.exp(x)
        p /= p.sum(axis=1, keepdims=True)
        loss = float(-np.log(p[np.arange(len(y)), y] + 1e-7).mean())
        g = p
        g[np.arange(len(y)), y] -= 1
        g /= len(y)
        for (kind, _arg), cache in zip(reversed(self.arch), reversed(caches), strict=True):
            if kind == "dense":
                k -= 1
                xin, out = cache
                if out is not None:
                    g = g * (out > 0)
                grads.append((xin.T @ g, g.sum(axis=0)))
                g = g @ self.params[k][0].T
            elif kind == "dropout":
                g = g * cache
            elif kind == "flatten":
                g = g.reshape(cache)
            elif kind == "pool":
                mask, shape = cache
                full = np.zeros(shape, np.float32)
                n, h, w_, c = shape
                full[:, :h // 2 * 2, :w_ // 2 * 2] = (mask * g[:, :, None, :, None]).reshape(
                    n, h // 2 * 2, w_ // 2 * 2, c)
                g = full
            else:
                k -= 1
                cols, out, xp_shape, same = cache
                gz = g.reshape(len(cols), -1) * (out > 0)
                w = self.params[k][0]
                grads.append((cols.T @ gz, gz.sum(axis=0)))
                if k == 0:
                    break
                dcols = (gz @ w.T).reshape(*g.shape[:3], 3, 3, -1)
                dxp = np.zeros(xp_shape, np.float32)
                oh, ow = g.shape[1:3]
                for i in range(3):
                    for j in range(3):
                        dxp[:, i:i + oh, j:j + ow] += dcols[:, :, :, i, j]
                g = dxp[:, 1:-1, 1:-1] if same else dxp
        self._adam([p for pair in reversed(grads) for p in pair])
        return loss

    def _adam(self, grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7) -> None:
        self.t += 1
        step = lr * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        flat = [p for pair in self.params for p in pair]
        for p, g, m, v in zip(flat, grads, self.m, self.v, strict=True):
            m += (1 - b1) * (g - m)
            v += (1 - b2) * (g * g - v)
            p -= step * m / (np.sqrt(v) + eps)

    def steps(self, xs, ys):
        state = {"i": 0}

        def step() -> float:
            i = state["i"] = (state["i"] + 1) % len(xs)
            return self.train_step(xs[i], ys[i])
        return step
