"""Write the golden text-model files in tests/fixtures/ with REAL Keras 3 (not a Hornbook dependency).

    pip install torch==2.13.0 keras        # the local torch wheel; keras 3.15.1 was used
    KERAS_BACKEND=torch python scripts/make_keras_text_fixtures.py

The data are short review-like sentences made from fixed word lists with a seeded generator
(label 1 = positive), tokenized with Keras' own legacy Tokenizer (num_words=48, oov_token) and
padded with keras.utils.pad_sequences, so the inputs hold padding zeros. Each model is trained
briefly, saved with `model.save("….h5")` and paired with an .npz holding the texts, the Tokenizer's
JSON, the padded inputs, Keras' predictions, loss and accuracy, and one more training step Keras
took on a fixed batch after saving (weights and loss):

- keras_text_lstm.h5: Embedding(48, 8) → LSTM(8) → Dense(1, sigmoid); pre-padding, adam.
- keras_text_gru.h5: Embedding(48, 8) → GRU(8) → Dense(1, sigmoid); post-padding, adam.
- keras_text_masked_rnn.h5: Embedding(48, 8, mask_zero=True) → SimpleRNN(8,
  return_sequences=True) → GlobalAveragePooling1D → Dense(1, sigmoid); post-padding, adam.
- keras_text_bidirectional.h5: Embedding(48, 6, mask_zero=True) → Bidirectional(GRU(5,
  reset_after=False, go_backwards=False)) → Dense(2, softmax); sparse labels, rmsprop.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from keras.src.legacy.preprocessing.text import Tokenizer  # noqa: E402

SEED = 1234
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")
NUM_WORDS, MAXLEN = 48, 12

SUBJECTS = ["the movie", "this film", "the plot", "the acting", "the ending", "the music",
            "our evening", "the story"]
GOOD = ["great", "wonderful", "fun", "moving", "brilliant", "clever", "lovely", "superb"]
BAD = ["dull", "boring", "awful", "slow", "silly", "weak", "messy", "tedious"]
FILLERS = ["really", "truly", "quite", "very", "so", "rather"]
TAILS = ["and i laughed", "and we left early", "overall", "to be honest", "in the end",
         "again and again", "for everyone", "", "", ""]


def make_texts(n: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Sentences like 'The plot was really dull, to be honest!' and their labels (1 = good)."""
    texts, labels = [], rng.integers(0, 2, n)
    for label in labels:
        words = GOOD if label else BAD
        parts = [rng.choice(SUBJECTS).capitalize(), "was", rng.choice(FILLERS),
                 rng.choice(words)]
        if rng.random() < 0.5:
            parts += ["and", rng.choice(FILLERS), rng.choice(words)]
        text = " ".join(parts) + ", " + rng.choice(TAILS)
        texts.append(text.strip(", ") + rng.choice([".", "!", "..."]))
    return texts, labels.astype("float32")


def save(model, name: str, data: dict, x_step: np.ndarray, y_step: np.ndarray) -> None:
    """model.save, the npz of inputs and Keras' results, then one more step on a fixed batch."""
    path = os.path.join(OUT, f"{name}.h5")
    model.save(path)
    x, y = data["x"], data["y"]
    predictions = np.asarray(model.predict(x, verbose=0))
    loss, accuracy = model.evaluate(x, y, verbose=0)
    saved = [w.copy() for w in model.get_weights()]
    iterations = int(model.optimizer.iterations.numpy())
    step_loss = model.train_on_batch(x_step, y_step)
    step_loss = step_loss[0] if isinstance(step_loss, list | tuple) else step_loss
    np.savez(os.path.join(OUT, f"{name}.npz"), **data, predictions=predictions,
             loss=np.float32(loss), accuracy=np.float32(accuracy), iterations=np.int64(iterations),
             step_x=x_step, step_y=y_step, step_loss=np.float32(step_loss),
             keras_version=np.array(keras.__version__),
             **{f"saved_weight_{i}": w for i, w in enumerate(saved)},
             **{f"step_weight_{i}": w for i, w in enumerate(model.get_weights())})
    print(f"{name}: {os.path.getsize(path)} bytes, loss {loss:.4f}, accuracy {accuracy:.3f}")


def dataset(texts, labels, tokenizer, padding: str, n_test: int = 32) -> tuple[dict, tuple]:
    sequences = tokenizer.texts_to_sequences(texts)
    x = keras.utils.pad_sequences(sequences, maxlen=MAXLEN, padding=padding, truncating="pre")
    data = {"texts": np.array(texts[-n_test:]), "tokenizer_json": np.array(tokenizer.to_json()),
            "padding": np.array(padding), "x": x[-n_test:], "y": labels[-n_test:]}
    return data, (x[:-n_test], labels[:-n_test])


def build_and_fit(layers, train, loss="binary_crossentropy", optimizer="adam", epochs=12):
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([keras.Input((MAXLEN,)), *layers])
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    model.fit(*train, batch_size=32, epochs=epochs, verbose=0)
    return model


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    texts, labels = make_texts(480, rng)
    tokenizer = Tokenizer(num_words=NUM_WORDS, oov_token="<oov>")
    tokenizer.fit_on_texts(texts[:-32])  # the test texts may hold words the tokenizer never saw
    L = keras.layers
    for name, padding, make in [
        ("keras_text_lstm", "pre", lambda: [L.Embedding(NUM_WORDS, 8), L.LSTM(8),
                                            L.Dense(1, activation="sigmoid")]),
        ("keras_text_gru", "post", lambda: [L.Embedding(NUM_WORDS, 8), L.GRU(8),
                                            L.Dense(1, activation="sigmoid")]),
        ("keras_text_masked_rnn", "post", lambda: [
            L.Embedding(NUM_WORDS, 8, mask_zero=True), L.SimpleRNN(8, return_sequences=True),
            L.GlobalAveragePooling1D(), L.Dense(1, activation="sigmoid")]),
    ]:
        keras.backend.clear_session()
        data, train = dataset(texts, labels, tokenizer, padding)
        model = build_and_fit(make(), train)
        save(model, name, data, train[0][:32], train[1][:32])
    keras.backend.clear_session()
    data, train = dataset(texts, labels, tokenizer, "pre")
    model = build_and_fit([L.Embedding(NUM_WORDS, 6, mask_zero=True),
                           L.Bidirectional(L.GRU(5, reset_after=False)),
                           L.Dense(2, activation="softmax")], train,
                          loss="sparse_categorical_crossentropy", optimizer="rmsprop")
    save(model, "keras_text_bidirectional", data, train[0][:32], train[1][:32])


if __name__ == "__main__":
    main()
