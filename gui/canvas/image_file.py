"""Read a picture file and turn it into what a model takes (Qt-free: Pillow and NumPy).

Colour models (e.g. CIFAR-10, 32×32×3) get a plain resize of the picture. Grey models get it in
grey, inverted when it is dark on light (the MNIST family is light ink on black). Digit models
(28×28 grey, classes 0..9) additionally get the canvas' MNIST-style preprocessing, so a scanned or
photographed digit is cropped, scaled into 20×20 and centred exactly as a drawing is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from gui.canvas.model_input import ImageInput
from gui.canvas.preprocess import drawing_to_mnist, is_blank

#: What the "Open image…" dialog offers; drops of other files are still tried.
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff"
#: Pictures are shrunk to at most this side first: plenty for a 28 or 32 px input, and it keeps
#: a 12-megapixel photo from stalling the interface.
_WORKING_SIDE = 512
#: Grey levels above the background's brightest border pixels still taken as background: JPEG noise
#: and paper texture, which would otherwise stretch the digit's bounding box to the whole picture.
_NOISE_MARGIN = 8.0


class ImageFileError(ValueError):
    """A picture that can't be used; the message is meant for the user."""


def read_picture(path: str | Path) -> Image.Image:
    """The picture in `path` as an "L" or "RGB" image (alpha flattened, EXIF rotation applied),
    at most 512 px on its longer side. Raises ImageFileError with a readable message."""
    path = Path(path)
    if not path.is_file():
        raise ImageFileError(f"{path.name} is not a file that can be opened.")
    try:
        with Image.open(path) as img:
            img.load()  # decode now, so a truncated file fails here and not later
            picture = _flatten(ImageOps.exif_transpose(img))
    except UnidentifiedImageError:
        raise ImageFileError(f"{path.name} is not an image Hornbook can read; use a PNG, JPEG, "
                             "BMP, GIF, WebP or TIFF file.") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageFileError(f"{path.name} can't be read as an image: {exc}") from None
    picture.thumbnail((_WORKING_SIDE, _WORKING_SIDE), Image.Resampling.LANCZOS)
    return picture


def _flatten(img: Image.Image) -> Image.Image:
    """Drop transparency onto a background the ink stands out from; leave "L" or "RGB"."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit or float greys: scale to 8 bits
        arr = np.asarray(img, dtype=np.float64)
        peak = arr.max() if arr.size and arr.max() > 0 else 1.0
        return Image.fromarray(np.round(arr / peak * 255.0).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba)[..., 3]
        grey = np.asarray(rgba.convert("L"))
        opaque = grey[alpha > 127]
        # Dark ink on a transparent sheet goes onto white, light ink onto black.
        light_ink = opaque.size > 0 and float(opaque.mean()) > 127
        sheet = Image.new("RGBA", rgba.size, (0, 0, 0, 255) if light_ink else (255, 255, 255, 255))
        img = Image.alpha_composite(sheet, rgba)
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    return img.copy()


def picture_to_input(picture: Image.Image, target: ImageInput, digits: bool) -> np.ndarray:
    """The picture as one model input image, float32 in 0..1: (height, width) for grey models,
    (height, width, channels) for colour ones. `digits` selects the MNIST-style preprocessing."""
    size = (target.width, target.height)
    if target.channels == 3:
        rgb = picture.convert("RGB").resize(size, Image.Resampling.LANCZOS)
        return np.clip(np.asarray(rgb, dtype=np.float32) / 255.0, 0.0, 1.0)
    grey = np.asarray(picture.convert("L"), dtype=np.float32)
    if _light_background(grey):
        grey = 255.0 - grey
    if not digits:
        small = Image.fromarray(grey).resize(size, Image.Resampling.LANCZOS)
        return np.clip(np.asarray(small, dtype=np.float32) / 255.0, 0.0, 1.0)
    ink = _remove_background(grey)
    if is_blank(ink):
        raise ImageFileError("No digit found in the picture: nothing stands out from its "
                             "background.")
    return drawing_to_mnist(ink)


def _border(grey: np.ndarray) -> np.ndarray:
    edge = max(1, min(grey.shape) // 20)
    return np.concatenate([grey[:edge].ravel(), grey[-edge:].ravel(),
                           grey[:, :edge].ravel(), grey[:, -edge:].ravel()])


def _light_background(grey: np.ndarray) -> bool:
    """A picture's background is what fills its border; light means dark ink on paper."""
    return float(np.median(_border(grey))) > 127.0


def _remove_background(grey: np.ndarray) -> np.ndarray:
    """Light-on-dark grey 0..255 with the background level mapped to 0 and the rest stretched."""
    floor = min(float(np.percentile(_border(grey), 90)) + _NOISE_MARGIN, 254.0)
    return np.clip((grey - floor) * (255.0 / (255.0 - floor)), 0.0, 255.0)
