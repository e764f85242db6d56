"""Text models move both ways with REAL Keras 3, and the layers compute what Keras computes.

The golden files tests/fixtures/keras_text_*.h5 were written by Keras 3.15.1
(scripts/make_keras_text_fixtures.py) from texts that Keras' Tokenizer and pad_sequences turned
into padded inputs; they must load here with Keras' predictions to 1e-5, and one more training
step here must land where Keras' step landed. The checks against live Keras (the other direction,
and layer-by-layer forward and gradient comparisons through torch autograd) skip without keras.
"""

from __future__ import annotations

import json
import os
import warnings

import h5py
import numpy as np
import pytest

from engine import backend, layers, optimizers
from engine.models import Sequential, load_model
from engine.preprocessing.sequence import pad_sequences
from engine.preprocessing.text import tokenizer_from_json
from engine.saving import legacy_h5
from tests.keras_optional import keras, needs_keras

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from keras on torch

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
NAMES = ["keras_text_lstm", "keras_text_gru", "keras_text_masked_rnn", "keras_text_bidirectional"]

torch = pytest.importorskip("torch") if keras is not None else None  # Keras' backend here


def fixture(name):
    with np.load(os.path.join(FIXTURES, f"{name}.npz")) as data:
        return os.path.join(FIXTURES, f"{name}.h5"), dict(data)


def load_quietly(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Keras 3 file must load without any complaint
        return load_model(path)


# --- files Keras wrote ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_keras_text_file_loads_with_keras_predictions(name):
    path, data = fixture(name)
    model = load_quietly(path)
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["predictions"],
                               atol=1e-5, rtol=0)
    loss, accuracy = model.evaluate(data["x"], data["y"], verbose=0)
    assert loss == pytest.approx(float(data["loss"]), abs=1e-5)
    assert accuracy == pytest.approx(float(data["accuracy"]))
    assert model.optimizer.iterations == int(data["iterations"])


@pytest.mark.parametrize("name", NAMES)
def test_training_continues_as_keras_trained(name):
    """One step here (backpropagation through time, then Adam/RMSprop) equals Keras' step."""
    path, data = fixture(name)
    model = load_quietly(path)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_array_equal(weight, data[f"saved_weight_{i}"])
    history = model.fit(data["step_x"], data["step_y"], batch_size=32, epochs=1, shuffle=False,
                        verbose=0)
    assert history.history["loss"][0] == pytest.approx(float(data["step_loss"]), abs=1e-5)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, data[f"step_weight_{i}"], atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", NAMES)
def test_tokenizer_and_pad_sequences_rebuild_the_keras_inputs(name):
    """Keras' Tokenizer JSON read here turns the raw texts into exactly the padded inputs Keras
    made (including the out-of-vocabulary index and the words cut by num_words)."""
    _, data = fixture(name)
    tokenizer = tokenizer_from_json(str(data["tokenizer_json"]))
    sequences = tokenizer.texts_to_sequences([str(t) for t in data["texts"]])
    x = pad_sequences(sequences, maxlen=data["x"].shape[1], padding=str(data["padding"]))
    np.testing.assert_array_equal(x, data["x"])
    assert (data["x"] == 0).any() and (data["x"] == 1).any()  # padding and oov both occur


def test_the_mask_matters_for_the_masked_fixture():
    """Without the mask the same weights predict differently: the fixture really tests masking."""
    path, data = fixture("keras_text_masked_rnn")
    model = load_quietly(path)
    assert model.layers[0].mask_zero
    unmasked = Sequential([layers.Input((data["x"].shape[1],)),
                           layers.Embedding(model.layers[0].input_dim,
                                            model.layers[0].output_dim),
                           *[type(layer).from_config(layer.get_config())
                             for layer in model.layers[1:]]])
    unmasked.set_weights(model.get_weights())
    gap = np.abs(unmasked.predict(data["x"], verbose=0) - data["predictions"]).max()
    assert gap > 1e-3


# --- files the engine wrote, read by Keras --------------------------------------------------------
def text_data(n=64, steps=9, vocab=30, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, steps + 1, n)
    x = pad_sequences([rng.integers(1, vocab, k) for k in lengths], maxlen=steps)
    y = (x == 7).any(axis=1).astype("float32")
    return x, y


