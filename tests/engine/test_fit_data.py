"""What fit reads and how: rows a batch at a time, shuffling, uint8 and memmap arrays, Sequences and
generators, and the missing trailing axis Keras adds."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine import layers
from tests.engine.fit_helpers import BatchCounter
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


def test_validation_split_reads_the_tail_rows_only():
    x, y = blobs(50)
    xr = RecordingArray(x)
    model = classifier(optimizer=engine.optimizers.SGD(learning_rate=0.0))
    model.fit(xr, y, epochs=1, batch_size=10, validation_split=0.2, shuffle=False, verbose=0)
    views = [key for key, _, copied in xr.log if not copied and isinstance(key, slice)]
    assert views[:2] == [slice(None, 40), slice(40, None)]


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
