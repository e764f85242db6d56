"""Train the digit model the app loads at first launch, reproducibly, on full MNIST.

    HORNBOOK_DATA_DIR=../shared/data python scripts/train_default_model.py

The model is the default digit CNN — Conv2D(32, 3×3, relu) → MaxPooling2D → Conv2D(64, 3×3, relu)
→ MaxPooling2D → Flatten → Dropout(0.5) → Dense(10, softmax), as in Keras' MNIST convnet example —
trained with Adam on the engine from a fixed seed. It takes a (28, 28, 1) float image in 0..1: what
the canvas preprocessing produces, with a channel axis added.

Writes assets/models/digit_cnn.h5 (Keras' legacy HDF5 layout, no optimizer state, so it stays small)
and prints its test accuracy after every epoch.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from engine.callbacks import Callback
from engine.datasets import mnist
from engine.layers import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from engine.models import Sequential
from engine.utils import set_random_seed

OUTPUT = Path(__file__).resolve().parents[1] / "assets" / "models" / "digit_cnn.h5"


def digit_cnn() -> Sequential:
    model = Sequential([
        Input((28, 28, 1)),
        Conv2D(32, 3, activation="relu"), MaxPooling2D(),
        Conv2D(64, 3, activation="relu"), MaxPooling2D(),
        Flatten(), Dropout(0.5), Dense(10, activation="softmax"),
    ], name="digit_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class TestReport(Callback):
    """Prints each epoch's time, training figures and test accuracy (evaluated outside the timing)."""

    def __init__(self, x_test: np.ndarray, y_test: np.ndarray) -> None:
        super().__init__()
        self.x_test, self.y_test = x_test, y_test

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.started
        _, accuracy = self.model.evaluate(self.x_test, self.y_test, batch_size=500, verbose=0)
        print(f"epoch {epoch + 1}: {seconds:.0f} s, loss {logs['loss']:.4f}, accuracy "
              f"{logs['accuracy']:.4f}, test accuracy {accuracy:.4f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    # float32 in 0..1 with a channel axis: the layout the app's canvas and data panel produce.
    x_train = x_train.reshape(-1, 28, 28, 1).astype(np.float32) / np.float32(255)
    x_test = x_test.reshape(-1, 28, 28, 1).astype(np.float32) / np.float32(255)
    model = digit_cnn()
    model.fit(x_train, y_train.astype(np.int64), epochs=args.epochs, batch_size=args.batch_size,
              verbose=0, callbacks=[TestReport(x_test, y_test.astype(np.int64))])
    loss, accuracy = model.evaluate(x_test, y_test.astype(np.int64), verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(args.output), include_optimizer=False)  # the app only predicts with it
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
