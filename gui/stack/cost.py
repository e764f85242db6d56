"""What a stack costs: multiply-adds per sample and memory, computed from shapes alone.

Multiply-adds (MACs) count the weight products of Dense and convolution layers; recurrent layers
count their gate products per step; element-wise layers (activations, normalization) count one per
output value; reshaping, pooling and dropout count none. Memory is float32: 4 bytes a value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gui.stack.layer_spec import LayerSpec
from gui.stack.validation import LayerCheck

BYTES_PER_VALUE = 4  # float32
_ELEMENTWISE = {"Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "BatchNormalization"}
_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _size(shape: tuple | None) -> int:
    """Values per sample: the product of all axes but the batch."""
    return math.prod(d or 0 for d in shape[1:]) if shape else 0


def _pair(value, default=1) -> tuple[int, int]:
    if value is None:
        return default, default
    if isinstance(value, int):
        return value, value
    return tuple(value)[0], tuple(value)[-1]


def _rnn_macs(class_name: str, config: dict, inp: tuple) -> int:
    units, features, steps = config.get("units", 0), inp[-1] or 0, inp[1] or 0
    return _GATES[class_name] * steps * (features * units + units * units)


def layer_macs(spec: LayerSpec, check: LayerCheck) -> int:
    """Multiply-adds for one sample through this layer; 0 when its shape is unknown."""
    inp, out, config = check.input_shape, check.output_shape, spec.config
    if inp is None or out is None:
        return 0
    name = spec.class_name
    if name == "Dense":
        return _size(out) * (inp[-1] or 0)  # each output value is a dot product over the last axis
    if name == "Conv2D":
        kh, kw = _pair(config.get("kernel_size"))
        groups = config.get("groups", 1) or 1
        return kh * kw * ((inp[-1] or 0) // groups) * _size(out)
    if name == "Conv1D":
        k = _pair(config.get("kernel_size"))[0]
        groups = config.get("groups", 1) or 1
        return k * ((inp[-1] or 0) // groups) * _size(out)
    if name in _GATES:
        return _rnn_macs(name, config, inp)
    if name == "Bidirectional":
        inner = config.get("layer", {})
        if inner.get("class_name") in _GATES:
            return 2 * _rnn_macs(inner["class_name"], inner.get("config", {}), inp)
        return 0
    if name in _ELEMENTWISE:
        return _size(out)
    return 0


@dataclass
class StackCost:
    macs: list[int]                 # per layer, one sample
    params: int
    activation_values: int          # output values of all layers, one sample

    @property
    def total_macs(self) -> int:
        return sum(self.macs)

    @property
    def weight_bytes(self) -> int:
        return self.params * BYTES_PER_VALUE

    def activation_bytes(self, batch_size: int, training: bool) -> int:
        """Layer outputs for one batch; training keeps as many gradients again (×2)."""
        return self.activation_values * batch_size * BYTES_PER_VALUE * (2 if training else 1)


def stack_cost(specs: list[LayerSpec], checks: list[LayerCheck]) -> StackCost:
    pairs = list(zip(specs, checks, strict=False))
    return StackCost([layer_macs(s, c) for s, c in pairs], sum(c.params for c in checks),
                     sum(_size(c.output_shape) for c in checks))


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"


def human_count(n: int) -> str:
    """12,345,678 → '12.3 M': multiply-adds are read by their size, not their digits."""
    for value, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= value:
            return f"{n / value:.1f}{suffix}"
    return str(n)
