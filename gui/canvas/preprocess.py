"""Turn a free-hand drawing into a 28x28 MNIST-style image.

Deliberately free of Qt (NumPy + Pillow only) so it can be unit-tested and reused
headless. The steps follow how MNIST itself was built from NIST: crop to the ink,
fit the longer side into a 20x20 box keeping the aspect ratio (antialiased), then place
the result in a 28x28 field so the intensity centre of mass sits at the centre.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

MNIST_SIZE = 28
#: Longer side of the digit after scaling; MNIST leaves a 4 px margin around it.
DIGIT_BOX = 20
#: Intensities at or below this (0..255 scale) count as background. Half a grey level,
#: so values that would round to 0 in uint8 never extend the bounding box.
INK_THRESHOLD = 0.5


def _as_float_image(image: np.ndarray) -> np.ndarray:
    """Validate a 2-D drawing and return it as float32 in 0..255, shape (H, W)."""
    arr = np.asarray(image)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image, got shape {arr.shape}")
    return np.clip(arr.astype(np.float32, copy=False), 0.0, 255.0)


def is_blank(image: np.ndarray) -> bool:
    """True when a 2-D drawing (H, W), 0..255, has no ink above the background."""
    return not bool(np.any(_as_float_image(image) > INK_THRESHOLD))


def _center_of_mass(img: np.ndarray) -> tuple[float, float]:
    """Intensity-weighted (row, col) centre of a non-empty 2-D array."""
    total = float(img.sum())
    rows = np.arange(img.shape[0], dtype=np.float64)
    cols = np.arange(img.shape[1], dtype=np.float64)
    return (
        float(img.sum(axis=1) @ rows) / total,
        float(img.sum(axis=0) @ cols) / total,
    )


def _fit_to_box(crop: np.ndarray) -> np.ndarray:
    """Scale a cropped digit (h, w) so its longer side is DIGIT_BOX px; returns (h', w')."""
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)
    new_w = max(1, round(w * scale))
    new_h = max(1, round(h * scale))
    # Shrinking (the usual case: a ~200 px drawing to 20 px) uses Pillow's BOX filter,
    # i.e. each output pixel is the mean of the input area it covers. That is exactly
    # the grey-level antialiasing MNIST got when its bilevel NIST digits were
    # size-normalised: soft 1-2 px edges, no overshoot. LANCZOS is sharper but its
    # negative lobes leave faint halos/ringing around strokes that MNIST never has.
    # Enlarging a tiny scribble would turn BOX into blocky nearest-neighbour, so
    # bilinear is used there instead.
    resample = Image.Resampling.BOX if scale <= 1.0 else Image.Resampling.BILINEAR
    # A float32 array becomes a mode "F" image: float precision throughout, so uint8
    # and float drawings give identical output.
    resized = Image.fromarray(crop).resize((new_w, new_h), resample=resample)
    return np.asarray(resized, dtype=np.float32)


def drawing_to_mnist(image: np.ndarray) -> np.ndarray:
    """Convert a drawing into an MNIST-like digit.

    Args:
        image: 2-D array (H, W) of any size, white strokes on black, uint8 or float
            with values in 0..255.

    Returns:
        float32 array of shape (28, 28) with values in 0..1; all zeros for a blank drawing.
    """
    arr = np.asarray(image)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image, got shape {arr.shape}")
    out = np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    # Ink is found on the raw array (clipping to 0..255 can't change which values exceed the
    # threshold) and only the crop is converted to float: this runs on every pen move, and the
    # canvas is mostly background.
    ink = arr > INK_THRESHOLD
    if not ink.any():
        return out

    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = np.ascontiguousarray(_as_float_image(arr[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]))

    digit = np.clip(_fit_to_box(crop), 0.0, None)
    peak = float(digit.max())
    if peak <= 0.0:
        return out
    # Area averaging dims strokes that end up thinner than a pixel; MNIST digits
    # essentially always reach full intensity, so stretch the peak back to 1.
    digit /= peak

    h, w = digit.shape
    # Start centred by bounding box, then move so the centre of mass lands on (14, 14),
    # i.e. 28 / 2 in pixel-index coordinates as in common MNIST recreations. The shift
    # is rounded to whole pixels (no resampling blur) and clipped so nothing falls off.
    top = (MNIST_SIZE - h) // 2
    left = (MNIST_SIZE - w) // 2
    com_r, com_c = _center_of_mass(digit)
    centre = MNIST_SIZE / 2
    top = int(np.clip(top + round(centre - (top + com_r)), 0, MNIST_SIZE - h))
    left = int(np.clip(left + round(centre - (left + com_c)), 0, MNIST_SIZE - w))
    out[top : top + h, left : left + w] = np.clip(digit, 0.0, 1.0)
    return out
