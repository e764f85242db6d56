"""Callbacks on small real runs: Keras 3's names, defaults and semantics.

To steer a monitored quantity exactly, `Scripted` (listed first) overwrites one log value per epoch
before the callback under test reads it; callbacks share one logs dict, as in Keras.
"""

from __future__ import annotations

import csv
import math
import os

import numpy as np
import pytest

import engine
from engine.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from engine.models import Sequential
from tests.engine.training_data import blobs, classifier, weights_equal


class Scripted(Callback):
    """Replaces logs[key] by series[epoch] and keeps a copy of the weights at each epoch end."""

    def __init__(self, key: str, series) -> None:
        super().__init__()
        self.key, self.series, self.weights = key, list(series), []

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.series[epoch]
        self.weights.append(self.model.get_weights())


@pytest.fixture
def data():
    return blobs(60)


def run(callbacks, data, epochs=8, **kwargs):
    model = kwargs.pop("model", None) or classifier()
    hist = model.fit(*data, epochs=epochs, batch_size=20, verbose=0, callbacks=callbacks, **kwargs)
    return model, hist


# --- EarlyStopping --------------------------------------------------------------------------------
def test_early_stopping_defaults():
    es = EarlyStopping()
    assert (es.monitor, es.min_delta, es.patience, es.verbose, es.mode, es.baseline,
            es.restore_best_weights, es.start_from_epoch) == ("val_loss", 0, 0, 0, "auto", None, False, 0)


def test_early_stopping_stops_after_patience_epochs_without_improvement(data):
    # Best 4.0 at epoch 1; epochs 2 and 3 do not beat it, so with patience 2 epoch 3 is the last.
    series = [5.0, 4.0, 4.5, 4.2, 3.0, 2.0, 1.0, 0.5]
    es = EarlyStopping(monitor="loss", patience=2)
    _, hist = run([Scripted("loss", series), es], data)
    assert hist.epoch == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and es.best == 4.0 and es.best_epoch == 1


def test_early_stopping_min_delta_and_max_mode(data):
    # mode max with min_delta 0.1: 0.55 and 0.58 are not improvements over 0.5 → stop at epoch 2.
    es = EarlyStopping(monitor="val_accuracy", patience=2, min_delta=0.1)
    _, hist = run([Scripted("val_accuracy", [0.5, 0.55, 0.58, 0.9, 0.95, 1, 1, 1]), es], data,
                  validation_split=0.2)
    assert hist.epoch == [0, 1, 2] and es.monitor_op.__name__ == "gt"


def test_early_stopping_with_a_plateau_from_a_zero_learning_rate(data):
    # SGD with rate 0: the loss never changes; patience 0 stops at epoch 1 (Keras never stops at 0).
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.0))
    _, hist = run([EarlyStopping(monitor="loss")], data, model=model, shuffle=False)
    assert hist.epoch == [0, 1]
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.1))
    _, hist = run([EarlyStopping(monitor="loss", patience=1)], data, epochs=5, model=model)
    assert hist.epoch == [0, 1, 2, 3, 4]  # a learnable problem keeps improving


def test_restore_best_weights(data):
    series = [5.0, 3.0, 4.0, 4.5, 4.6, 1.0, 1.0, 1.0]
    script = Scripted("val_loss", series)
    model, hist = run([script, EarlyStopping(patience=3, restore_best_weights=True)], data,
                      validation_split=0.2)
    assert hist.epoch == [0, 1, 2, 3, 4]
    assert weights_equal(model.get_weights(), script.weights[1])
    assert not weights_equal(model.get_weights(), script.weights[4])
    script = Scripted("val_loss", series)
    model, _ = run([script, EarlyStopping(patience=3)], data, validation_split=0.2)
    assert weights_equal(model.get_weights(), script.weights[4])


