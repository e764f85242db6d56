"""Affine transforms of one image in NumPy, as Keras' legacy image preprocessing applies them.

Keras builds a 3×3 matrix that maps each OUTPUT pixel to the INPUT point it samples
(rotation · shift · shear · zoom about the image centre) and hands it to
`scipy.ndimage.affine_transform`. This module builds the same matrix with the same float
operations and does the sampling itself: every output pixel's source point is computed at once,
then read with nearest (order 0) or bilinear (order 1) interpolation, all channels together.

Keras' quirks are kept so that results match it: after building the matrix in (x, y) order it
swaps the two axes, so `tx` (the height shift in ImageDataGenerator) moves the image along the
WIDTH, `ty` along the height, `zx` zooms the width and `zy` the height; and on a non-square
image the centre offsets end up on the swapped axes too. Fill modes follow scipy: 'nearest'
(aaaa|abcd|dddd), 'reflect' (dcba|abcd|dcba), 'constant' (cval outside [0, size-1]) and 'wrap',
which scipy — and so Keras — repeats with a period of size-1, the last and first pixel overlapping.
"""

from __future__ import annotations

import numpy as np

FILL_MODES = ("nearest", "constant", "reflect", "wrap")


def transform_matrix_offset_center(matrix: np.ndarray, x: float, y: float) -> np.ndarray:
    """`matrix` applied about the point (x/2 - 0.5, y/2 - 0.5) instead of the origin."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset, matrix), reset)


def affine_matrix(theta: float = 0, tx: float = 0, ty: float = 0, shear: float = 0, zx: float = 1,
                  zy: float = 1, h: int = 1, w: int = 1) -> np.ndarray | None:
    """The 3×3 output→input matrix in (row, col) array coordinates, or None for the identity.

    theta and shear in degrees; tx, ty in pixels; zx, zy > 1 zoom out (the image shrinks).
    """
    matrix = None
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    for part in parts:  # composed left to right, in Keras' order, for the same rounding
        matrix = part if matrix is None else np.dot(matrix, part)
    if matrix is None:
        return None
    matrix = transform_matrix_offset_center(matrix, h, w)
    # Keras' swap of the x and y axes (M' = P M P), made for channels-last and channels-first alike
    # whenever the column axis follows the row axis, which it always does here.
    matrix[:, [0, 1]] = matrix[:, [1, 0]]
    matrix[[0, 1]] = matrix[[1, 0]]
    return matrix


def _map_coordinate(c: np.ndarray, size: int, fill_mode: str) -> np.ndarray:
    """Source coordinates folded back into the image by the fill mode (constant: left as they are)."""
    if fill_mode == "nearest" or (size == 1 and fill_mode != "constant"):
        return np.clip(c, 0, size - 1)
    # The folds below use scipy's own arithmetic: a point a rounding error off a pixel centre or a
    # half-pixel tie then lands on the same pixel as in Keras.
    if fill_mode == "reflect":  # half-sample symmetric about -0.5 and size-0.5, period 2*size
        period = 2 * size
        low = np.where(c < -period, period * np.trunc(-c / period) + c, c)
        low = np.where(low < -size, low + period, -low - 1)
        high = c - period * np.trunc(c / period)
        high = np.where(high >= size, period - high - 1, high)
        folded = np.where(c < 0, low, np.where(c > size - 1, high, c))
        return np.clip(folded, 0, size - 1)
    if fill_mode == "wrap":  # scipy's 'wrap': period size-1, as Keras really behaves
        period = size - 1
        below = c + period * (np.trunc(-c / period) + 1)
        above = c - period * np.trunc(c / period)
        return np.where(c < 0, below, np.where(c > period, above, c))
    return c


def _sample(image: np.ndarray, rows: np.ndarray, cols: np.ndarray, fill_mode: str, cval: float,
            order: int) -> np.ndarray:
    """image (h, w, channels) read at float points rows, cols (any shape S) → S + (channels,)."""
    h, w, channels = image.shape
    shape, rows, cols = rows.shape, rows.ravel(), cols.ravel()
    outside = None
    if fill_mode == "constant":
        outside = (rows < 0) | (rows > h - 1) | (cols < 0) | (cols > w - 1)
    r = _map_coordinate(rows, h, fill_mode)
    c = _map_coordinate(cols, w, fill_mode)
    # One contiguous plane per channel, read with flat indices: far quicker than 2-D fancy indexing.
    planes = np.moveaxis(image, -1, 0).reshape(channels, h * w)
    if planes.dtype not in (np.float32, np.float64):
        planes = planes.astype(np.float64)  # integer images: room for cval and fractions
    if order == 0:
        # scipy rounds half up: floor(x + 0.5)
        ri = np.clip(np.floor(r + 0.5), 0, h - 1).astype(np.intp)
        ci = np.clip(np.floor(c + 0.5), 0, w - 1).astype(np.intp)
        out = np.take(planes, ri * w + ci, axis=1)
    else:
        r0f, c0f = np.floor(r), np.floor(c)
        fr, fc = r - r0f, c - c0f
        r0 = np.clip(r0f, 0, h - 1).astype(np.intp)
        c0 = np.clip(c0f, 0, w - 1).astype(np.intp)
        r1, c1 = np.minimum(r0 + 1, h - 1) * w, np.minimum(c0 + 1, w - 1)
        r0 *= w
        # In float64 as scipy does: a brightness shift truncates to 8 bits afterwards, so a float32
        # rounding (179.99998 for 180) would show as a whole level.
        out = np.take(planes, r0 + c0, axis=1) * ((1 - fr) * (1 - fc))
        out += np.take(planes, r0 + c1, axis=1) * ((1 - fr) * fc)
        out += np.take(planes, r1 + c0, axis=1) * (fr * (1 - fc))
        out += np.take(planes, r1 + c1, axis=1) * (fr * fc)
    if outside is not None and outside.any():
        out[:, outside] = cval
    return out.T.reshape(*shape, channels)


def apply_affine_transform(x: np.ndarray, theta: float = 0, tx: float = 0, ty: float = 0,
                           shear: float = 0, zx: float = 1, zy: float = 1, row_axis: int = 1,
                           col_axis: int = 2, channel_axis: int = 0, fill_mode: str = "nearest",
                           cval: float = 0.0, order: int = 1) -> np.ndarray:
    """One 3D image transformed as keras.preprocessing.image.apply_affine_transform does.

    x: (channels, h, w) by default, or (h, w, channels) with row_axis=0, col_axis=1,
    channel_axis=2. order: 0 nearest, 1 bilinear. Returns the same shape; float inputs keep their
    dtype, integer inputs come back as float32.
    """
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {({row_axis, col_axis, channel_axis}) - {0, 1, 2}}")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"`fill_mode` must be one of {FILL_MODES}. Received: fill_mode={fill_mode}")
    if order not in (0, 1):
        raise ValueError(f"Only interpolation orders 0 (nearest) and 1 (bilinear) are supported. "
                         f"Received: order={order}")
    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = affine_matrix(theta, tx, ty, shear, zx, zy, h, w)
    if matrix is None:
        return x
    image = np.moveaxis(x, (row_axis, col_axis, channel_axis), (0, 1, 2))
    grid_r, grid_c = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                                 indexing="ij")
    # scipy's sum order (offset first), so points on a boundary or a tie fall the same side.
    rows = matrix[0, 2] + grid_r * matrix[0, 0] + grid_c * matrix[0, 1]
    cols = matrix[1, 2] + grid_r * matrix[1, 0] + grid_c * matrix[1, 1]
    out = _sample(image, rows, cols, fill_mode, cval, order)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    return np.moveaxis(out.astype(dtype), (0, 1, 2), (row_axis, col_axis, channel_axis))


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """x reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """Every channel plus `intensity`, clipped to the image's overall [min, max]."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x)).astype(x.dtype, copy=False)


def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """x (h, w, 1|3|4) with its brightness scaled as Keras does it through an 8-bit Pillow image.

    Pixels are stretched to 0..255 first when `scale` (or when they fall outside that range),
    truncated to 8 bits, multiplied by `brightness` and truncated again (Pillow's
    ImageEnhance.Brightness; an alpha channel stays as it is); with scale=False an image that had
    to be stretched is stretched back to its own range. Returns float32.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3 or x.shape[2] not in (1, 3, 4):
        raise ValueError("Expected a (height, width, 1, 3 or 4 channels) image. "
                         f"Got array with shape: {x.shape}")
    x_min, x_max = float(np.min(x)), float(np.max(x))
    local_scale = x_min < 0 or x_max > 255
    pixels = x
    if local_scale or scale:
        pixels = x - x_min
        top = float(np.max(pixels))
        if top != 0:
            pixels = pixels / top
        pixels = pixels * 255
    pixels = pixels.astype(np.uint8).astype(np.float32)
    # Pillow blends in single precision: 180 * float32(1.3) = 233.99999 → 233, as Keras gets.
    out = np.clip(np.trunc(pixels * np.float32(brightness)), 0, 255)
    if x.shape[2] == 4:
        out[..., 3] = pixels[..., 3]
    out = out.astype(np.float32)
    if not scale and local_scale:
        out = out / 255 * (x_max - x_min) + x_min
    return out
