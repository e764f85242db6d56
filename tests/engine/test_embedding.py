"""Embedding: lookups, the scatter-add gradient, masks, errors and config."""

from __future__ import annotations

import numpy as np
import pytest

from engine import backend, initializers, layers
from engine.models import Sequential
from tests.engine.gradcheck import check_layer_gradients, numeric_grad, to_float64


def built(input_dim=7, output_dim=3, **kwargs):
    layer = layers.Embedding(input_dim, output_dim, **kwargs)
    layer.build((None, None))
    return layer


def test_lookup_takes_rows_of_the_table():
    layer = built()
    x = np.array([[0, 3, 3], [6, 1, 0]])
    out = layer(x)
    assert out.shape == (2, 3, 3) and out.dtype == np.float32
    for b in range(2):
        for t in range(3):
            np.testing.assert_array_equal(out[b, t], layer.embeddings.value[x[b, t]])


@pytest.mark.parametrize("shape", [(5,), (2, 4), (2, 3, 2)])
def test_any_rank_of_indices(shape):
    layer = built()
    x = np.random.default_rng(0).integers(0, 7, shape)
    assert layer(x).shape == (*shape, 3)
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *shape[1:], 3)


def test_float_indices_are_cast_like_keras():
    layer = built()
    ints = np.array([[1, 2, 6]])
    np.testing.assert_array_equal(layer(ints.astype("float32")), layer(ints))
    np.testing.assert_array_equal(layer(np.array([[1.7, 2.2, 6.9]])), layer(ints))  # truncation


def test_weight_gradient_matches_finite_differences():
    x = np.array([[1, 4, 4, 0], [4, 6, 1, 1]])  # repeats must add up
    layer = built()
    errors = check_layer_gradients(layer, x)
    assert set(errors) == {layer.embeddings.name}  # indices have no gradient to check


def test_repeated_indices_add_their_gradients():
    layer = built()
    x = np.array([[2, 2, 5], [2, 0, 5]])
    layer(x)
    grad = np.random.default_rng(1).standard_normal((2, 3, 3)).astype("float32")
    assert layer.backward(grad) is None
    expected = np.zeros((7, 3), np.float32)
    for b in range(2):
        for t in range(3):
            expected[x[b, t]] += grad[b, t]
    np.testing.assert_allclose(layer.embeddings.grad, expected, rtol=1e-6)


def test_gradient_is_written_not_accumulated_also_for_a_strided_grad_buffer():
    layer = built()
    x = np.array([[1, 1, 3]])
    grad = np.ones((1, 3, 3), np.float32)
    layer(x)
    buffer = np.full((7, 6), 5.0, np.float32)
    layer.embeddings.grad = buffer[:, ::2]  # not contiguous: the slower row-wise path
    layer.backward(grad)
    expected = np.zeros((7, 3), np.float32)
    expected[1], expected[3] = 2, 1
    np.testing.assert_array_equal(layer.embeddings.grad, expected)


def test_needs_no_input_gradient_anywhere_in_a_model():
    layer = layers.Embedding(5, 2)
    layer.need_input_grad = True  # what Sequential.build sets for a layer after weighted ones
    assert layer.need_input_grad is False


@pytest.mark.parametrize("bad", [-1, 7, 100])
def test_out_of_range_indices_are_a_clear_error(bad):
    layer = built(name="words")
    with pytest.raises(ValueError, match=rf"words.*index {bad}.*input_dim=7"):
        layer(np.array([[1, bad]]))


def test_non_numeric_indices_are_refused():
    with pytest.raises(ValueError, match="integer indices"):
        built()(np.array([["a", "b"]]))


@pytest.mark.parametrize("kwargs,match", [
    ({"input_dim": 0, "output_dim": 2}, "Received: input_dim=0"),
    ({"input_dim": 3, "output_dim": 2.5}, "Received: output_dim=2.5"),
    ({"input_dim": True, "output_dim": 2}, "input_dim"),
    ({"input_dim": 3, "output_dim": 2, "lora_rank": 4}, "LoRA")])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Embedding(**kwargs)


def test_default_initializer_is_keras_uniform():
    backend.set_random_seed(0)
    layer = built(1000, 8)
    values = layer.embeddings.value
    assert values.min() >= -0.05 and values.max() <= 0.05 and values.std() > 0.02
    init = layer.get_config()["embeddings_initializer"]
    assert init["class_name"] == "RandomUniform"
    assert init["config"] == {"seed": None, "minval": -0.05, "maxval": 0.05}


def test_initial_weights_argument():
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=[matrix])
    np.testing.assert_array_equal(layer(np.array([[3, 0]])), matrix[[3, 0]][None])


def test_mask_zero_marks_padding():
    x = np.array([[0, 0, 4, 2], [3, 0, 1, 0]])
    np.testing.assert_array_equal(built(mask_zero=True).compute_mask(x), x != 0)
    assert built().compute_mask(x) is None
    assert built(mask_zero=True).produces_mask and not built().produces_mask


def test_config_round_trip_and_keras_keys():
    layer = layers.Embedding(50, 4, mask_zero=True, embeddings_regularizer="l2",
                             embeddings_initializer=initializers.RandomNormal(stddev=0.1))
    config = layer.get_config()
    assert {"input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
            "activity_regularizer", "embeddings_constraint", "mask_zero"} <= set(config)
    again = layers.Embedding.from_config(config)
    assert again.get_config() == config
    # tf.keras 2.x configs carry input_length; Keras 3 ignores it, so does the engine.
    assert layers.Embedding(5, 2, input_length=10).input_dim == 5


def test_trains_in_a_model_with_regularization():
    backend.set_random_seed(0)
    model = Sequential([layers.Input((4,)), layers.Embedding(6, 3, embeddings_regularizer="l2"),
                        layers.GlobalAveragePooling1D(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[1, 2, 3, 4], [5, 5, 5, 1]])
    before = model.layers[0].get_weights()[0]
    model.fit(x, np.array([1.0, -1.0]), epochs=2, verbose=0)
    after = model.layers[0].get_weights()[0]
    changed = np.any(after != before, axis=1)
    assert changed[[1, 2, 3, 4, 5]].all()
    assert changed[0]  # row 0 is never looked up, but the L2 penalty still shrinks it


def test_whole_model_gradient_reaches_the_table():
    """Through Embedding → GlobalAveragePooling1D (masked) → Dense, by finite differences."""
    backend.set_random_seed(0)
    model = Sequential([layers.Input((5,)), layers.Embedding(6, 2, mask_zero=True),
                        layers.GlobalAveragePooling1D(), layers.Dense(1)])
    for layer in model.layers:
        to_float64(layer)
    x = np.array([[0, 0, 3, 1, 3], [2, 5, 0, 4, 0]])
    r = np.array([[0.7], [-1.3]])
    table = model.layers[0].embeddings

    def loss():
        return float(np.sum(model._forward(x, training=True) * r))

    loss()
    grad = r.copy()
    for layer in reversed(model.layers):
        grad = layer.backward(grad)
    numeric = numeric_grad(loss, table.value)
    np.testing.assert_allclose(table.grad, numeric, atol=1e-8)
    assert not table.grad[0].any()  # padding rows take no gradient through the masked mean
