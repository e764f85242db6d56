"""What a CNN's convolutions see, as image mosaics (Qt-free; the widget is feature_maps.py).

`conv_outputs` runs an engine model's layers one by one on one input and keeps each Conv2D's output;
`first_filters` reads the first Conv2D's kernel. `mosaic` tiles a stack of small images into one RGB
picture with thin separators, so a layer's 32 or 64 maps become a single image to paint.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.layers.convolutional import Conv2D
from engine.models import training_cast

#: Colour of the lines between tiles: a slate blue, distinct from every grey a tile can hold
#: (black maps, white strokes, mid-grey zero weights).
GAP_RGB = (70, 90, 130)


def conv_layers(model: Any) -> list[Any]:
    """The model's Conv2D layers in order; [] for a model without them or without `layers`."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list | tuple):
        return []
    return [layer for layer in layers if isinstance(layer, Conv2D)]


def conv_outputs(model: Any, x: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(layer name, maps (height, width, filters)) for each Conv2D, for one input batch `x` of 1.

    Runs the layers only up to the last convolution, in inference mode.
    """
    wanted = conv_layers(model)
    if not wanted:
        return []
    last = wanted[-1]
    out: list[tuple[str, np.ndarray]] = []
    h = training_cast(x)
    for layer in model.layers:
        h = layer.forward(h, training=False)
        if isinstance(layer, Conv2D):
            maps = h[0]
            if getattr(layer, "data_format", "channels_last") == "channels_first":
                maps = np.moveaxis(maps, 0, -1)
            # A copy: layers may reuse their output buffers on the next call.
            out.append((layer.name, np.array(maps, dtype=np.float32)))
        if layer is last:
            break
    return out


def first_filters(model: Any) -> np.ndarray | None:
    """The first Conv2D's kernel, (kernel_h, kernel_w, in_channels, filters), or None."""
    layers = conv_layers(model)
    if not layers or getattr(layers[0], "kernel", None) is None:
        return None
    return np.array(layers[0].kernel.value, dtype=np.float32)


def map_tiles(maps: np.ndarray) -> np.ndarray:
    """Feature maps (h, w, n) as n grey tiles (n, h, w, 3) in 0..1, one scale for the whole layer
    so a weakly firing filter looks dim next to a strong one."""
    lo, hi = min(0.0, float(maps.min())), float(maps.max())
    scaled = (maps - lo) / (hi - lo) if hi - lo > 1e-12 else np.zeros_like(maps)
    tiles = np.moveaxis(scaled, -1, 0)
    return np.repeat(tiles[..., None], 3, axis=-1)


def filter_tiles(kernel: np.ndarray) -> np.ndarray:
    """First-layer kernels (kh, kw, c, n) as n tiles (n, kh, kw, 3) in 0..1: colour when the layer
    reads RGB, else grey from the first input channel. Each filter is scaled on its own around
    mid grey, so positive weights are light and negative dark."""
    k = kernel[:, :, :3, :] if kernel.shape[2] >= 3 else kernel[:, :, :1, :]
    peak = np.abs(k).max(axis=(0, 1, 2), keepdims=True)
    scaled = 0.5 + 0.5 * k / np.where(peak > 1e-12, peak, 1.0)
    tiles = np.moveaxis(scaled, -1, 0)  # (n, kh, kw, c)
    return tiles if tiles.shape[-1] == 3 else np.repeat(tiles, 3, axis=-1)


def mosaic(tiles: np.ndarray, columns: int | None = None) -> np.ndarray:
    """Tiles (n, h, w, 3) in 0..1 as one uint8 RGB image with 1 px separators around each."""
    n, h, w, _ = tiles.shape
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / columns))
    out = np.empty((rows * (h + 1) + 1, columns * (w + 1) + 1, 3), np.uint8)
    out[:] = GAP_RGB
    pixels = np.round(np.clip(tiles, 0.0, 1.0) * 255.0).astype(np.uint8)
    for i in range(n):
        r, c = divmod(i, columns)
        out[1 + r * (h + 1): 1 + r * (h + 1) + h, 1 + c * (w + 1): 1 + c * (w + 1) + w] = pixels[i]
    return out