STACKS = {
    "lstm": lambda: [layers.Embedding(30, 6), layers.LSTM(5), layers.Dense(1, "sigmoid")],
    "gru_masked": lambda: [layers.Embedding(30, 6, mask_zero=True), layers.GRU(5),
                           layers.Dense(1, "sigmoid")],
    "gru_reset_before": lambda: [layers.Embedding(30, 6, mask_zero=True),
                                 layers.GRU(4, reset_after=False, go_backwards=True),
                                 layers.Dense(1, "sigmoid")],
    "masked_rnn_pool": lambda: [layers.Embedding(30, 6, mask_zero=True),
                                layers.SimpleRNN(5, return_sequences=True),
                                layers.GlobalAveragePooling1D(), layers.Dense(1, "sigmoid")],
    "stacked_dropout": lambda: [layers.Embedding(30, 6, mask_zero=True),
                                layers.LSTM(5, return_sequences=True, dropout=0.2,
                                            recurrent_dropout=0.2),
                                layers.Dropout(0.3), layers.Dense(4, "relu"),
                                layers.LSTM(3), layers.Dense(1, "sigmoid")],
    "bidirectional": lambda: [layers.Embedding(30, 6, mask_zero=True),
                              layers.Bidirectional(layers.LSTM(4, return_sequences=True),
                                                   merge_mode="sum"),
                              layers.Bidirectional(layers.GRU(3)), layers.Dense(1, "sigmoid")],
    "conv_pool": lambda: [layers.Embedding(30, 6), layers.Conv1D(4, 3, activation="relu"),
                          layers.MaxPooling1D(2, padding="same"), layers.AveragePooling1D(2),
                          layers.GlobalMaxPooling1D(), layers.Dense(1, "sigmoid")],
}


def engine_text_model(stack, optimizer="adam"):
    backend.clear_session()
    backend.set_random_seed(0)
    x, y = text_data()
    model = Sequential([layers.Input((x.shape[1],)), *STACKS[stack]()])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # conv_pool: Keras' "mask destroyed" message is not wanted
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model, x, y


def keras_load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.models.load_model(path)


@needs_keras
@pytest.mark.parametrize("stack", sorted(STACKS))
def test_keras_loads_engine_text_model_with_equal_predictions(tmp_path, stack):
    model, x, y = engine_text_model(stack)
    model.save(tmp_path / "m.h5")
    theirs = keras_load(tmp_path / "m.h5")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)
    loss, _ = theirs.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(model.evaluate(x, y, verbose=0)[0], abs=1e-5)
    with h5py.File(tmp_path / "m.h5", "r") as f:  # Keras' own weight paths, cells included
        names = [n for layer in legacy_h5.load_list_attr(f["model_weights"], "layer_names")
                 for n in legacy_h5.load_list_attr(f["model_weights"][layer], "weight_names")]
    assert len(names) == len(set(names)) == len(model.weights)


@needs_keras
@pytest.mark.parametrize("stack", ["lstm", "bidirectional", "masked_rnn_pool"])
@pytest.mark.parametrize("extension", [".keras", ".weights.h5"])
def test_native_keras_formats_move_both_ways(tmp_path, stack, extension):
    model, x, _ = engine_text_model(stack)
    path = tmp_path / f"m{extension}"
    if extension == ".keras":
        model.save(path)
        theirs = keras_load(path)
    else:
        model.save_weights(path)
        theirs = keras.models.model_from_json(model.to_json())
        theirs.load_weights(path)
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5, rtol=0)
    theirs.set_weights([w + 0.25 for w in theirs.get_weights()])
    if extension == ".keras":
        theirs.save(tmp_path / "theirs.keras")
        back = load_model(tmp_path / "theirs.keras")
    else:
        theirs.save_weights(tmp_path / "theirs.weights.h5")
        back = model
        back.load_weights(tmp_path / "theirs.weights.h5")
    np.testing.assert_allclose(back.predict(x, verbose=0),
                               np.asarray(theirs.predict(x, verbose=0)), atol=1e-5, rtol=0)


