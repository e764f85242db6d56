"""fit / evaluate / predict with Keras 3's semantics, on small real problems."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import engine
from engine import layers
from engine.callbacks import Callback
from tests.engine.training_data import blobs, classifier, mnist_sample, weights_equal


class RecordingArray(np.ndarray):
    """An array that logs every read: the key, and how many rows were copied out at once."""

    def __new__(cls, data):
        obj = np.asarray(data).view(cls)
        obj.log = []
        return obj

    def __array_finalize__(self, obj):
        self.log = getattr(obj, "log", None)  # views and copies share one log

    def __getitem__(self, key):
        result = super().__getitem__(key)
        if self.log is not None and isinstance(result, np.ndarray) and result.ndim == self.ndim:
            copied = not np.shares_memory(result, self)
            self.log.append((key, len(result), copied))
        return result

    def astype(self, dtype, *args, **kwargs):
        if self.log is not None:
            self.log.append(("astype", len(self), True))
        return super().astype(dtype, *args, **kwargs)


class BatchCounter(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)


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


def test_validation_split_reads_the_tail_rows_only():
    x, y = blobs(50)
    xr = RecordingArray(x)
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.0))
    model.fit(xr, y, epochs=1, batch_size=10, validation_split=0.2, shuffle=False, verbose=0)
    views = [key for key, _, copied in xr.log if not copied and isinstance(key, slice)]
    assert views[:2] == [slice(None, 40), slice(40, None)]


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


def test_shuffle_visits_every_sample_once_per_epoch_in_a_new_order():
    x, y = blobs(40)
    xr = RecordingArray(x)
    classifier().fit(xr, y, epochs=2, batch_size=8, shuffle=True, verbose=0)
    reads = [key for key, _, copied in xr.log if copied]
    assert len(reads) == 10 and all(len(k) <= 8 for k in reads)
    first, second = np.concatenate(reads[:5]), np.concatenate(reads[5:])
    assert sorted(first) == list(range(40)) == sorted(second)
    assert not np.array_equal(first, second)
    xr.log.clear()
    classifier().fit(xr, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert [key for key, _, _ in xr.log] == [slice(i, i + 8) for i in range(0, 40, 8)]


def test_uint8_data_is_converted_batch_by_batch():
    x, y = mnist_sample(200)
    xr = RecordingArray(x)
    def linear():
        return engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(),
                                  layers.Dense(10, activation="softmax")])

    a, b = linear(), linear()
    b.set_weights(a.get_weights())
    for m in (a, b):
        m.compile(optimizer=engine.optimizers.SGD(learning_rate=1e-5), loss="sparse_categorical_crossentropy")
    engine.utils.set_random_seed(4)
    a.fit(xr, y, epochs=1, batch_size=32, verbose=0)
    engine.utils.set_random_seed(4)
    b.fit(x.astype(np.float32), y, epochs=1, batch_size=32, verbose=0)
    # The same training as on a float copy...
    assert weights_equal(a.get_weights(), b.get_weights(), rtol=1e-6, atol=1e-8)
    # ...but rows were only ever copied a batch at a time, and never converted whole.
    assert xr.dtype == np.uint8
    assert max(rows for _, rows, copied in xr.log if copied) <= 32
    assert not any(isinstance(key, str) and key == "astype" for key, _, _ in xr.log)
    assert sum(rows for _, rows, copied in xr.log if copied) == 200


def test_memmap_input(tmp_path):
    x, y = blobs(60)
    path = tmp_path / "x.bin"
    x.tofile(path)
    mm = np.memmap(path, dtype=np.float32, mode="r", shape=x.shape)
    a, b = classifier(), classifier()
    a.fit(mm, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    b.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    assert weights_equal(a.get_weights(), b.get_weights())


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


# --- evaluate and predict ------------------------------------------------------------------------
def test_evaluate_returns_loss_then_metrics():
    x, y = blobs(90)
    model = classifier()
    model.fit(x, y, epochs=2, verbose=0)
    probs = model.predict(x, verbose=0)
    expected_loss = float(np.mean(-np.log(np.clip(probs[np.arange(90), y], 1e-7, 1))))
    expected_acc = float(np.mean(probs.argmax(1) == y))
    loss, acc = model.evaluate(x, y, batch_size=7, verbose=0)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert acc == pytest.approx(expected_acc)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(
        {"accuracy": expected_acc, "loss": expected_loss}, rel=1e-5)
    bare = classifier(metrics=())
    assert isinstance(bare.evaluate(x, y, verbose=0), float)
    assert model.metrics_names == ["loss", "accuracy"]


def test_predict_shape_and_batch_size_independence():
    x, y = blobs(53)
    model = classifier()
    full = model.predict(x, verbose=0)
    assert full.shape == (53, 3) and full.dtype == np.float32
    for batch_size in (1, 7, 53, 1000):
        np.testing.assert_allclose(model.predict(x, batch_size=batch_size, verbose=0), full, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), full, rtol=1e-6)
    assert model.predict(x[:0], verbose=0).shape == (0, 3)


def test_predict_classes_is_deprecated():
    x, y = blobs(30)
    model = classifier()
    with pytest.warns(DeprecationWarning, match="predict_classes"):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x, verbose=0).argmax(-1))
    binary = engine.Sequential([layers.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
    with pytest.warns(DeprecationWarning):
        labels = binary.predict_classes(x)
    assert labels.shape == (30, 1) and labels.dtype == np.int32
    np.testing.assert_array_equal(labels, (binary.predict(x, verbose=0) > 0.5).astype(np.int32))


def test_train_and_test_on_batch():
    x, y = blobs(32)
    model = classifier()
    before = model.evaluate(x, y, batch_size=32, verbose=0)
    result = model.train_on_batch(x, y)
    assert result[0] == pytest.approx(before[0], rel=1e-5)  # the loss of the forward pass it stepped from
    after = model.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < before[0]
    assert after == pytest.approx(model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True))
    assert model.optimizer.iterations == 1


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


# --- generators and Sequences --------------------------------------------------------------------
class Batches:
    """A keras.utils.Sequence-like object: __len__ batches, __getitem__(i) -> (x, y[, w])."""

    def __init__(self, x, y, batch_size, weights=None) -> None:
        self.x, self.y, self.batch_size, self.weights = x, y, batch_size, weights
        self.epochs_ended = 0

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        if self.weights is None:
            return self.x[part], self.y[part]
        return self.x[part], self.y[part], self.weights[part]

    def on_epoch_end(self) -> None:
        self.epochs_ended += 1


def test_sequence_trains_like_the_arrays():
    x, y = blobs(70)
    seq = Batches(x, y, 16)
    a, b = classifier(), classifier()
    ha = a.fit(seq, epochs=2, shuffle=False, verbose=0)
    b.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert weights_equal(a.get_weights(), b.get_weights())
    assert seq.epochs_ended == 2
    assert ha.params["steps"] == 5
    w = np.full(70, 2.0, np.float32)
    c = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.005))
    c.fit(Batches(x, y, 16, w), epochs=2, shuffle=False, verbose=0)
    assert weights_equal(c.get_weights(), b.get_weights(), rtol=1e-4, atol=1e-6)


def test_generator_with_steps_per_epoch_reads_on_across_epochs():
    x, y = blobs(80)

    def endless():
        while True:
            for i in range(0, 80, 20):
                yield x[i:i + 20], y[i:i + 20]

    a, b = classifier(), classifier()
    counter = BatchCounter()
    hist = a.fit(endless(), steps_per_epoch=2, epochs=4, verbose=0, callbacks=[counter],
                 shuffle=False)
    b.fit(x, y, epochs=2, batch_size=20, shuffle=False, verbose=0)
    assert counter.batches == [0, 1] * 4 and hist.params["steps"] == 2
    assert weights_equal(a.get_weights(), b.get_weights())  # 4 × 2 batches = 2 passes


def test_generator_without_steps_runs_until_exhausted():
    x, y = blobs(50)
    counter = BatchCounter()
    model = classifier()
    gen = ((x[i:i + 10], y[i:i + 10]) for i in range(0, 50, 10))
    with pytest.warns(UserWarning, match="ran out of data"):
        hist = model.fit(gen, epochs=3, verbose=0, callbacks=[counter], shuffle=False)
    assert counter.batches == [0, 1, 2, 3, 4] and hist.epoch == [0]


def test_generator_loss_and_predict():
    x, y = blobs(40)
    model = classifier()
    loss = model.evaluate(((x[i:i + 8], y[i:i + 8]) for i in range(0, 40, 8)), verbose=0)
    assert loss == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)
    out = model.predict((x[i:i + 8] for i in range(0, 40, 8)), verbose=0)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="should not be passed"):
        model.fit((b for b in [(x, y)]), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(Batches(x, y, 8), validation_split=0.2, verbose=0)


def test_deprecated_generator_methods_warn_and_work():
    x, y = blobs(40)
    a, b = classifier(), classifier()
    with pytest.warns(DeprecationWarning, match="fit_generator"):
        a.fit_generator(Batches(x, y, 10), epochs=2, verbose=0, shuffle=False)
    b.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    assert weights_equal(a.get_weights(), b.get_weights())
    with pytest.warns(DeprecationWarning, match="evaluate_generator"):
        assert a.evaluate_generator(Batches(x, y, 10)) == pytest.approx(a.evaluate(x, y, verbose=0))
    with pytest.warns(DeprecationWarning, match="predict_generator"):
        out = a.predict_generator(Batches(x, y, 10))
    np.testing.assert_allclose(out, a.predict(x, verbose=0), rtol=1e-6)


def test_missing_trailing_axis_is_added_like_keras():
    x = np.linspace(-1, 1, 64).astype(np.float32)
    y = 3 * x + 1
    engine.utils.set_random_seed(0)
    model = engine.Sequential([layers.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer=engine.optimizers.SGD(learning_rate=0.1), loss="mse")
    hist = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.01
    assert model.predict(x, verbose=0).shape == (64, 1)


def test_predict_with_variable_length_outputs():
    """Output shapes with None (sequences of any length) are gathered batch by batch."""
    import numpy as np

    from engine.layers import LSTM, Embedding, Input
    from engine.models import Sequential

    model = Sequential([Input((None,)), Embedding(20, 4), LSTM(3, return_sequences=True)])
    x = np.random.default_rng(0).integers(1, 20, size=(5, 7))
    out = model.predict(x, batch_size=2, verbose=0)
    assert out.shape == (5, 7, 3)
    np.testing.assert_allclose(out[:2], model.predict(x[:2], verbose=0), rtol=1e-6)
