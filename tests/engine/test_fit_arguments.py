"""fit's arguments with Keras 3's semantics: History, validation, sample and class weights, initial_epoch,
verbose, and stopping from a callback, on small real problems."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import engine
from engine import layers
from engine.callbacks import Callback
from tests.engine.fit_helpers import BatchCounter
from tests.engine.training_data import blobs, classifier, mnist_sample, weights_equal


# --- History and logs ---------------------------------------------------------------------------
def test_history_keys_values_and_acc_alias():
    x, y = blobs(200)
    model = classifier()
    hist = model.fit(x, y, epochs=3, batch_size=20, validation_split=0.25, verbose=0)
    assert list(hist.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]  # sorted, as Keras
    assert all(len(v) == 3 for v in hist.history.values())
    assert hist.history["acc"] is hist.history["accuracy"]
    assert hist.history["val_acc"] is hist.history["val_accuracy"]
    assert "acc" in hist.history and "top_k" not in hist.history
    assert hist.epoch == [0, 1, 2]
    assert model.history is hist
    assert hist.params == {"verbose": 0, "epochs": 3, "steps": math.ceil(150 / 20)}
    assert hist.history["loss"][-1] < hist.history["loss"][0]  # it learns


def test_mnist_sample_trains_from_uint8_images():
    x, y = mnist_sample(500)
    engine.utils.set_random_seed(1)
    model = engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(),
                               layers.Dense(32, activation="relu"), layers.Dense(10, activation="softmax")])
    # Raw 0–255 pixels need a small rate.
    model.compile(optimizer=engine.optimizers.SGD(learning_rate=3e-4), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, epochs=4, batch_size=50, verbose=0)
    assert x.dtype == np.uint8
    assert hist.history["loss"][3] < hist.history["loss"][0]
    assert hist.history["accuracy"][3] > 0.5  # chance is 0.1


def test_validation_split_holds_out_exactly_the_last_fraction():
    x, y = blobs(100)
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.0))  # weights stay fixed
    hist = model.fit(x, y, epochs=1, batch_size=16, validation_split=0.3, shuffle=True, verbose=0)
    split = int(math.floor(100 * (1 - 0.3)))
    val_loss, val_acc = model.evaluate(x[split:], y[split:], verbose=0)
    assert hist.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-6)
    assert hist.history["val_accuracy"][0] == pytest.approx(val_acc)
    # The training mean is over exactly the first 70 samples (in whatever order).
    assert hist.history["loss"][0] == pytest.approx(model.evaluate(x[:split], y[:split], verbose=0)[0],
                                                    rel=1e-5)
    # ...and not some other 30 samples.
    assert model.evaluate(x[:30], y[:30], verbose=0)[0] != pytest.approx(val_loss, rel=1e-3)


def test_validation_data_with_sample_weights():
    x, y = blobs(120)
    xv, yv = blobs(40, seed=1)
    wv = np.linspace(0.0, 2.0, 40).astype(np.float32)
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.0))
    hist = model.fit(x, y, epochs=1, verbose=0, validation_data=(xv, yv, wv))
    weighted = model.evaluate(xv, yv, sample_weight=wv, verbose=0)[0]
    assert hist.history["val_loss"][0] == pytest.approx(weighted, rel=1e-6)
    assert weighted != pytest.approx(model.evaluate(xv, yv, verbose=0)[0], rel=1e-3)
    with pytest.raises(ValueError, match="format"):
        model.fit(x, y, epochs=1, verbose=0, validation_data=(xv, yv, wv, wv))


def test_sample_weight_scales_the_gradient():
    # sum_over_batch_size: weights of 2 double every gradient, the same as doubling the rate.
    x, y = blobs(64)
    a = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.05))
    b = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.1))
    a.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, sample_weight=np.full(64, 2.0))
    b.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert weights_equal(a.get_weights(), b.get_weights(), rtol=1e-4, atol=1e-6)


def test_class_weight_is_sample_weight_by_class():
    x, y = blobs(90)
    cw = {0: 0.5, 1: 2.0}  # class 2 unlisted: weight 1
    a = classifier()
    b = classifier()
    a.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0, class_weight=cw)
    b.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0,
          sample_weight=np.array([cw.get(int(c), 1.0) for c in y]))
    assert weights_equal(a.get_weights(), b.get_weights(), rtol=1e-6)
    one_hot = engine.utils.to_categorical(y, 3)
    c = classifier(loss="categorical_crossentropy")
    c.fit(x, one_hot, epochs=2, batch_size=10, shuffle=False, verbose=0, class_weight=cw)
    assert weights_equal(a.get_weights(), c.get_weights(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="class_weight"):
        a.fit(x, y, verbose=0, class_weight=cw, sample_weight=np.ones(90))


def test_initial_epoch_continues_the_count(capsys):
    x, y = blobs(60)
    hist = classifier().fit(x, y, epochs=5, initial_epoch=3, batch_size=30, verbose=2)
    assert hist.epoch == [3, 4]
    out = capsys.readouterr().out
    assert "Epoch 4/5" in out and "Epoch 5/5" in out and "Epoch 3/5" not in out


# --- progress output ------------------------------------------------------------------------------
def test_verbose_1_lines(capsys):
    x, y = blobs(100)
    hist = classifier().fit(x, y, epochs=2, batch_size=10, validation_split=0.2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    pattern = (r"8/8 ━{20} \d+s \d+(us|ms|s)/step - accuracy: (\d\.\d{4}) - loss: (\d\.\d{4}) "
               r"- val_accuracy: (\d\.\d{4}) - val_loss: (\d\.\d{4})")
    for epoch, line in enumerate([lines[1], lines[3]]):
        match = re.fullmatch(pattern, line)
        assert match, line
        for key, text in zip(["accuracy", "loss", "val_accuracy", "val_loss"], match.groups()[1:],
                             strict=True):
            assert text == f"{hist.history[key][epoch]:.4f}"


def test_verbose_2_and_single_epoch_and_silence(capsys):
    x, y = blobs(100)
    model = classifier()
    model.fit(x, y, epochs=1, batch_size=32, verbose=2)
    out = capsys.readouterr().out
    assert re.fullmatch(r"4/4 - \d+s - \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}\n", out)
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(x, y, verbose=1)
    assert re.fullmatch(r"4/4 ━{20} \d+s \d+(us|ms|s)/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}\n",
                        capsys.readouterr().out)
    model.predict(x, verbose=1)
    assert re.fullmatch(r"4/4 ━{20} \d+s \d+(us|ms|s)/step\n", capsys.readouterr().out)
    model.predict(x, verbose="auto")
    assert capsys.readouterr().out.startswith("4/4 ━")


# --- stopping from a callback --------------------------------------------------------------------
def test_stop_training_in_a_batch_callback_stops_after_that_batch():
    class StopAt(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 3:
                self.model.stop_training = True

    x, y = blobs(200)
    counter = BatchCounter()
    model = classifier()
    hist = model.fit(x, y, epochs=5, batch_size=10, verbose=0, callbacks=[StopAt(), counter])
    assert counter.batches == [0, 1, 2, 3]
    assert model.optimizer.iterations == 4
    assert hist.epoch == [0]
