"""Train the digit model the app loads at first launch, reproducibly, on full MNIST.

    HORNBOOK_DATA_DIR=../shared/data python scripts/train_default_model.py

Writes assets/models/digit_mlp.h5 (Keras' legacy HDF5 layout) and prints its test accuracy.
Input is a 28×28 float image in 0..1 — what the canvas preprocessing produces.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.datasets import mnist
from engine.layers import Dense, Flatten, Input
from engine.models import Sequential
from engine.utils import set_random_seed

OUTPUT = Path(__file__).resolve().parents[1] / "assets" / "models" / "digit_mlp.h5"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    model = Sequential([Input((28, 28)), Flatten(), Dense(128, activation="relu"),
                        Dense(10, activation="softmax")], name="digit_mlp")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=64, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(args.output), include_optimizer=False)  # the app only predicts with it
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
