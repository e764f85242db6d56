"""Image files in one subfolder per class, as `keras.utils.image_dataset_from_directory` reads them.

    flowers/daisy/001.jpg, flowers/daisy/002.png, …, flowers/tulip/…

Class names are the sorted subfolder names and labels index them. Images are read with Pillow
(.bmp .gif .jpeg .jpg .png, Keras' list), converted to the colour mode and resized (bilinear) to
`image_size`. Hidden files and folders are skipped; any other file in a class folder must be an
image, or the error names it. Files directly in the top folder are ignored, as Keras does.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
DEFAULT_IMAGE_SIZE = (256, 256)
COLOR_MODES = {"grayscale": ("L", 1), "rgb": ("RGB", 3), "rgba": ("RGBA", 4)}
MAX_BYTES = 4 * 1024**3  # refuse, with a way out, rather than exhaust memory


def class_folders(path: str | Path) -> list[Path]:
    """The visible subfolders of `path`, sorted by name."""
    path = Path(path)
    return sorted((p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def _files(folder: Path) -> list[Path]:
    """Every visible file below `folder`, in a stable order (hidden files and folders skipped)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
    return found


def read_image_folder(path: str | Path, image_size: tuple[int, int] | None = DEFAULT_IMAGE_SIZE,
                      color_mode: str | None = "rgb", class_names: list[str] | None = None,
                      shuffle: bool = True, seed: int | None = None):
    """(images (n, height, width, channels) uint8, labels (n,) int32, class names).

    `image_size` (height, width); None keeps the images' own size when they all share one, else
    Keras' default 256×256. `color_mode` 'grayscale', 'rgb' or 'rgba'; None picks grayscale when
    every image is grayscale, else rgb. `class_names` fixes the classes (e.g. a test folder that
    must match its training folder). `shuffle` (Keras' default) mixes the classes, so that the
    last part a validation split takes is not all one class; `seed` makes the order repeatable.
    """
    from PIL import Image, UnidentifiedImageError  # Pillow only here: the engine needs it for images

    path = Path(path)
    if color_mode is not None and color_mode not in COLOR_MODES:
        raise ValueError(f'`color_mode` must be one of "grayscale", "rgb", "rgba". '
                         f"Received: color_mode={color_mode}")
    if not path.is_dir():
        raise DatasetError(f"{path}: not a folder.")
    folders = class_folders(path)
    if not folders:
        loose = [f.name for f in path.iterdir() if f.is_file() and not f.name.startswith(".")]
        hint = f" It holds {len(loose)} loose file(s); move them into class subfolders." if loose else ""
        raise DatasetError(f"{path.name}: an empty image folder: no class subfolders. Put the images "
                           f"in one subfolder per class (e.g. cats/, dogs/).{hint}")
    names = [f.name for f in folders]
    if class_names is not None and names != list(class_names):
        raise DatasetError(f"{path.name}: its classes {names} differ from the training classes "
                           f"{list(class_names)}.")
    entries: list[tuple[Path, int, tuple[int, int], str]] = []
    for label, folder in enumerate(folders):
        for file in _files(folder):
            try:
                with Image.open(file) as image:
                    entries.append((file, label, image.size, image.mode))
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                raise DatasetError(_not_image(path, file, exc)) from exc
    if not entries:
        raise DatasetError(f"{path.name}: an empty image folder: the class folders {', '.join(names)} "
                           "hold no images.")
    if shuffle:
        entries = [entries[i] for i in np.random.default_rng(seed).permutation(len(entries))]
    size = _target_size(entries, image_size)
    mode_name = color_mode or ("grayscale" if all(m in ("L", "1", "I", "I;16", "F", "LA")
                                                  for *_, m in entries) else "rgb")
    mode, channels = COLOR_MODES[mode_name]
    height, width = size
    need = len(entries) * height * width * channels
    if need > MAX_BYTES:
        raise DatasetError(f"{path.name}: {len(entries):,} images of {height}×{width}×{channels} need "
                           f"{need / 1024**3:.1f} GB of memory; choose a smaller image_size.")
    images = np.empty((len(entries), height, width, channels), np.uint8)
    labels = np.empty(len(entries), np.int32)
    for i, (file, label, _size, _mode) in enumerate(entries):
        try:
            with Image.open(file) as image:
                image = image.convert(mode)
                if image.size != (width, height):
                    image = image.resize((width, height), Image.Resampling.BILINEAR)
                images[i] = np.asarray(image, np.uint8).reshape(height, width, channels)
        except (OSError, ValueError) as exc:  # decodes only now: a truncated file shows here
            raise DatasetError(_not_image(path, file, exc)) from exc
        labels[i] = label
    return images, labels, names


def _target_size(entries, image_size) -> tuple[int, int]:
    if image_size is not None:
        height, width = (int(v) for v in image_size)
        if height <= 0 or width <= 0:
            raise ValueError(f"`image_size` must be two positive integers. Received: image_size={image_size}")
        return height, width
    sizes = {size for _, _, size, _ in entries}
    if len(sizes) == 1:
        width, height = sizes.pop()
        return height, width
    return DEFAULT_IMAGE_SIZE


def _not_image(root: Path, file: Path, exc: Exception) -> str:
    relative = file.relative_to(root)
    return (f"{relative}: not an image Hornbook can read ({type(exc).__name__}: {exc}). Every file in "
            "a class folder must be an image (.png, .jpg, .bmp, .gif); move this one out.")
