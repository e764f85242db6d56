"""`model.summary()` in Keras 3's layout: a box-drawn table, then parameter counts and sizes.

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
    │ dense (Dense)                        │ (None, 64)                  │          50,240 │
    ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
    │ dense_1 (Dense)                      │ (None, 10)                  │             650 │
    └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
     Total params: 50,890 (198.79 KB)
     Trainable params: 50,890 (198.79 KB)
     Non-trainable params: 0 (0.00 B)

Keras draws this with the `rich` library; the column arithmetic below reproduces its result
(each column gets its share of `line_length`, then padding and borders are taken back evenly).
"""

from __future__ import annotations

import math
import re
import shutil

import numpy as np

from engine.utils.text_table import render_table

_BYTES_PER_PARAM = 4  # float32


def count_params(weights) -> int:
    return int(sum(math.prod(v.shape) for v in weights))


def readable_memory_size(size: float) -> str:
    """Bytes as '198.79 KB': powers of 1024, two decimals, as Keras prints them."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def optimizer_variable_count(optimizer) -> int | None:
    """Numbers the optimizer keeps (moments, momentum, …, plus its step count and learning rate);
    None until its first step allocates them, as Keras shows 'Optimizer params' only once built."""
    if optimizer is None or getattr(optimizer, "_built_size", -1) < 0:
        return None
    state = [v for k, v in vars(optimizer).items()
             if isinstance(v, np.ndarray) and "scratch" not in k]  # scratch buffers are not state
    return 2 + sum(v.size for v in state)


def format_shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def summary_rows(model) -> list[tuple[str, str, int]]:
    """(name and type, output shape, parameter count) per layer; shape '?' before a build."""
    rows = []
    shape = model.input_shape if getattr(model, "_input_layer", None) is not None else None
    for layer in model.layers:
        shape = layer.compute_output_shape(shape) if shape is not None else None
        rows.append((f"{layer.name} ({type(layer).__name__})",
                     format_shape(shape) if shape is not None else "?", layer.count_params()))
    return rows


def _layer_bounds(layers, layer_range) -> tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(isinstance(n, str) for n in layer_range):
        raise ValueError("layer_range must be a list or tuple of 2 strings (layer names or "
                         f"patterns). Received: layer_range={layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError("Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def summary_text(model, line_length: int | None = None, positions=None, show_trainable: bool = False,
                 layer_range=None) -> str:
    """The whole summary as one string ending in a newline."""
    default_length = 88 + (12 if show_trainable else 0)
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    positions = list(positions or [0.45, 0.80, 1.0])
    if positions and positions[-1] > 1:  # Keras 2 style absolute positions
        positions = [p / line_length for p in positions]
    header = ["Layer (type)", "Output Shape", "Param #"]
    align = ["left", "left", "right"]
    if show_trainable:
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")

    layers = model.layers
    start, stop = _layer_bounds(layers, layer_range)
    built = model.built or getattr(model, "_input_layer", None) is not None
    rows = []
    for layer, (name, shape, params) in zip(layers[start:stop], summary_rows(model)[start:stop],
                                            strict=True):
        row = [name, shape, f"{params:,}" if built else "0 (unbuilt)"]
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        rows.append(row)

    trainable = count_params(model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    optimizer_count = optimizer_variable_count(getattr(model, "optimizer", None))
    total = trainable + non_trainable + (optimizer_count or 0)
    lines = [f'Model: "{model.name}"', *render_table(header, rows, align, positions, line_length)]

    def count_line(label: str, count: int) -> str:
        return f" {label}: {count:,} ({readable_memory_size(count * _BYTES_PER_PARAM)})"

    lines += [count_line("Total params", total), count_line("Trainable params", trainable),
              count_line("Non-trainable params", non_trainable)]
    if optimizer_count is not None:
        lines.append(count_line("Optimizer params", optimizer_count))
    return "\n".join(lines) + "\n"


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None) -> None:
    """Print the summary; `print_fn` (if given) receives the whole text in one call, as in Keras 3."""
    text = summary_text(model, line_length, positions, show_trainable, layer_range)
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)