def test_baseline_and_start_from_epoch(data):
    # Nothing beats the baseline 1.0, so the count is never reset: it stops after `patience` epochs.
    _, hist = run([Scripted("loss", [3.0] * 8), EarlyStopping(monitor="loss", patience=3, baseline=1.0)],
                  data)
    assert hist.epoch == [0, 1, 2]
    _, hist = run([Scripted("loss", [3.0] * 8), EarlyStopping(monitor="loss", patience=3)], data)
    assert hist.epoch == [0, 1, 2, 3]  # without a baseline the first epoch resets the count
    # Epochs before start_from_epoch are not watched.
    _, hist = run([Scripted("loss", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
                   EarlyStopping(monitor="loss", start_from_epoch=3)], data)
    assert hist.epoch == [0, 1, 2, 3, 4]


def test_early_stopping_unknown_direction_and_missing_key(data):
    with pytest.raises(ValueError, match="mode='max'"):
        run([EarlyStopping(monitor="wiggle")], data)
    with pytest.warns(UserWarning, match="not available"):
        _, hist = run([EarlyStopping(monitor="val_loss")], data, epochs=2)
    assert hist.epoch == [0, 1]


# --- ReduceLROnPlateau and LearningRateScheduler ---------------------------------------------------
def test_reduce_lr_on_plateau_halves_after_patience(data):
    # Constant loss: epoch 0 sets the best; epochs 1, 2 wait; the rate drops at the end of epoch 2,
    # and again at the end of epoch 4. Logs carry the rate in use during each epoch (logged before
    # the reduction, as Keras does).
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.1))
    rlr = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    _, hist = run([Scripted("loss", [1.0] * 6), rlr], data, epochs=6, model=model)
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.025)


def test_reduce_lr_cooldown_min_lr_and_defaults(data):
    rlr = ReduceLROnPlateau()
    assert (rlr.monitor, rlr.factor, rlr.patience, rlr.min_delta, rlr.cooldown, rlr.min_lr) == (
        "val_loss", 0.1, 10, 1e-4, 0, 0.0)
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=1.0))
    rlr = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, cooldown=2, min_lr=0.005)
    _, hist = run([Scripted("loss", [1.0] * 8), rlr], data, epochs=8, model=model)
    # Epoch 0 sets the best; epoch 1 reduces (1 → 0.1) and starts a cooldown of 2. Each epoch in
    # cooldown first counts it down: epoch 2 → 1, epoch 3 → 0, so epoch 3 already waits and
    # reduces (0.1 → 0.01); epochs 4–5 likewise end in a reduction at epoch 5, to max(0.001, min_lr).
    assert hist.history["learning_rate"] == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01, 0.01, 0.005, 0.005])
    assert model.optimizer.learning_rate == pytest.approx(0.005)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler(data):
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.2))
    _, hist = run([LearningRateScheduler(lambda epoch, lr: lr * 0.5)], data, epochs=4, model=model)
    assert hist.history["learning_rate"] == pytest.approx([0.2 * 0.5 ** (e + 1) for e in range(4)])
    model = classifier()
    _, hist = run([LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], data, epochs=3, model=model)
    assert hist.history["learning_rate"] == pytest.approx([0.01, 0.02, 0.03])
    with pytest.raises(ValueError, match="should be a float"):
        run([LearningRateScheduler(lambda epoch, lr: 1)], data, epochs=1)


# --- CSVLogger, LambdaCallback, TerminateOnNaN ------------------------------------------------------
def test_csv_logger_writes_a_header_and_one_row_per_epoch(tmp_path, data):
    path = tmp_path / "log.csv"
    _, hist = run([CSVLogger(path)], data, epochs=3, validation_split=0.2)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    for i, key in enumerate(rows[0][1:], start=1):
        assert [float(r[i]) for r in rows[1:]] == pytest.approx(hist.history[key])
    # append=True continues the file without a second header; another separator works too.
    run([CSVLogger(path, append=True)], data, epochs=2, validation_split=0.2)
    with open(path) as f:
        assert len(f.read().strip().split("\n")) == 1 + 3 + 2
    semi = tmp_path / "semi.csv"
    run([CSVLogger(semi, separator=";")], data, epochs=1)
    assert semi.read_text().splitlines()[0] == "epoch;accuracy;loss"


def test_lambda_callback_gets_each_hook(data):
    calls = []
    cb = LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                        on_epoch_end=lambda epoch, logs: calls.append(("epoch", epoch, sorted(logs))),
                        on_train_batch_end=lambda batch, logs: calls.append(("batch", batch)),
                        on_train_end=lambda logs: calls.append("end"))
    run([cb], data, epochs=2)
    batches = math.ceil(60 / 20)
    assert calls[0] == "begin" and calls[-1] == "end"
    assert calls.count(("batch", 0)) == 2 and len([c for c in calls if c[0] == "batch"]) == 2 * batches
    assert ("epoch", 1, ["accuracy", "loss"]) in calls
    with pytest.raises(ValueError, match="Unrecognized hook"):
        LambdaCallback(on_banana=print)


