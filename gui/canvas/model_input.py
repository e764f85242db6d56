"""What one sample of a model's input looks like as a picture, how to hand a picture over, and
how to read the answer as class probabilities.

Qt-free. Image models in Hornbook take float32 pixels in 0..1 (the data panel scales uint8 images
by 1/255), laid out as the model's `input_shape` says: (784,) for a flat MNIST MLP, (28, 28) or
(28, 28, 1) for grey images, (32, 32, 3) for CIFAR-10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gui.canvas.preprocess import MNIST_SIZE

DIGIT_NAMES = [str(d) for d in range(10)]


@dataclass(frozen=True)
class ImageInput:
    """A model's per-sample input seen as an image of height × width × channels (1 or 3)."""

    sample_shape: tuple[int, ...]  # model.input_shape without the batch axis
    height: int
    width: int
    channels: int

    @property
    def drawable(self) -> bool:
        """True for one 28×28 grey image: what the canvas and its MNIST-style preprocessing make."""
        return (self.height, self.width, self.channels) == (MNIST_SIZE, MNIST_SIZE, 1)

    def describe(self) -> str:
        kind = "grey" if self.channels == 1 else "colour"
        return f"{self.height}×{self.width} {kind}"

    def batch(self, image: np.ndarray) -> np.ndarray:
        """One image (height, width) or (height, width, channels), 0..1, as a batch of one in the
        model's layout: float32 (1, *sample_shape)."""
        arr = np.asarray(image, dtype=np.float32)
        return arr.reshape((1, *self.sample_shape))


def image_input_for(model: Any) -> ImageInput:
    """How `model` takes an image; raises ValueError saying what it takes instead."""
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple | list) or len(shape) < 2:
        raise ValueError(f"this model has no single input shape ({shape!r})")
    sample = tuple(shape[1:])
    if any(not isinstance(d, int) or d <= 0 for d in sample):
        raise ValueError(f"this model takes input {tuple(shape)}; predicting needs a fixed "
                         "image size")
    if sample == (MNIST_SIZE * MNIST_SIZE,):
        return ImageInput(sample, MNIST_SIZE, MNIST_SIZE, 1)
    if len(sample) == 2:
        return ImageInput(sample, sample[0], sample[1], 1)
    if len(sample) == 3 and sample[2] in (1, 3):
        return ImageInput(sample, sample[0], sample[1], sample[2])
    raise ValueError(f"this model takes input {tuple(shape)}, not an image: the predict view "
                     "needs (None, 784), (None, height, width), (None, height, width, 1) or "
                     "(None, height, width, 3)")


def reads_digits(target: ImageInput, class_names: Sequence[str] | None) -> bool:
    """True for an MNIST-style digit model: 28×28 grey, classes 0..9 (or unnamed)."""
    return target.drawable and (class_names is None or list(class_names) == DIGIT_NAMES)


def as_probabilities(out: np.ndarray) -> tuple[np.ndarray, str]:
    """Model outputs as probabilities to draw as bars, plus a note when they had to be made so."""
    if not np.all(np.isfinite(out)):
        raise ValueError("model returned NaN or infinite values")
    if out.size == 1 and 0.0 <= out[0] <= 1.0:  # one sigmoid unit: P(class 1)
        return np.array([1.0 - out[0], out[0]]), ""
    if out.min() >= 0.0 and abs(out.sum() - 1.0) <= 1e-3:
        return out, ""
    shifted = np.exp(out - out.max())  # logits (no softmax at the end): show their softmax
    return shifted / shifted.sum(), " (softmax of the outputs)"
