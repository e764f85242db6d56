"""ImageDataGenerator: random augmentation and normalisation of images, batch by batch, as Keras'
legacy `keras.preprocessing.image.ImageDataGenerator` (tf.keras 2.x; in Keras 3 under
`keras._tf_keras.keras.preprocessing.image`) does it.

    datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=10, width_shift_range=0.1,
                                 zoom_range=0.1, validation_split=0.2)
    model.fit(datagen.flow(x, y, batch_size=32, subset="training"),
              validation_data=datagen.flow(x, y, subset="validation"), epochs=5)

Each image gets one random affine transform (rotation, shift, shear and zoom about its centre,
sampled with nearest or bilinear interpolation), optional flips, channel and brightness shifts,
then `standardize` (preprocessing_function, rescale, centring and std normalisation, ZCA). Random
parameters are drawn in Keras' order from NumPy's legacy generator, so a seed gives Keras' numbers.
Images are (height, width, channels) unless data_format='channels_first'.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from engine.preprocessing.directory_iterator import DirectoryIterator
from engine.preprocessing.image_iterators import Iterator, NumpyArrayIterator
from engine.preprocessing.image_transforms import (
    FILL_MODES,
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
)
from engine.preprocessing.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = [
    "DirectoryIterator", "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "apply_affine_transform",
    "apply_brightness_shift", "apply_channel_shift", "array_to_img", "img_to_array", "load_img", "save_img",
]


def _not_fitted(option: str) -> None:
    warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit on any training "
                  "data. Fit it first by calling `.fit(numpy_data)`.", stacklevel=3)


def _overrides(option: str, other: str) -> None:
    warnings.warn(f"This ImageDataGenerator specifies `{option}`, which overrides setting of `{other}`.",
                  stacklevel=3)


class ImageDataGenerator:
    """Generates batches of images with real-time data augmentation (see the module docstring).

    Shifts: a float < 1 is a fraction of the image size (uniform in ±range), a number ≥ 1 pixels;
    an int n picks whole pixels in [-(n-1), n-1], a list picks one of its values with a random sign.
    zoom_range z means factors in [1-z, 1+z] (a pair gives the bounds), drawn per axis.
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None, shear_range=0.0,
                 zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest", cval=0.0,
                 horizontal_flip=False, vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None) -> None:
        data_format = data_format or "channels_last"
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and column) or '
                             f'`"channels_first"` (channel before row and column). Received: {data_format}')
        if dtype not in (None, "float32", np.float32):
            raise ValueError(f"The engine works in float32. Received: dtype={dtype}")
        if fill_mode not in FILL_MODES:
            raise ValueError(f"`fill_mode` must be one of {', '.join(FILL_MODES)}. "
                             f"Received: fill_mode={fill_mode}")
        if interpolation_order not in (0, 1):
            raise ValueError("`interpolation_order` must be 0 (nearest) or 1 (bilinear). "
                             f"Received: interpolation_order={interpolation_order}")
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. "
                             f" Received: {validation_split}")
        if isinstance(zoom_range, float | int):
            zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, float | int) for v in zoom_range):
            zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError("`zoom_range` should be a float or a tuple or list of two floats. "
                             f"Received: {zoom_range}")
        if brightness_range is not None and (not isinstance(brightness_range, tuple | list)
                                             or len(brightness_range) != 2):
            raise ValueError("`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        if zca_whitening:
            if not featurewise_center:
                featurewise_center = True
                _overrides("zca_whitening", "featurewise_center")
            if featurewise_std_normalization:
                featurewise_std_normalization = False
                _overrides("zca_whitening", "featurewise_std_normalization")
        if featurewise_std_normalization and not featurewise_center:
            featurewise_center = True
            _overrides("featurewise_std_normalization", "featurewise_center")
        if samplewise_std_normalization and not samplewise_center:
            samplewise_center = True
            _overrides("samplewise_std_normalization", "samplewise_center")
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.shear_range = rotation_range, shear_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.zoom_range, self.brightness_range = zoom_range, brightness_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.data_format, self.dtype = data_format, "float32"
        self.interpolation_order = interpolation_order
        last = data_format == "channels_last"
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if last else (1, 2, 3)
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None

    # --- batches -----------------------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix="", save_format="png", ignore_class_split=False, subset=None) -> NumpyArrayIterator:
        """Batches (x, y[, sample_weight]) of augmented images from arrays; len() batches per epoch."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed, data_format=self.data_format,
                                  save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                            save_to_dir=None, save_prefix="", save_format="png", follow_links=False,
                            subset=None, interpolation="nearest",
                            keep_aspect_ratio=False) -> DirectoryIterator:
        """Batches of augmented images read from one subfolder per class (see DirectoryIterator)."""
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode,
                                 classes=classes, class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format, follow_links=follow_links,
                                 subset=subset, interpolation=interpolation,
                                 keep_aspect_ratio=keep_aspect_ratio)

    def flow_from_dataframe(self, *args, **kwargs):
        raise NotImplementedError("flow_from_dataframe needs pandas, which the engine does not use: put the "
                                  "images in one folder per class and use flow_from_directory, or load them "
                                  "into arrays and use flow.")

    # --- one image -----------------------------------------------------------------------------
    def standardize(self, x: np.ndarray) -> np.ndarray:
        """x (a float image or batch) normalised IN PLACE as configured (integer arrays: a float32 copy)."""
        if not np.issubdtype(np.asarray(x).dtype, np.floating):
            x = np.asarray(x, dtype=np.float32)
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                _not_fitted("featurewise_center")
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                _not_fitted("featurewise_std_normalization")
            else:
                x /= self.std + 1e-6
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                _not_fitted("zca_whitening")
            else:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat @ self.zca_whitening_matrix, x.shape)
        return x

    def get_random_transform(self, img_shape, seed=None) -> dict:
        """Random parameters for one image of shape img_shape (the keys apply_transform reads)."""
        rs = np.random if seed is None else np.random.RandomState(seed)
        return self._random_transform_params(img_shape, rs)

    def _shift(self, shift_range, size: int, rs) -> float:
        if not shift_range:
            return 0
        try:  # an int or a list: one of its values, with a random sign
            shift = rs.choice(shift_range) * rs.choice([-1, 1])
        except ValueError:  # a float
            shift = rs.uniform(-shift_range, shift_range)
        return shift * size if np.max(shift_range) < 1 else shift

    def _random_transform_params(self, img_shape, rs) -> dict:
        """The draws of Keras' get_random_transform, in its order, from the random source `rs`."""
        theta = rs.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = self._shift(self.height_shift_range, img_shape[self.row_axis - 1], rs)
        ty = self._shift(self.width_shift_range, img_shape[self.col_axis - 1], rs)
        shear = rs.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rs.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (rs.random() < 0.5) * self.horizontal_flip  # drawn even when off, as Keras does
        flip_vertical = (rs.random() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = rs.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rs.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift, "brightness": brightness}

    def apply_transform(self, x: np.ndarray, transform_parameters: dict) -> np.ndarray:
        """One image (h, w, channels) transformed by the parameters (theta, tx, ty, shear, zx, zy,
        flip_horizontal, flip_vertical, channel_shift_intensity, brightness; missing ones do nothing)."""
        row, col, channel = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
                                   p.get("zx", 1), p.get("zy", 1), row_axis=row, col_axis=col,
                                   channel_axis=channel, fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, col)
        if p.get("flip_vertical", False):
            x = flip_axis(x, row)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x: np.ndarray, seed=None) -> np.ndarray:
        """One image with a random transform applied (same shape)."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    # --- data statistics -----------------------------------------------------------------------
    def fit(self, x, augment: bool = False, rounds: int = 1, seed=None) -> None:
        """Learn the mean, std and ZCA matrix that featurewise_* and zca_whitening need from x
        (n, h, w, channels); rescale is applied first, and with `augment` `rounds` random
        transforms of every image are used instead of the images."""
        x = np.array(x, dtype=np.float32)  # a copy: the caller's data stays as it is
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4. Got array with shape: {x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn("Expected input to be images (as Numpy array) following the data format "
                          f'convention "{self.data_format}" (channels on axis {self.channel_axis}), i.e. '
                          f"expected either 1, 3 or 4 channels on axis {self.channel_axis}. However, it was "
                          f"passed an array with shape {x.shape} ({x.shape[self.channel_axis]} channels).",
                          stacklevel=2)
        rs = np.random if seed is None else np.random.RandomState(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            x = np.stack([self.apply_transform(image, self._random_transform_params(image.shape, rs))
                          for _ in range(rounds) for image in x]).astype(np.float32)
        stat_shape = [1, 1, 1]
        stat_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), stat_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), stat_shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))).dot(u.T)
