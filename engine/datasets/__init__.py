"""Data sets like `keras.datasets` (mnist, fashion_mnist, cifar10, cifar100), the bundled MNIST
sample, and the readers behind them; `load_path` reads a data set from a file or folder."""

from engine.datasets import cifar10, cifar100, fashion_mnist, fortunes, imdb, mnist, sample
from engine.datasets.cifar_files import read_cifar10, read_cifar100
from engine.datasets.csv_table import read_csv
from engine.datasets.download import RemoteFile
from engine.datasets.errors import DatasetError, DatasetNotFoundError, DownloadCancelledError, DownloadError
from engine.datasets.image_folder import read_image_folder
from engine.datasets.load_path import load_path
from engine.datasets.readers import read_idx, read_npz
from engine.datasets.text_folder import read_text_folder, read_text_folder_splits
from engine.datasets.text_table import looks_like_text_table, read_text_table

__all__ = ["DatasetError", "DatasetNotFoundError", "DownloadCancelledError", "DownloadError", "RemoteFile",
           "cifar10", "cifar100", "fashion_mnist", "fortunes", "imdb", "load_path", "looks_like_text_table",
           "mnist", "read_cifar10", "read_cifar100", "read_csv", "read_idx", "read_image_folder", "read_npz",
           "read_text_folder", "read_text_folder_splits", "read_text_table", "sample"]
