"""The data sets the app offers, loaded into arrays the training worker can use.

Images become float32 in 0..1 (the scaling every Keras tutorial applies) with a trailing shape the
model's input follows; labels stay integer class indices and are one-hot encoded only when the loss
asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.datasets import DatasetError, fashion_mnist, mnist, sample
from engine.utils import to_categorical


@dataclass
class Dataset:
    name: str
    x_train: np.ndarray  # (n, 28, 28) float32 in 0..1
    y_train: np.ndarray  # (n,) int class indices
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def labels_for(self, loss_name: str, y: np.ndarray) -> np.ndarray:
        """Class indices for sparse losses, one-hot rows for the others."""
        return y if "sparse" in loss_name else to_categorical(y, self.num_classes)


@dataclass
class DataSource:
    name: str
    loader: Callable[[], tuple]
    class_names: list[str]

    def load(self) -> Dataset:
        (x_train, y_train), (x_test, y_test) = self.loader()
        return Dataset(self.name, _scale(x_train), y_train.astype(np.int64),
                       _scale(x_test), y_test.astype(np.int64), self.class_names)


def _scale(images: np.ndarray) -> np.ndarray:
    return images.astype(np.float32) / np.float32(255.0)


def _found(module) -> bool:
    try:
        module.find_files()
    except (DatasetError, FileNotFoundError):
        return False
    return True


def available_sources() -> list[DataSource]:
    """Digits first — full MNIST when it is on this machine, else the bundled sample, which is
    always there — so the default matches the pretrained digit model; then Fashion-MNIST."""
    digits = [str(d) for d in range(10)]
    sources = []
    if _found(mnist):
        sources.append(DataSource("MNIST", mnist.load_data, digits))
    sources.append(DataSource("MNIST sample (bundled, 5,000 digits)", sample.load_data, digits))
    if _found(fashion_mnist):
        sources.append(DataSource("Fashion-MNIST", fashion_mnist.load_data, fashion_mnist.CLASS_NAMES))
    return sources
