"""uint8 images that the engine reads as float32 in 0..1, one batch at a time.

The app keeps images as stored (uint8): CIFAR-10 is 150 MB that way and 600 MB as floats. The
engine's fit/evaluate/predict take x as an array, gather each batch with `x[index]` (an index array
when shuffling, a closed slice `x[start:stop]` otherwise) and cast it to float32 — but they do
not scale. `ScaledImages` is an ndarray subclass (so the engine's len/shape/ndim checks see the
stored array and nothing is copied) whose indexing returns the scaled float32 batch. The one
exception is a split: fit(validation_split=…) cuts x with open-ended slices `x[:k]` and `x[k:]`,
and those — when longer than any batch — stay lazy ScaledImages views. Anything else a caller does
with the array besides indexing sees the raw 0..255 values.
"""

from __future__ import annotations

import numpy as np

_MAX = np.float32(255.0)  # divided, not multiplied by 1/255: bit for bit what astype/255 gives


class ScaledImages(np.ndarray):
    """`images.view(ScaledImages)`; `max_batch` is the longest slice ever taken as one batch."""

    max_batch: int = 32

    @classmethod
    def wrap(cls, images: np.ndarray, max_batch: int) -> ScaledImages:
        view = np.asarray(images).view(cls)
        view.max_batch = max(int(max_batch), 32)  # evaluate() uses 32 when given no batch size
        return view

    def __array_finalize__(self, obj) -> None:
        self.max_batch = getattr(obj, "max_batch", 32)

    def __getitem__(self, key):
        raw = np.ndarray.__getitem__(self.view(np.ndarray), key)
        if self._is_split(key, raw):
            return ScaledImages.wrap(raw, self.max_batch)
        return np.divide(raw, _MAX, dtype=np.float32)

    def _is_split(self, key, raw) -> bool:
        return (isinstance(key, slice) and key.step in (None, 1) and (key.start is None or key.stop is None)
                and np.ndim(raw) == self.ndim and len(raw) > self.max_batch)
