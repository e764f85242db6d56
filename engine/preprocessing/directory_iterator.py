"""flow_from_directory's iterator: images read from one subfolder per class, as Keras reads them.

    data/cats/001.png, data/cats/002.jpg, …, data/dogs/…   →  class_indices {'cats': 0, 'dogs': 1}

Classes are the sorted subfolder names (or `classes`); each class folder is walked recursively in
sorted order. Supported files: png, jpg, jpeg, bmp, ppm, tif, tiff (Keras' list). Unlike Keras,
which silently skips other files and fails mid-training on a broken image, any other visible file
in a class folder, or an image Pillow cannot open, is an error that names the file, raised before
training starts; hidden files and folders (.DS_Store, …) are skipped. subset 'validation' takes the
first validation_split fraction of each class's files, 'training' the rest.
"""

from __future__ import annotations

import os

import numpy as np

from engine.preprocessing.image_iterators import Iterator
from engine.preprocessing.image_utils import COLOR_MODES, INTERPOLATIONS, img_to_array, load_img

CLASS_MODES = ("categorical", "binary", "sparse", "input", None)
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def _class_files(class_dir: str, formats: tuple[str, ...], follow_links: bool) -> list[str]:
    """Every image file below class_dir (absolute paths, Keras' order); other visible files are errors."""
    found = []
    for root, _, files in sorted(os.walk(class_dir, followlinks=follow_links), key=lambda w: w[0]):
        parts = os.path.relpath(root, class_dir).split(os.sep)
        if any(part.startswith(".") and part != "." for part in parts):
            continue
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if not name.lower().endswith(tuple("." + f for f in formats)):
                raise ValueError(f"{path}: not an image file that flow_from_directory reads "
                                 f"({', '.join(formats)}). Move it out of the class folder.")
            found.append(path)
    return found


def _check_image(path: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:  # reads the header only
            image.size  # noqa: B018
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValueError(f"{path}: not an image Pillow can read ({type(exc).__name__}: {exc}). Remove it "
                         "or replace it with a valid image.") from exc


class DirectoryIterator(Iterator):
    """Batches (x, y) of images (batch, *target_size, channels) from a folder of class folders.

    class_mode: 'categorical' (one-hot y), 'binary' (0./1. y, two classes), 'sparse' (class index
    y), 'input' (y is a copy of x, for autoencoders), None (x alone). Attributes as Keras:
    class_indices, classes (each file's class), filenames (relative to `directory`), filepaths,
    labels, samples, num_classes.
    """

    _save_hash_range = 10**7

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format="channels_last", save_to_dir=None, save_prefix="", save_format="png",
                 follow_links=False, subset=None, interpolation="nearest", keep_aspect_ratio=False,
                 dtype="float32") -> None:
        if color_mode not in COLOR_MODES:
            raise ValueError(f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or "grayscale".')
        if class_mode not in CLASS_MODES:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: {set(CLASS_MODES)}")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                             f"{', '.join(INTERPOLATIONS)}")
        if len(target_size) != 2 or any(int(s) < 1 for s in target_size):
            raise ValueError(f"`target_size` must be (height, width) of positive integers. Received: "
                             f"target_size={target_size}")
        directory = os.fspath(directory)
        if not os.path.isdir(directory):
            raise ValueError(f"{directory}: no such folder.")
        self.directory, self.image_data_generator = directory, image_data_generator
        self.target_size = tuple(int(s) for s in target_size)
        self.color_mode, self.class_mode = color_mode, class_mode
        self.data_format, self.dtype = data_format, dtype
        self.interpolation, self.keep_aspect_ratio = interpolation, keep_aspect_ratio
        channels = (CHANNELS[color_mode],)
        last = data_format == "channels_last"
        self.image_shape = self.target_size + channels if last else channels + self.target_size
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.split, self.subset = self._split(subset), subset

        if not classes:
            classes = sorted(d for d in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, d)) and not d.startswith("."))
            if not classes:
                raise ValueError(f"{directory}: no class subfolders. flow_from_directory needs one subfolder "
                                 "per class with the images inside (e.g. cats/, dogs/).")
        missing = [c for c in classes if not os.path.isdir(os.path.join(directory, c))]
        if missing:
            raise ValueError(f"{directory}: no folder for the class(es) {', '.join(missing)}.")
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes)), strict=True))
        self.filenames, labels = [], []
        for name in classes:
            files = _class_files(os.path.join(directory, name), self.white_list_formats, follow_links)
            if self.split:
                files = files[int(self.split[0] * len(files)):int(self.split[1] * len(files))]
            self.filenames += [os.path.join(name, os.path.relpath(f, os.path.join(directory, name)))
                               for f in files]
            labels += [self.class_indices[name]] * len(files)
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        for path in self._filepaths:
            _check_image(path)
        self.classes = np.array(labels, dtype="int32")
        self.samples = len(self.filenames)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        if not self.samples:
            where = f" in the {subset} subset" if subset else ""
            raise ValueError(f"{directory}: no images{where}; the class folders "
                             f"{', '.join(classes)} are empty.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _split(self, subset):
        if subset is None:
            return None
        if subset not in ("training", "validation"):
            raise ValueError(f'Invalid subset name: {subset};expected "training" or "validation"')
        validation_split = self.image_data_generator._validation_split
        if not validation_split:
            raise ValueError(f"`subset='{subset}'` needs a `validation_split` between 0 and 1 in the "
                             "ImageDataGenerator; it has none.")
        return (0, validation_split) if subset == "validation" else (validation_split, 1)

    @property
    def filepaths(self) -> list[str]:
        return self._filepaths

    @property
    def labels(self) -> np.ndarray:
        return self.classes

    @property
    def sample_weight(self):
        return None

    def _load(self, index_array) -> list[np.ndarray]:
        images = []
        for j in index_array:
            img = load_img(self._filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)
            images.append(img_to_array(img, data_format=self.data_format))
            img.close()
        return images

    def _get_batches_of_transformed_samples(self, index_array, rs):
        batch_x = self._transform_batch(self._load(index_array), rs)
        self._save_batch(batch_x, index_array, rs)
        if self.class_mode == "input":
            return batch_x, batch_x.copy()
        if self.class_mode in ("binary", "sparse"):
            return batch_x, self.classes[index_array].astype(np.float32)
        if self.class_mode == "categorical":
            batch_y = np.zeros((len(batch_x), self.num_classes), dtype=np.float32)
            batch_y[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
            return batch_x, batch_y
        return batch_x