def test_terminate_on_nan_stops_within_the_batch(data):
    x, y = data
    x = x.copy()
    x[25] = np.nan  # the second batch of 20 holds it
    model = classifier()
    counter = []
    _, hist = run([TerminateOnNaN(), LambdaCallback(on_train_batch_end=lambda b, logs: counter.append(b))],
                  (x, y), epochs=3, model=model, shuffle=False)
    assert counter == [0, 1] and model.optimizer.iterations == 2 and hist.epoch == [0]
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        run([TerminateOnNaN(raise_error=True)], (x, y), epochs=1, shuffle=False)


# --- callback plumbing ----------------------------------------------------------------------------
def test_keras2_batch_hook_names_still_called(data):
    class Old(Callback):
        def __init__(self):
            super().__init__()
            self.begin = self.end = 0

        def on_batch_begin(self, batch, logs=None):
            self.begin += 1

        def on_batch_end(self, batch, logs=None):
            self.end += 1

    old = Old()
    run([old], data, epochs=2)
    assert old.begin == old.end == 2 * 3


def test_history_and_progbar_come_last_and_params_are_set(data):
    seen = {}

    class Peek(Callback):
        def on_train_begin(self, logs=None):
            seen["params"] = dict(self.params)
            seen["model"] = self.model

    model = classifier()
    cbs = CallbackList([Peek()], add_history=True, add_progbar=True, model=model, verbose=1, epochs=2,
                       steps=3)
    assert [type(c) for c in cbs.callbacks] == [Peek, History, ProgbarLogger]
    model.fit(*data, epochs=2, batch_size=20, verbose=0, callbacks=[Peek()])
    assert seen["params"] == {"verbose": 0, "epochs": 2, "steps": 3} and seen["model"] is model
    with pytest.raises(TypeError, match="Callback instance"):
        model.fit(*data, epochs=1, verbose=0, callbacks=[print])


def test_validation_reports_through_test_hooks(data):
    events = []
    cb = LambdaCallback(on_test_begin=lambda logs: events.append("test_begin"),
                        on_test_end=lambda logs: events.append(("test_end", sorted(logs))))
    run([cb], data, epochs=2, validation_split=0.25)
    assert events == ["test_begin", ("test_end", ["accuracy", "loss"])] * 2


# --- ModelCheckpoint (saving comes from engine/saving) --------------------------------------------
needs_saving = pytest.mark.skipif(not hasattr(Sequential, "save"), reason="model.save is not there yet")


def test_model_checkpoint_checks_the_path():
    with pytest.raises(ValueError, match=".weights.h5"):
        ModelCheckpoint("w.h5", save_weights_only=True)
    with pytest.raises(ValueError, match=".keras"):
        ModelCheckpoint("model.ckpt")
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint("m.h5", save_freq="batch")


@needs_saving
def test_model_checkpoint_formats_names_from_epoch_and_logs(tmp_path, data):
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.h5")
    _, hist = run([ModelCheckpoint(pattern)], data, epochs=3, validation_split=0.2)
    expected = sorted(f"ckpt-{e + 1:02d}-{v:.2f}.h5" for e, v in enumerate(hist.history["val_loss"]))
    assert sorted(os.listdir(tmp_path)) == expected


@needs_saving
def test_model_checkpoint_save_best_only_weights(tmp_path, data):
    series = [3.0, 2.0, 2.5, 1.0, 1.5]
    script = Scripted("val_loss", series)
    path = str(tmp_path / "e{epoch}.weights.h5")
    model, _ = run([script, ModelCheckpoint(path, save_best_only=True, save_weights_only=True)], data,
                   epochs=5, validation_split=0.2)
    # Improvements at epochs 0, 1 and 3 (files are numbered from 1).
    assert sorted(os.listdir(tmp_path)) == ["e1.weights.h5", "e2.weights.h5", "e4.weights.h5"]
    fresh = classifier()
    fresh.load_weights(str(tmp_path / "e4.weights.h5"))
    assert weights_equal(fresh.get_weights(), script.weights[3])


@needs_saving
def test_model_checkpoint_every_n_batches(tmp_path, data):
    path = str(tmp_path / "m-{epoch}-{batch}.h5")
    run([ModelCheckpoint(path, save_freq=2)], data, epochs=2)  # 3 batches an epoch, 6 in all
    assert sorted(os.listdir(tmp_path)) == ["m-1-2.h5", "m-2-1.h5", "m-2-3.h5"]
    saved = engine.models.load_model(str(tmp_path / "m-2-3.h5"))
    assert isinstance(saved, Sequential)
