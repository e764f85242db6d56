"""Batches of augmented images: the Sequence-like iterators that ImageDataGenerator.flow returns.

An iterator has `len()` batches and `it[i]` gives batch i, so `model.fit(it, epochs=…)` reads it as
a Keras Sequence (the order of samples is reshuffled after every epoch); `next(it)` runs forever,
epoch after epoch, as in Keras. With a `seed`, batch k draws its shuffling and its random
transforms from a generator seeded with seed + k (the k-th batch served), the rule Keras uses with
NumPy's global generator, so the same seed gives the same batches as Keras; without one, NumPy's
global generator is used (engine.utils.set_random_seed seeds it).
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from engine.preprocessing.image_utils import array_to_img


class Iterator:
    """The batch bookkeeping shared by the array and directory iterators.

    Subclasses implement `_get_batches_of_transformed_samples(index_array, rs)`, where `rs` is the
    random source (a NumPy RandomState, or the np.random module) for that batch.
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
    _save_hash_range = 10**4  # the random number in a saved file's name (Keras' ranges)

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size}")
        self.n, self.batch_size, self.shuffle, self.seed = int(n), int(batch_size), bool(shuffle), seed
        self.batch_index = 0
        self.total_batches_seen = 0
        self.index_array: np.ndarray | None = None
        self._random = np.random
        self.index_generator = self._flow_index()

    def _batch_random(self):
        """The random source for the next batch (seeded per batch when the iterator has a seed)."""
        if self.seed is not None:
            self._random = np.random.RandomState((self.seed + self.total_batches_seen) % 2**32)
        return self._random

    def _set_index_array(self) -> None:
        self.index_array = self._random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx: int):
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}")
        rs = self._batch_random()
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array, rs)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    @property
    def num_batches(self) -> int:
        return len(self)

    def on_epoch_end(self) -> None:
        """A new order of samples for the next epoch (when shuffling)."""
        self._set_index_array()

    def reset(self) -> None:
        """Start `next()` over at the first batch of a new epoch."""
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            rs = self._batch_random()
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            self.total_batches_seen += 1
            yield self.index_array[start:start + self.batch_size], rs

    def __iter__(self):
        return self

    def __next__(self):
        index_array, rs = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array, rs)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray, rs):
        raise NotImplementedError

    def _transform_batch(self, images, rs) -> np.ndarray:
        """(batch, h, w, channels) float32: each image randomly transformed, then standardized."""
        generator = self.image_data_generator
        batch = np.zeros((len(images), *self.image_shape), dtype=np.float32)
        for i, image in enumerate(images):
            x = np.asarray(image, dtype=np.float32)
            if generator is not None:
                params = generator._random_transform_params(x.shape, rs)
                x = generator.standardize(np.array(generator.apply_transform(x, params), np.float32))
            batch[i] = x
        return batch

    def _save_batch(self, batch: np.ndarray, index_array: np.ndarray, rs) -> None:
        """Write the augmented images to save_to_dir (for looking at what the model sees)."""
        if not self.save_to_dir:
            return
        for image, j in zip(batch, index_array, strict=True):
            name = f"{self.save_prefix}_{j}_{rs.randint(self._save_hash_range)}.{self.save_format}"
            array_to_img(image, self.data_format, scale=True).save(os.path.join(self.save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """Batches (x, y[, sample_weight]) from arrays x (n, h, w, channels), y (n, …) — x alone when y is None.

    x keeps its dtype (uint8 images stay uint8); each batch is converted to float32 on its way out.
    subset 'validation' takes the FIRST validation_split fraction of the samples and 'training'
    the rest, as Keras does.
    """

    def __init__(self, x, y, image_data_generator, batch_size: int = 32, shuffle: bool = False,
                 sample_weight=None, seed: int | None = None, data_format: str = "channels_last",
                 save_to_dir=None, save_prefix: str = "", save_format: str = "png", subset=None,
                 ignore_class_split: bool = False, dtype: str = "float32") -> None:
        if isinstance(x, tuple | list):
            raise ValueError("`x` must be one array of images (n, height, width, channels); extra "
                             "inputs next to the images are not supported.")
        x = np.asarray(x)
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same length. "
                             f"Found: x.shape = {x.shape}, y.shape = {np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same length. "
                             f"Found: x.shape = {x.shape}, sample_weight.shape = "
                             f"{np.asarray(sample_weight).shape}")
        if subset is not None:
            x, y, sample_weight = _take_subset(x, y, sample_weight, subset,
                                               image_data_generator._validation_split, ignore_class_split)
        if x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed an array "
                             f"with shape {x.shape}")
        channels_axis = 3 if data_format == "channels_last" else 1
        if x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                          f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 channels "
                          f"on axis {channels_axis}. However, it was passed an array with shape "
                          f"{x.shape} ({x.shape[channels_axis]} channels).", stacklevel=3)
        self.x, self.dtype = x, dtype
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.image_shape = x.shape[1:]
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(len(x), batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array, rs):
        batch_x = self._transform_batch([self.x[j] for j in index_array], rs)
        self._save_batch(batch_x, index_array, rs)
        if self.y is None:
            return batch_x
        if self.sample_weight is None:
            return batch_x, self.y[index_array]
        return batch_x, self.y[index_array], self.sample_weight[index_array]


def _take_subset(x, y, sample_weight, subset: str, validation_split: float, ignore_class_split: bool):
    if subset not in ("training", "validation"):
        raise ValueError(f'Invalid subset name: {subset}; expected "training" or "validation".')
    if not validation_split:
        raise ValueError(f"`subset='{subset}'` needs a `validation_split` between 0 and 1 in the "
                         "ImageDataGenerator; it has none.")
    split = int(len(x) * validation_split)
    if (y is not None and not ignore_class_split
            and not np.array_equal(np.unique(y[:split]), np.unique(y[split:]))):
        raise ValueError("Training and validation subsets have different number of classes after the "
                         "split. If your numpy arrays are sorted by the label, you might want to shuffle "
                         "them.")
    part = slice(None, split) if subset == "validation" else slice(split, None)
    return x[part], None if y is None else y[part], None if sample_weight is None else sample_weight[part]
