"""SimpleRNN, LSTM, GRU and Bidirectional: gradients through time, Keras' mask semantics, weights,
configs, errors, and a small text task they must learn."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest

from engine import backend, layers
from engine.models import Sequential
from engine.preprocessing.sequence import pad_sequences
from tests.engine.gradcheck import check_layer_gradients

KINDS = {
    "SimpleRNN": lambda **kw: layers.SimpleRNN(3, **kw),
    "LSTM": lambda **kw: layers.LSTM(3, **kw),
    "GRU": lambda **kw: layers.GRU(3, **kw),
    "GRU_reset_before": lambda **kw: layers.GRU(3, reset_after=False, **kw),
}
MASK = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1]], bool)


def with_mask(layer, mask):
    """The layer, its forward bound to `mask` (how a Sequential model calls it after Embedding)."""
    layer.forward = functools.partial(type(layer).forward, layer, mask=mask)
    return layer


def random_bias(layer, seed=0):
    """Non-zero biases, so a gradient that forgets them cannot pass."""
    if getattr(layer, "bias", None) is not None:
        layer.bias.value[...] = np.random.default_rng(seed).standard_normal(layer.bias.shape)
    return layer


def built(layer, shape=(None, 5, 4)):
    layer.build(shape)
    return random_bias(layer)


X = np.random.default_rng(0).standard_normal((3, 5, 4))


# --- gradients ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients_through_time(kind, return_sequences, go_backwards, masked):
    layer = built(KINDS[kind](return_sequences=return_sequences, go_backwards=go_backwards))
    check_layer_gradients(with_mask(layer, MASK) if masked else layer, X)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradients_with_zero_output_for_mask(kind, return_sequences):
    layer = built(KINDS[kind](return_sequences=return_sequences, zero_output_for_mask=True))
    check_layer_gradients(with_mask(layer, MASK), X)


@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(3, activation="gelu", use_bias=False),
    lambda: layers.LSTM(3, activation="softsign", recurrent_activation="silu"),
    lambda: layers.LSTM(3, use_bias=False, unit_forget_bias=False),
    lambda: layers.GRU(3, activation="gelu", recurrent_activation="softsign"),
    lambda: layers.GRU(3, reset_after=False, activation="mish", use_bias=False),
    lambda: layers.GRU(3, use_bias=False)], ids=lambda f: "")
def test_gradients_with_other_activations_and_without_bias(make):
    check_layer_gradients(with_mask(built(make()), MASK), X)


class SameDropout:
    """Makes every forward pass draw the same dropout masks, so finite differences apply."""

    def forward(self, x, training=False, mask=None):
        self._rng = np.random.default_rng(7)
        return super().forward(x, training=training, mask=mask)


@pytest.mark.parametrize("base", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_gradients_with_dropout_masks(base):
    cls = type("Seeded" + base.__name__, (SameDropout, base), {})
    layer = built(cls(3, dropout=0.4, recurrent_dropout=0.3, return_sequences=True))
    check_layer_gradients(layer, X, training=True)
    plain = layer.forward(X, training=False)
    dropped = layer.forward(X, training=True)
    assert not np.allclose(plain, dropped)  # dropout did act while training


def test_dropout_masks_are_drawn_per_batch_and_not_used_for_inference():
    layer = built(layers.LSTM(3, dropout=0.5, recurrent_dropout=0.5, seed=1))
    first, second = layer.forward(X, training=True), layer.forward(X, training=True)
    assert not np.allclose(first, second)
    np.testing.assert_array_equal(layer.forward(X), layer.forward(X))


# --- Keras' mask semantics -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_masked_steps_do_not_matter(kind):
    """Whatever the masked steps hold, outputs are equal and their input gradient is zero."""
    layer = built(KINDS[kind](return_sequences=True), (None, 5, 4))
    out = layer.forward(X, mask=MASK)
    other = X.copy()
    other[~MASK] = 100.0
    np.testing.assert_array_equal(layer.forward(other, mask=MASK), out)
    dx = layer.backward(np.ones_like(out))
    assert np.all(dx[~MASK] == 0) and np.all(np.abs(dx[MASK]).sum(axis=-1) > 0)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_padding_with_a_mask_equals_the_unpadded_sequence(kind, go_backwards):
    """A sequence padded before or after, with its mask, ends where the bare sequence ends."""
    layer = built(KINDS[kind](go_backwards=go_backwards), (None, None, 4))
    seq = X[:1, :3]
    expected = layer.forward(seq)
    padded_pre = np.concatenate([np.full((1, 2, 4), 9.0), seq], axis=1)
    padded_post = np.concatenate([seq, np.full((1, 2, 4), 9.0)], axis=1)
    np.testing.assert_allclose(layer.forward(padded_pre, mask=np.array([[0, 0, 1, 1, 1]], bool)),
                               expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(layer.forward(padded_post, mask=np.array([[1, 1, 1, 0, 0]], bool)),
                               expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_masked_step_repeats_the_previous_output_or_zeros(kind):
    layer = built(KINDS[kind](return_sequences=True))
    out = layer.forward(X, mask=MASK)
    for b, t in zip(*np.nonzero(~MASK), strict=True):
        previous = out[b, t - 1] if t else np.zeros(3)
        np.testing.assert_array_equal(out[b, t], previous)
    layer.zero_output_for_mask = True
    zeroed = layer.forward(X, mask=MASK)
    assert np.all(zeroed[~MASK] == 0)
    np.testing.assert_array_equal(zeroed[MASK], out[MASK])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_go_backwards_reads_the_reversed_sequence(kind):
    forward = built(KINDS[kind](return_sequences=True))
    backward = KINDS[kind](return_sequences=True, go_backwards=True)
    backward.build((None, 5, 4))
    backward.set_weights(forward.get_weights())
    # Keras returns the outputs in reading order, i.e. reversed; the mask stays the input's.
    np.testing.assert_allclose(backward.forward(X), forward.forward(X[:, ::-1]), atol=1e-12)
    assert backward.compute_mask(X, MASK) is MASK


def test_the_output_mask_follows_return_sequences():
    assert layers.LSTM(2).compute_mask(X, MASK) is None
    assert layers.LSTM(2, return_sequences=True).compute_mask(X, MASK) is MASK


# --- weights and shapes ---------------------------------------------------------------------------
@pytest.mark.parametrize("make,shapes", [
    (lambda: layers.SimpleRNN(3), [(4, 3), (3, 3), (3,)]),
    (lambda: layers.LSTM(3), [(4, 12), (3, 12), (12,)]),
    (lambda: layers.GRU(3), [(4, 9), (3, 9), (2, 9)]),
    (lambda: layers.GRU(3, reset_after=False), [(4, 9), (3, 9), (9,)]),
    (lambda: layers.LSTM(3, use_bias=False), [(4, 12), (3, 12)])], ids=lambda v: "")
def test_weights_have_keras_shapes_and_order(make, shapes):
    layer = make()
    layer.build((None, 7, 4))
    assert [tuple(v.shape) for v in layer.weights] == shapes
    assert [v.name.split("/")[-1] for v in layer.weights] == \
        ["kernel", "recurrent_kernel", "bias"][:len(shapes)]
    recurrent = layer.recurrent_kernel.value  # Keras' Orthogonal: orthonormal rows
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)


def test_lstm_forget_gate_bias_starts_at_one():
    layer = layers.LSTM(3)
    layer.build((None, 2, 4))
    np.testing.assert_array_equal(layer.bias.value, [0] * 3 + [1] * 3 + [0] * 6)
    other = layers.LSTM(3, unit_forget_bias=False)
    other.build((None, 2, 4))
    assert not other.bias.value.any()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_output_shapes(kind):
    assert KINDS[kind]().compute_output_shape((None, 7, 4)) == (None, 3)
    assert KINDS[kind](return_sequences=True).compute_output_shape((None, None, 4)) == \
        (None, None, 3)
    layer = built(KINDS[kind](return_sequences=True))
    assert layer.forward(X).shape == (3, 5, 3) and layer.forward(X).dtype == X.dtype
    assert layer.forward(X.astype("float32")).dtype == np.float32


# --- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    ({"units": 0}, "Received: units=0"),
    ({"units": 2, "stateful": True}, "stateful=True"),
    ({"units": 2, "return_state": True}, "Sequential model cannot"),
    ({"units": 2, "dropout": 1.0}, "Received: dropout=1.0"),
    ({"units": 2, "recurrent_dropout": -0.1}, "Received: recurrent_dropout=-0.1"),
    ({"units": 2, "time_major": True}, "time_major=True")])
@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_refused_arguments_say_why(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


@pytest.mark.parametrize("shape", [(None, 4), (None, 2, 3, 4), (None, 5, None)])
def test_wrong_input_ranks_name_the_layer(shape):
    layer = layers.LSTM(2, name="reader")
    with pytest.raises(ValueError, match="reader.*3-D input"):
        layer.compute_output_shape(shape)


def test_feature_count_is_checked_after_building():
    layer = built(layers.GRU(2))
    with pytest.raises(ValueError, match="4 features"):
        layer.forward(np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="mask"):
        layer.forward(np.zeros((1, 5, 4)), mask=np.ones((1, 4), bool))


def test_tf_keras_2_config_keys_are_accepted():
    layer = layers.LSTM(2, implementation=2, time_major=False, unroll=True)
    assert layer.unroll


# --- configs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(4, activation="relu", return_sequences=True, go_backwards=True),
    lambda: layers.LSTM(5, recurrent_activation="hard_sigmoid", dropout=0.25, seed=3,
                        kernel_regularizer="l2", unit_forget_bias=False),
    lambda: layers.GRU(2, reset_after=False, use_bias=False, zero_output_for_mask=True),
    lambda: layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="mul")],
    ids=lambda f: "")
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    assert layers.deserialize(layers.serialize(layer)).get_config() == config


def test_rnn_config_has_keras_keys():
    config = layers.GRU(3).get_config()
    assert {"return_sequences", "return_state", "go_backwards", "stateful", "unroll",
            "zero_output_for_mask", "units", "activation", "recurrent_activation", "use_bias",
            "kernel_initializer", "recurrent_initializer", "bias_initializer", "dropout",
            "recurrent_dropout", "reset_after", "seed"} <= set(config)
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert "seed" not in layers.SimpleRNN(3).get_config()  # Keras' SimpleRNN writes none


# --- Bidirectional ---------------------------------------------------------------------------------
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_bidirectional_gradients(merge_mode, return_sequences, masked):
    layer = layers.Bidirectional(layers.LSTM(2, return_sequences=return_sequences), merge_mode)
    layer.build((None, 5, 4))
    for sub in (layer.forward_layer, layer.backward_layer):
        random_bias(sub, seed=len(sub.name))
    check_layer_gradients(with_mask(layer, MASK) if masked else layer, X)


def test_bidirectional_is_a_forward_and_a_backward_reader():
    layer = layers.Bidirectional(layers.GRU(3, name="gru", return_sequences=True))
    layer.build((None, 5, 4))
    fwd, bwd = layer.forward_layer, layer.backward_layer
    assert (fwd.name, bwd.name) == ("forward_gru", "backward_gru")
    assert not fwd.go_backwards and bwd.go_backwards
    assert layer.weights == fwd.weights + bwd.weights and len(layer.get_weights()) == 6
    out = layer.forward(X)
    assert out.shape == (3, 5, 6)
    np.testing.assert_allclose(out[..., :3], fwd.forward(X))
    np.testing.assert_allclose(out[..., 3:], bwd.forward(X)[:, ::-1])  # back in input order
    assert layer.compute_output_shape((None, 5, 4)) == (None, 5, 6)


def test_bidirectional_zeroes_masked_steps_of_sequences_as_keras_does():
    layer = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))
    layer.build((None, 5, 4))
    assert np.all(layer.forward(X, mask=MASK)[~MASK] == 0)
    assert layer.compute_mask(X, MASK) is MASK


def test_bidirectional_takes_an_explicit_backward_layer_and_weights():
    fwd = layers.LSTM(2)
    fwd.build((None, 5, 4))
    weights = [w + 1 for w in fwd.get_weights()] * 2
    layer = layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(
        2, go_backwards=True, name="mine"), weights=weights)
    layer.build((None, 5, 4))
    assert layer.backward_layer.name == "mine"
    for ours, given in zip(layer.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(ours, given)


@pytest.mark.parametrize("kwargs,match", [
    ({"merge_mode": None}, "Sequential"), ({"merge_mode": "max"}, "merge_mode=max"),
    ({"backward_layer": "lstm"}, "backward_layer")])
def test_bidirectional_refusals(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Bidirectional(layers.LSTM(2), **kwargs)
    with pytest.raises(ValueError, match="recurrent layer"):
        layers.Bidirectional(layers.Dense(2))


def test_bidirectional_needs_different_reading_directions():
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))


# --- in a Sequential model ---------------------------------------------------------------------------
def masked_model(*middle, steps=None):
    backend.set_random_seed(1)
    model = Sequential([layers.Input((steps,)), layers.Embedding(10, 4, mask_zero=True), *middle,
                        layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    return model


@pytest.mark.parametrize("middle", [
    lambda: [layers.LSTM(3)],
    lambda: [layers.GRU(3, return_sequences=True), layers.Dropout(0.5), layers.Dense(2),
             layers.GlobalAveragePooling1D()],
    lambda: [layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True)),
             layers.LSTM(2, go_backwards=True)]], ids=["lstm", "gru_dense_pool", "bidirectional"])
def test_padding_does_not_change_a_masked_model(middle):
    """Mask-aware layers after Embedding(mask_zero=True) make padded and bare inputs agree."""
    model = masked_model(*middle())
    seqs = [[3, 1, 4], [1, 5, 9, 2, 6], [5]]
    padded = pad_sequences(seqs, maxlen=6)
    out = model.predict(padded, verbose=0)
    for row, seq in zip(out, seqs, strict=True):
        alone = model.predict(np.array([seq]), verbose=0)
        np.testing.assert_allclose(row, alone[0], rtol=0, atol=1e-6)
    post = model.predict(pad_sequences(seqs, maxlen=6, padding="post"), verbose=0)
    np.testing.assert_allclose(post, out, rtol=0, atol=1e-6)


def test_a_layer_without_mask_support_drops_the_mask_with_keras_warning():
    model = masked_model(layers.Flatten(), steps=6)
    with pytest.warns(UserWarning, match="does not support masking"):
        model.predict(np.array([[1, 2, 0, 0, 0, 0]]), verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once per layer, not every batch
        model.predict(np.array([[1, 2, 0, 0, 0, 0]]), verbose=0)


def test_models_without_masks_keep_the_plain_loop():
    model = Sequential([layers.Input((6,)), layers.Embedding(10, 4), layers.LSTM(2)])
    assert not model._masking
    assert masked_model(layers.LSTM(2))._masking


def test_masking_layer_masks_steps_equal_to_mask_value():
    layer = layers.Masking(mask_value=0.0)
    x = X.copy()
    x[0, 1] = 0.0
    x[1, 3, 0] = 0.0  # one zero feature does not mask a step; all of them do
    expected = np.ones((3, 5), bool)
    expected[0, 1] = False
    np.testing.assert_array_equal(layer.compute_mask(x), expected)
    assert np.all(layer.forward(x)[0, 1] == 0)
    np.testing.assert_array_equal(layer.forward(x)[expected], x[expected])
    # The gradient is Keras' (that of where(mask, x, 0)): zero on masked steps, else passed on.
    # Finite differences cannot check it there, as a nudged padding step is no longer padding.
    grad = np.random.default_rng(1).standard_normal(x.shape)
    np.testing.assert_array_equal(layer.backward(grad), grad * expected[..., None])
    check_layer_gradients(layers.Masking(), X)


def test_masking_layer_feeds_a_recurrent_layer():
    backend.set_random_seed(0)
    model = Sequential([layers.Input((None, 4)), layers.Masking(), layers.SimpleRNN(2)])
    seq = X[:1, :3].astype("float32")
    padded = np.concatenate([np.zeros((1, 2, 4), np.float32), seq], axis=1)
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(seq, verbose=0),
                               atol=1e-6)


# --- a small text task -----------------------------------------------------------------------------
@pytest.mark.parametrize("recurrent", [
    lambda: layers.LSTM(16),
    lambda: layers.GRU(16),
    lambda: layers.Bidirectional(layers.SimpleRNN(8))], ids=["lstm", "gru", "bidirectional"])
def test_learns_whether_a_sequence_contains_a_token(recurrent):
    """Variable-length sequences of tokens 1..19, padded; label: does token 7 occur? A bag of
    words can answer it, so a recurrent layer must learn to carry the fact to the last step."""
    rng = np.random.default_rng(0)
    seqs = [list(rng.integers(1, 20, rng.integers(3, 15))) for _ in range(1200)]
    y = np.array([7 in s for s in seqs], "float32")
    x = pad_sequences(seqs, maxlen=15)
    backend.set_random_seed(0)
    model = Sequential([layers.Input((15,)), layers.Embedding(20, 8, mask_zero=True), recurrent(),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x[:1000], y[:1000], batch_size=32, epochs=12, verbose=0)
    _, accuracy = model.evaluate(x[1000:], y[1000:], verbose=0)
    assert 0.3 < y.mean() < 0.7 and accuracy >= 0.95
