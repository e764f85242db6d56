"""Image files as model inputs, for `hornbook predict`.

An image is read with Pillow, converted to grey or RGB as the model's input has 1 or 3 channels,
and resized to the model's input size. MNIST-style models (28x28, one channel) were trained on
light digits on a dark background; a photo or scan usually has dark ink on light paper, so such an
image is inverted when its border (the outermost pixel ring, where paper shows) is brighter than
mid-grey.
"""

from __future__ import annotations

import math
import os

import numpy as np
from PIL import Image, UnidentifiedImageError

from gui.cli.common import CliError

MNIST_SIDE = 28


def image_geometry(input_shape: tuple) -> tuple[int, int, int]:
    """(height, width, channels) of the images a model with this input shape takes.

    (None, 28, 28) and (None, 28, 28, 1) -> (28, 28, 1); (None, 32, 32, 3) -> (32, 32, 3);
    a flat (None, 784) is taken as a square grey image and (None, 3072) as a square RGB one.
    """
    dims = tuple(input_shape[1:])
    if len(dims) == 3 and dims[2] in (1, 3) and dims[0] and dims[1]:
        return int(dims[0]), int(dims[1]), int(dims[2])
    if len(dims) == 2 and dims[0] and dims[1]:
        return int(dims[0]), int(dims[1]), 1
    if len(dims) == 1 and dims[0]:
        for channels in (1, 3):
            side = math.isqrt(dims[0] // channels)
            if side * side * channels == dims[0]:
                return side, side, channels
    raise CliError(f"The model's input shape {dims} is not an image (height, width[, 1 or 3 "
                   "channels]), so images cannot be fed to it.")


def read_image(path: str, geometry: tuple[int, int, int]) -> np.ndarray:
    """The image at `path` as float32 (height, width, channels) in 0..1 for the model."""
    height, width, channels = geometry
    if not os.path.isfile(path):
        raise CliError(f"{path}: no such image file.")
    try:
        with Image.open(path) as image:
            image = image.convert("L" if channels == 1 else "RGB")
            if image.size != (width, height):
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            pixels = np.asarray(image, dtype=np.float32)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CliError(f"{path}: not a readable image ({exc}).") from exc
    if channels == 1 and (height, width) == (MNIST_SIDE, MNIST_SIDE) and _light_background(pixels):
        pixels = 255.0 - pixels
    return pixels.reshape(height, width, channels) / np.float32(255.0)


def _light_background(grey: np.ndarray) -> bool:
    border = np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]])
    return float(border.mean()) > 127.5