@needs_keras
@pytest.mark.parametrize("stack", ["lstm", "gru_masked", "bidirectional"])
def test_keras_continues_training_from_engine_optimizer_state(tmp_path, stack):
    """Keras' next step from our file and ours agree: same gradients through time, same Adam."""
    model, x, y = engine_text_model(stack, optimizers.Adam(0.01))
    model.save(tmp_path / "m.h5")
    theirs = keras_load(tmp_path / "m.h5")
    opt = type(theirs.optimizer).from_config(theirs.optimizer.get_config())
    theirs.compile(optimizer=opt, loss=theirs.loss)
    opt.build(theirs.trainable_variables)
    with h5py.File(tmp_path / "m.h5", "r") as f:
        group = f["optimizer_weights"]
        opt.set_weights([np.asarray(group[n])
                         for n in legacy_h5.load_list_attr(group, "weight_names")])
    theirs.train_on_batch(x[:16], y[:16])
    model.fit(x[:16], y[:16], batch_size=16, epochs=1, shuffle=False, verbose=0)
    for ours, keras_weight in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours, np.asarray(keras_weight), atol=1e-5, rtol=0)


# --- layer by layer against Keras: forward values and gradients -------------------------------------
RNN_CASES = [(kind, extra) for kind, extra in [
    ("SimpleRNN", {}), ("SimpleRNN", {"activation": "relu", "use_bias": False}),
    ("LSTM", {}), ("LSTM", {"activation": "softsign", "recurrent_activation": "hard_sigmoid",
                            "unit_forget_bias": False}),
    ("GRU", {}), ("GRU", {"reset_after": False}), ("GRU", {"use_bias": False})]]


def keras_grads(theirs, x, mask, r):
    """Keras' outputs and d(sum(out·r))/d(weights, x), from torch autograd."""
    xt = torch.tensor(x, requires_grad=True)
    out = theirs(xt, mask=None if mask is None else torch.tensor(mask))
    (out * torch.tensor(r)).sum().backward()
    return (out.detach().numpy(), [w.value.grad.numpy() for w in theirs.weights],
            xt.grad.numpy())


def compare_with_keras(ours, theirs, x, mask, seed=0):
    rng = np.random.default_rng(seed)
    theirs.build(x.shape)
    ours.build((None, *x.shape[1:]))
    weights = [w + rng.standard_normal(w.shape).astype("float32") * 0.3
               for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    out = ours.forward(x, training=False, mask=mask)
    r = rng.standard_normal(out.shape).astype("float32")
    expected, weight_grads, dx = keras_grads(theirs, x, mask, r)
    np.testing.assert_allclose(out, expected, atol=1e-5, rtol=0)
    np.testing.assert_allclose(ours.backward(r), dx, atol=1e-5, rtol=0)
    for var, grad in zip(ours.weights, weight_grads, strict=True):
        np.testing.assert_allclose(var.grad, grad, atol=1e-5, rtol=0, err_msg=var.name)


MASK = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1], [1, 0, 1, 0, 1, 1]], bool)


@needs_keras
@pytest.mark.parametrize("kind,extra", RNN_CASES)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_recurrent_layer_matches_keras(kind, extra, return_sequences, go_backwards, masked):
    x = np.random.default_rng(1).standard_normal((3, 6, 4)).astype("float32")
    args = dict(units=3, return_sequences=return_sequences, go_backwards=go_backwards, **extra)
    compare_with_keras(getattr(layers, kind)(**args), getattr(keras.layers, kind)(**args), x,
                       MASK if masked else None)


@needs_keras
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_bidirectional_matches_keras(merge_mode, return_sequences, masked):
    x = np.random.default_rng(2).standard_normal((3, 6, 4)).astype("float32")
    ours = layers.Bidirectional(layers.GRU(3, return_sequences=return_sequences), merge_mode)
    theirs = keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=return_sequences),
                                        merge_mode)
    compare_with_keras(ours, theirs, x, MASK if masked else None)


@needs_keras
@pytest.mark.parametrize("zero_output", [False, True])
def test_zero_output_for_mask_matches_keras(zero_output):
    x = np.random.default_rng(3).standard_normal((3, 6, 4)).astype("float32")
    args = dict(units=3, return_sequences=True, zero_output_for_mask=zero_output)
    compare_with_keras(layers.LSTM(**args), keras.layers.LSTM(**args), x, MASK)


@needs_keras
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling_1d_matches_keras(masked, data_format):
    x = np.random.default_rng(4).standard_normal((3, 6, 4)).astype("float32")
    if data_format == "channels_first":
        x = np.ascontiguousarray(x.transpose(0, 2, 1))
    ours = layers.GlobalAveragePooling1D(data_format=data_format)
    theirs = keras.layers.GlobalAveragePooling1D(data_format=data_format)
    mask = MASK if masked else None
    expected = keras.ops.convert_to_numpy(theirs(x, mask=None if mask is None else torch.tensor(mask)))
    np.testing.assert_allclose(ours.forward(x, mask=mask), expected, atol=1e-6, rtol=0)


