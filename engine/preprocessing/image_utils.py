"""Image files to arrays and back, as keras.preprocessing.image.load_img / img_to_array /
array_to_img / save_img do it (Pillow does the reading, writing and resizing)."""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
COLOR_MODES = ("grayscale", "rgb", "rgba")


def _check_data_format(data_format: str | None) -> str:
    data_format = data_format or "channels_last"
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of "channels_first", "channels_last". '
                         f"Received: data_format={data_format}")
    return data_format


def load_img(path, color_mode: str = "rgb", target_size: tuple[int, int] | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False):
    """A PIL image read from `path` (a path or io.BytesIO), in `color_mode`, resized to
    target_size (height, width) when given; keep_aspect_ratio crops the centre to that shape first."""
    from PIL import Image  # Pillow only where image files are read

    if color_mode not in COLOR_MODES:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, pathlib.Path | bytes | str):
        with open(path, "rb") as f:  # read whole, so the file is closed at once
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif img.mode != color_mode.upper():
        img = img.convert(color_mode.upper())
    if target_size is None:
        return img
    size = (int(target_size[1]), int(target_size[0]))  # Pillow speaks (width, height)
    if img.size == size:
        return img
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods "
                         f"are {', '.join(INTERPOLATIONS)}")
    resample = getattr(Image.Resampling, interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(size, resample)
    width, height = img.size
    crop_h = min(height, (width * size[1]) // size[0])
    crop_w = min(width, (height * size[0]) // size[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(size, resample, box=(left, top, left + crop_w, top + crop_h))


def img_to_array(img, data_format: str | None = None, dtype: str = "float32") -> np.ndarray:
    """A PIL image as (height, width, channels) (channels first on request); grayscale gets a channel axis."""
    data_format = _check_data_format(data_format)
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype: str = "float32"):
    """A 3D array as a PIL image (L, RGB or RGBA by its channels); `scale` stretches it to 0..255."""
    from PIL import Image

    data_format = _check_data_format(data_format)
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def save_img(path, x, data_format: str | None = None, file_format: str | None = None, scale: bool = True,
             **kwargs) -> None:
    """Write a 3D array as an image file; the format comes from the file name unless given."""
    if file_format is None and isinstance(path, str | pathlib.Path):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)
