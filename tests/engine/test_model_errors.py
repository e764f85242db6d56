"""Wrong use of compile/fit/evaluate/predict fails before the first batch with a Keras-style message."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import layers
from engine.callbacks import Callback
from tests.engine.training_data import blobs, classifier


class NoBatch(Callback):
    def on_train_batch_begin(self, batch, logs=None):
        raise AssertionError("a batch ran although the call was invalid")


def mnist_mlp(loss="sparse_categorical_crossentropy"):
    model = engine.Sequential([layers.Input(shape=(784,)), layers.Dense(16, activation="relu"),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


def fails(model, match, *args, **kwargs):
    before = model.get_weights()
    with pytest.raises(ValueError, match=match) as info:
        model.fit(*args, callbacks=[NoBatch()], **{"verbose": 0, **kwargs})
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    return str(info.value)


def test_fit_before_compile():
    model = engine.Sequential([layers.Input(shape=(4,)), layers.Dense(2)])
    x, y = blobs(10)
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before"):
        model.fit(x, y)
    with pytest.raises(ValueError, match="compile"):
        model.evaluate(x, y)
    assert model.predict(x, verbose=0).shape == (10, 2)  # predicting needs no compile, as in Keras
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss"):
        model.fit(x, y)


def test_mismatched_lengths():
    model = mnist_mlp()
    message = fails(model, "Data cardinality is ambiguous", np.zeros((100, 784)), np.zeros(90, int))
    assert "'x' sizes: 100" in message and "'y' sizes: 90" in message
    fails(model, "sample_weight' sizes: 5", np.zeros((100, 784)), np.zeros(100, int),
          sample_weight=np.ones(5))


def test_one_hot_labels_with_sparse_loss_names_the_right_loss():
    y = engine.utils.to_categorical(np.arange(20) % 10, 10)
    message = fails(mnist_mlp(), "one-hot", np.zeros((20, 784)), y)
    assert "loss='categorical_crossentropy'" in message


def test_integer_labels_with_categorical_loss_names_the_right_loss():
    message = fails(mnist_mlp("categorical_crossentropy"), "class indices", np.zeros((20, 784)),
                    np.arange(20) % 10)
    assert "loss='sparse_categorical_crossentropy'" in message and "to_categorical(y, 10)" in message
    fails(mnist_mlp("categorical_crossentropy"), "class indices", np.zeros((20, 784)),
          (np.arange(20) % 10).reshape(20, 1))


def test_labels_beyond_the_output_units():
    message = fails(mnist_mlp(), "outside the valid range", np.zeros((20, 784)), np.arange(20))
    assert "[0, 10)" in message and "19" in message


def test_targets_that_do_not_fit_the_output():
    model = engine.Sequential([layers.Input(shape=(3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    fails(model, r"each sample needs 2 target values, the data has 3", np.zeros((8, 3)), np.zeros((8, 3)))


def test_input_shape_mismatch_reads_like_keras():
    message = fails(mnist_mlp(), r"expected shape \(None, 784\), received data of shape \(32, 28, 28\)",
                    np.zeros((32, 28, 28), np.uint8), np.zeros(32, int))
    assert "reshape the data to (32, 784)" in message
    with pytest.raises(ValueError, match=r"expected shape \(None, 784\)"):
        mnist_mlp().predict(np.zeros((5, 10)))
    with pytest.raises(ValueError, match=r"expected shape \(None, 784\)"):
        mnist_mlp().evaluate(np.zeros((5, 10)), np.zeros(5, int))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "32"])
def test_bad_batch_size(bad):
    x, y = blobs(10)
    fails(classifier(), rf"Received: batch_size={bad!r}$", x, y, batch_size=bad)


@pytest.mark.parametrize("bad", [0, -3, 1.5, "5"])
def test_bad_epochs(bad):
    x, y = blobs(10)
    fails(classifier(), rf"Received: epochs={bad!r}$", x, y, epochs=bad)


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_validation_split_outside_0_1(bad):
    x, y = blobs(10)
    fails(classifier(), rf"range \[0, 1\).*Received: validation_split={bad}", x, y, validation_split=bad)


def test_validation_split_too_small_for_the_data():
    x, y = blobs(1)  # floor(1 · 0.5) = 0 training samples
    fails(classifier(), "not sufficient to split", x, y, validation_split=0.5)


def test_other_bad_arguments():
    x, y = blobs(10)
    fails(classifier(), "verbose=3", x, y, verbose=3)
    fails(classifier(), "initial_epoch=-1", x, y, initial_epoch=-1)
    fails(classifier(), "steps_per_epoch=0", x, y, steps_per_epoch=0)
    fails(classifier(), "Targets `y` are required", x)
    with pytest.raises(ValueError, match="batch_size=0"):
        classifier().predict(x, batch_size=0)


def test_a_layer_that_cannot_take_the_input_is_named():
    with pytest.raises(ValueError, match="reshape"):
        engine.Sequential([layers.Input(shape=(28, 28)), layers.Reshape((5, 5), name="reshape")])


def test_loss_for_model_without_input_shape_builds_from_the_data():
    model = engine.Sequential([layers.Dense(4, activation="relu"), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = blobs(30)
    model.fit(x, y, epochs=1, verbose=0)
    assert model.input_shape == (None, 4)