@needs_keras
@pytest.mark.parametrize("cls", ["MaxPooling1D", "AveragePooling1D"])
@pytest.mark.parametrize("pool,strides,padding", [(2, None, "valid"), (3, 2, "same"),
                                                  (3, 1, "valid"), (2, 3, "same")])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_windowed_pooling_1d_matches_keras(cls, pool, strides, padding, data_format):
    x = np.random.default_rng(5).standard_normal((2, 7, 3)).astype("float32")
    args = dict(pool_size=pool, strides=strides, padding=padding, data_format=data_format)
    ours, theirs = getattr(layers, cls)(**args), getattr(keras.layers, cls)(**args)
    expected = keras.ops.convert_to_numpy(theirs(x))
    assert ours.compute_output_shape((None, 7, 3)) == tuple(theirs.compute_output_shape(
        (None, 7, 3)))
    np.testing.assert_allclose(ours.forward(x, training=True), expected, atol=1e-6, rtol=0)


@needs_keras
def test_embedding_and_global_max_pooling_match_keras():
    x = np.random.default_rng(6).integers(0, 10, (4, 5))
    ours, theirs = layers.Embedding(10, 3), keras.layers.Embedding(10, 3)
    theirs.build(x.shape)
    ours.build((None, 5))
    ours.set_weights(theirs.get_weights())
    np.testing.assert_array_equal(ours(x), keras.ops.convert_to_numpy(theirs(x)))
    assert ours.compute_mask(x) is None
    masking = layers.Embedding(10, 3, mask_zero=True)
    np.testing.assert_array_equal(masking.compute_mask(x), keras.ops.convert_to_numpy(
        keras.layers.Embedding(10, 3, mask_zero=True).compute_mask(x)))
    h = np.random.default_rng(7).standard_normal((4, 5, 3)).astype("float32")
    np.testing.assert_array_equal(layers.GlobalMaxPooling1D().forward(h),
                                  keras.ops.convert_to_numpy(keras.layers.GlobalMaxPooling1D()(h)))


@needs_keras
@pytest.mark.parametrize("make", [
    lambda L: L.Embedding(12, 4, mask_zero=True), lambda L: L.SimpleRNN(3),
    lambda L: L.LSTM(3, return_sequences=True, dropout=0.1, seed=3),
    lambda L: L.GRU(3, reset_after=False, go_backwards=True),
    lambda L: L.Bidirectional(L.LSTM(3), merge_mode="ave"),
    lambda L: L.GlobalAveragePooling1D(keepdims=True), lambda L: L.GlobalMaxPooling1D(),
    lambda L: L.MaxPooling1D(3, 2, "same"), lambda L: L.AveragePooling1D(2),
    lambda L: L.Masking(0.5)], ids=lambda f: "")
def test_configs_have_keras_keys_and_values(make):
    """Our config is Keras' config for the same layer (dtype aside), and Keras reads ours."""
    from engine.saving.config import keras_layer_config

    ours, theirs = make(layers), make(keras.layers)
    mine = json.loads(json.dumps(keras_layer_config(ours)))
    keras_config = json.loads(json.dumps(theirs.get_config()))
    for config in (mine, keras_config):
        strip_names_and_dtypes(config)
    assert mine == keras_config
    rebuilt = keras.layers.deserialize({"module": "keras.layers", "registered_name": None,
                                        "class_name": type(theirs).__name__,
                                        "config": keras_layer_config(ours)})
    assert type(rebuilt) is type(theirs)


def strip_names_and_dtypes(config):
    """Layer names differ (auto-numbering) and Keras writes dtype policies; initializers are
    engine/initializers.py's business (Keras 3.15 adds input_axes/output_axes to GlorotUniform),
    so only their class is compared here; the rest must match."""
    if isinstance(config, dict):
        for key in ("name", "dtype"):
            config.pop(key, None)
        for key, value in config.items():
            if key.endswith("_initializer") and isinstance(value, dict):
                config[key] = value["class_name"]
            strip_names_and_dtypes(value)
