"""Data sets like `keras.datasets`, plus the readers behind them."""

from engine.datasets import fashion_mnist, mnist, sample
from engine.datasets.errors import DatasetError, DatasetNotFoundError
from engine.datasets.readers import read_idx, read_npz

__all__ = ["DatasetError", "DatasetNotFoundError", "fashion_mnist", "mnist", "read_idx", "read_npz",
           "sample"]
