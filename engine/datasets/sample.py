"""The 5,000-digit MNIST sample bundled with Hornbook, for training offline at first launch."""

from __future__ import annotations

from pathlib import Path

from engine.datasets.errors import DatasetNotFoundError
from engine.datasets.readers import read_npz

CLASS_NAMES = [str(d) for d in range(10)]
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "assets" / "data" / "mnist_sample.npz"


def load_data(path: str | Path | None = None):
    """((x_train (4000, 28, 28), y_train), (x_test (1000, 28, 28), y_test)), uint8, 10 classes."""
    path = Path(path) if path is not None else DEFAULT_PATH
    if not path.is_file():
        raise DatasetNotFoundError(f"The bundled MNIST sample is missing at {path}. Regenerate it "
                                   "with scripts/make_sample_dataset.py.")
    return read_npz(path)
