"""Write the golden Keras files in tests/fixtures/ with REAL Keras 3 (not a Hornbook dependency).

    pip install torch==2.13.0 keras        # the local torch wheel; keras 3.15.1 was used
    KERAS_BACKEND=torch python scripts/make_keras_fixtures.py [path/to/mnist.npz]

Each model is trained briefly on real MNIST (so its weights are not the initial ones), saved with
`model.save("….h5")`, and paired with an .npz of inputs and what Keras computed for them:

- keras_mlp.h5: Input 784 → Dense 32 relu → Dropout 0.2 → Dense 10 softmax; adam,
  categorical_crossentropy, accuracy. Re-compiled after training (a fresh Adam, no moments) before
  saving, so the file keeps training_config but stays under 300 KB.
- keras_cnn.h5: Input 28×28×1 → Conv2D 8 3×3 relu → BatchNormalization → MaxPooling2D 2 → Dropout
  0.25 → Flatten → Dense 10 softmax; adam with its optimizer state.
- keras_adam_continue.h5: Input 49 (7×7 average-pooled digits) → Dense 16 tanh → Dense 10 softmax,
  Adam(0.01) with its state; the .npz also holds one more training step Keras took on a fixed
  batch after saving (weights and loss), to check that training continues identically here.
  Also saved as keras_adam_continue.keras (Keras' native zip format).
- keras_functional.h5: the same shape as a functional keras.Model (Input → Dense 8 relu → Dense 10
  softmax), SGD(0.05, momentum=0.9), CategoricalCrossentropy(label_smoothing=0.1) as an object;
  the .npz holds the next step too.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

SEED = 1234
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")
DEFAULT_MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist.npz")


def load_mnist(path: str, n_train: int = 512, n_test: int = 16):
    with np.load(path) as data:
        x_train, y_train = data["x_train"][:n_train], data["y_train"][:n_train]
        x_test, y_test = data["x_test"][:n_test], data["y_test"][:n_test]
    scale = np.float32(1 / 255)
    return (x_train.astype("float32") * scale, y_train), (x_test.astype("float32") * scale, y_test)


def one_hot(labels: np.ndarray) -> np.ndarray:
    return keras.utils.to_categorical(labels, 10).astype("float32")


def save(model, name: str, x: np.ndarray, y: np.ndarray) -> None:
    path = os.path.join(OUT, f"{name}.h5")
    model.save(path)
    predictions = np.asarray(model.predict(x, verbose=0))
    loss, accuracy = model.evaluate(x, y, verbose=0)
    np.savez(os.path.join(OUT, f"{name}.npz"), x=x, y=y, predictions=predictions,
             loss=np.float32(loss), accuracy=np.float32(accuracy),
             iterations=np.int64(model.optimizer.iterations.numpy()),
             keras_version=np.array(keras.__version__))
    print(f"{name}: {os.path.getsize(path)} bytes, loss {loss:.4f}, accuracy {accuracy:.3f}")


def make_mlp(train, test) -> None:
    keras.backend.clear_session()  # layer names start again at "dense", "sequential"
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input((784,)), keras.layers.Dense(32, activation="relu"),
        keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    (x, y), (xt, yt) = train, test
    model.fit(x.reshape(-1, 784), one_hot(y), batch_size=32, epochs=1, verbose=0)
    # The Adam moments of 25k weights would push the file past 300 KB; a fresh optimizer keeps
    # training_config while Keras writes only its 2 scalar variables. (include_optimizer=False
    # would drop training_config too.) keras_cnn and keras_adam_continue carry full Adam state.
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    save(model, "keras_mlp", xt.reshape(-1, 784), one_hot(yt))


def make_cnn(train, test) -> None:
    keras.backend.clear_session()  # layer names start again at "dense", "sequential"
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.BatchNormalization(), keras.layers.MaxPooling2D(2),
        keras.layers.Dropout(0.25), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    (x, y), (xt, yt) = train, test
    model.fit(x[..., None], one_hot(y), batch_size=32, epochs=1, verbose=0)
    save(model, "keras_cnn", xt[..., None], one_hot(yt))


def pooled(x: np.ndarray) -> np.ndarray:
    """(n, 28, 28) → (n, 49): the mean of each 4×4 block."""
    return x.reshape(-1, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(-1, 49).astype("float32")


def save_with_next_step(model, name: str, train, test) -> None:
    """Save, then take one more training step on a fixed batch and record where Keras landed."""
    (x, y), (xt, yt) = train, test
    weights_saved = [w.copy() for w in model.get_weights()]
    # The native format first: Keras' .h5 writer pops "optimizer" out of the model's compile
    # config, so a .keras file saved after it would come without its optimizer.
    model.save(os.path.join(OUT, f"{name}.keras"))
    save(model, name, pooled(xt), one_hot(yt))
    xb, yb = pooled(x[:32]), one_hot(y[:32])
    step_loss = model.train_on_batch(xb, yb)
    step_loss = step_loss[0] if isinstance(step_loss, list | tuple) else step_loss
    with np.load(os.path.join(OUT, f"{name}.npz")) as saved:
        arrays = dict(saved)
    np.savez(os.path.join(OUT, f"{name}.npz"), **arrays, step_x=xb, step_y=yb,
             step_loss=np.float32(step_loss),
             **{f"step_weight_{i}": w for i, w in enumerate(model.get_weights())},
             **{f"saved_weight_{i}": w for i, w in enumerate(weights_saved)})


def make_adam_continue(train, test) -> None:
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input((49,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    (x, y) = train
    model.fit(pooled(x), one_hot(y), batch_size=64, epochs=3, verbose=0)
    save_with_next_step(model, "keras_adam_continue", train, test)


def make_functional(train, test) -> None:
    """A functional model that is one chain, with SGD momentum and a loss object."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    inputs = keras.Input((49,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy"])
    (x, y) = train
    model.fit(pooled(x), one_hot(y), batch_size=64, epochs=2, verbose=0)
    save_with_next_step(model, "keras_functional", train, test)


def main() -> None:
    mnist = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MNIST
    os.makedirs(OUT, exist_ok=True)
    train, test = load_mnist(mnist)
    make_mlp(train, test)
    make_cnn(train, test)
    make_adam_continue(train, test)
    make_functional(train, test)


if __name__ == "__main__":
    main()
