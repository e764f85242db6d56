"""Accuracy check: the Keras MNIST example CNN trained by the engine on full MNIST (or Fashion-MNIST).

Conv2D(32, 3, relu) → MaxPooling2D → Conv2D(64, 3, relu) → MaxPooling2D → Flatten →
Dense(128, relu) → Dropout(0.5) → Dense(10, softmax); Adam; batch 128 (--batch-size);
x / 255 as float32.
After every epoch the test set is evaluated; the script prints per-epoch training time (evaluation
excluded), loss and test accuracy.

    python benchmarks/train_mnist_cnn.py                     # MNIST, 3 epochs, goal ≥ 99.0 %
    python benchmarks/train_mnist_cnn.py --dataset fashion   # Fashion-MNIST, goal ≥ 90 %
    python benchmarks/train_mnist_cnn.py --schedule constant --learning-rate 0.001  # Adam's defaults

Adam's learning rate follows Keras' CosineDecay by default: a linear warm-up from 3e-4 to 3e-3 over
the first 200 batches, then a half cosine down to 0 at the last batch of the last epoch. With
Adam's constant default of 1e-3 this model ends near 98.85% after 3 epochs (in Keras too); the
schedule takes it past 99.0% (figures in the closing notes).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import engine  # noqa: E402
from engine.layers import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D  # noqa: E402

GOALS = {"mnist": 0.990, "fashion": 0.90}
FASHION_DIRS = [Path("/usr/share/datasets/fashion-mnist")]


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (optionally gzipped): magic 0x0000 08 <ndim>, big-endian sizes, uint8 data."""
    raw = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    if raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(dataset: str, given: str | None):
    """((x_train, y_train), (x_test, y_test)) as uint8 (n, 28, 28) images and labels, and a source."""
    if dataset == "mnist":
        candidates = [Path(given)] if given else []
        if os.environ.get("HORNBOOK_DATA_DIR"):
            candidates.append(Path(os.environ["HORNBOOK_DATA_DIR"]) / "mnist.npz")
        candidates.append(ROOT.parent / "shared" / "data" / "mnist.npz")
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            sys.exit("mnist.npz not found: pass --data PATH")
        with np.load(path) as d:
            return ((d["x_train"], d["y_train"]), (d["x_test"], d["y_test"])), str(path)
    try:  # the engine's own loader, when it exists and finds the files
        from engine.datasets import fashion_mnist
        return fashion_mnist.load_data(), "engine.datasets.fashion_mnist"
    except Exception:  # noqa: BLE001 — fall back to reading the Debian copy ourselves
        pass
    folder = Path(given) if given else next((d for d in FASHION_DIRS if d.is_dir()), None)
    if folder is None:
        sys.exit("Fashion-MNIST not found: apt-get install dataset-fashion-mnist, or --data DIR")
    parts = [read_idx(folder / f"{name}-ubyte.gz") for name in
             ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")]
    return ((parts[0], parts[1]), (parts[2], parts[3])), f"IDX files in {folder}"


def learning_rate(peak: float, schedule: str, total_steps: int, warmup_steps: int):
    """Adam's learning rate: `peak` throughout, or Keras' CosineDecay warming up linearly from
    peak/10 to `peak` over `warmup_steps`, then a half cosine down to 0 at the last step."""
    if schedule == "constant":
        return peak
    return engine.optimizers.schedules.CosineDecay(
        peak / 10, decay_steps=max(1, total_steps - warmup_steps), warmup_target=peak,
        warmup_steps=warmup_steps)


def model(dropout: float = 0.5, padding: str = "valid", rate=0.001) -> engine.Sequential:
    net = engine.Sequential([
        Input((28, 28, 1)), Conv2D(32, 3, padding=padding, activation="relu"), MaxPooling2D(),
        Conv2D(64, 3, padding=padding, activation="relu"), MaxPooling2D(), Flatten(),
        Dense(128, activation="relu"), Dropout(dropout), Dense(10, activation="softmax")])
    net.compile(optimizer=engine.optimizers.Adam(rate), loss="sparse_categorical_crossentropy",
                metrics=["accuracy"])
    return net


class EpochReport(engine.callbacks.Callback):
    """Times each epoch's training and evaluates the test set after it (outside the timing)."""

    def __init__(self, x_test, y_test) -> None:
        super().__init__()
        self.x_test, self.y_test, self.rows = x_test, y_test, []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        probs = self.model.predict(self.x_test, batch_size=512, verbose=0)
        accuracy = float((probs.argmax(axis=1) == self.y_test).mean())
        self.rows.append((epoch + 1, seconds, logs["loss"], logs["accuracy"], accuracy))
        print(f"epoch {epoch + 1}: {seconds:6.1f} s  loss {logs['loss']:.4f}  train accuracy "
              f"{logs['accuracy']:.4f}  test accuracy {accuracy:.4f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    parser.add_argument("--data", help="mnist.npz, or the folder of Fashion-MNIST's IDX files")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dropout", type=float, default=0.5, help="rate of the Dropout layer")
    parser.add_argument("--padding", choices=["valid", "same"], default="valid",
                        help="of both convolutions ('same' keeps 28×28 and 14×14 maps)")
    parser.add_argument("--learning-rate", type=float, default=0.003, help="Adam's (peak) rate")
    parser.add_argument("--schedule", choices=["constant", "cosine"], default="cosine",
                        help="cosine: warm up to the rate, then decay to 0 by the last batch")
    parser.add_argument("--warmup-steps", type=int, default=200,
                        help="batches of linear warm-up from a tenth of the rate (cosine only)")
    args = parser.parse_args(argv)

    ((x_train, y_train), (x_test, y_test)), source = load(args.dataset, args.data)
    x_train = x_train.reshape(-1, 28, 28, 1).astype(np.float32) / np.float32(255)
    x_test = x_test.reshape(-1, 28, 28, 1).astype(np.float32) / np.float32(255)
    print(f"{args.dataset}: {len(x_train)} training and {len(x_test)} test images from {source}; "
          f"batch {args.batch_size}, seed {args.seed}, dropout {args.dropout}, padding {args.padding}, "
          f"Adam {args.learning_rate} {args.schedule} (warm-up {args.warmup_steps} steps); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    engine.utils.set_random_seed(args.seed)
    steps = -(-len(x_train) // args.batch_size) * args.epochs
    net = model(args.dropout, args.padding,
                learning_rate(args.learning_rate, args.schedule, steps, args.warmup_steps))
    report = EpochReport(x_test, y_test.astype(np.int64))
    net.fit(x_train, y_train.astype(np.int64), batch_size=args.batch_size, epochs=args.epochs,
            verbose=0, callbacks=[report])
    best = max(row[4] for row in report.rows)
    goal = GOALS[args.dataset]
    total = sum(row[1] for row in report.rows)
    print(f"training time {total:.1f} s for {len(report.rows)} epochs; final test accuracy "
          f"{report.rows[-1][4]:.4f} (best {best:.4f}); goal ≥ {goal:.3f}: "
          f"{'met' if report.rows[-1][4] >= goal else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
