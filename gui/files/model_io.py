"""Model files ⇄ the builder: a loaded engine model becomes layer specs and compile settings; the
builder's specs become the model that Save writes.

No widgets here, so the conversions are tested and reused without a window.
"""

from __future__ import annotations

import warnings

from engine.layers import registry
from engine.models import load_model
from gui import session
from gui.files import tokenizer_file
from gui.files.compile_state import state_from_model
from gui.stack import compile_options as co
from gui.stack.layer_spec import LayerSpec

# The stack's input comes from the data set or the opened model's input_shape, never from a layer
# (tf.keras 2 files put it on the first layer).
_INPUT_KEYS = ("batch_input_shape", "batch_shape", "input_shape", "input_dim")


def read_model(path: str):
    """(model, warning texts) from a Keras or Hornbook .h5/.keras file.

    Raises engine.saving.ModelFileError (a ValueError) with the engine's own message for files it
    cannot read, OSError when the file system refuses.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load_model(path)
    notes = [str(w.message) for w in caught]
    if tokenizer_file.takes_word_indices(model):
        note = tokenizer_file.attach(model, path, input_shape_of(model))
        if note:
            notes.insert(0, note)
    return model, notes


def _layer_config(layer) -> dict:
    config = layer.get_config()
    for key in _INPUT_KEYS:
        config.pop(key, None)
    return config


def _comparable_config(layer) -> dict:
    """The config minus the layer name, which differs between two builds of the same stack."""
    config = _layer_config(layer)
    config.pop("name", None)
    return config


def _class_name(layer) -> str:
    return registry.serialize(layer)["class_name"]


def specs_from_model(model) -> list[LayerSpec]:
    """One spec per layer, keeping the file's layer names (the Input is not a layer here: its shape
    is the model's input_shape)."""
    return [LayerSpec(_class_name(layer), _layer_config(layer)) for layer in model.layers]


def input_shape_of(model) -> tuple | None:
    """The model's input shape without the batch axis, or None if the file declared none."""
    try:
        return tuple(model.input_shape[1:])
    except AttributeError:
        return None


def same_structure(model, specs: list[LayerSpec], input_shape: tuple) -> bool:
    """True when `model` has exactly the layers the specs describe (class and full config, names
    aside) on the same input, so its weights belong to this stack."""
    if model is None or input_shape_of(model) != tuple(input_shape) or len(model.layers) != len(specs):
        return False
    try:
        wanted = [(spec.class_name, _comparable_config(spec.create())) for spec in specs]
    except (ValueError, TypeError):
        return False
    have = [(_class_name(layer), _comparable_config(layer)) for layer in model.layers]
    return have == wanted


def model_for_saving(specs: list[LayerSpec], input_shape: tuple, compile_state: dict,
                     trained) -> tuple[object, bool]:
    """(model to write, whether it carries the trained weights).

    The trained model itself when it matches the stack and was compiled as the panel says (so its
    optimizer state is kept too); a fresh model with the trained weights copied in when only the
    compile options differ; otherwise a freshly built, untrained model. Raises ValueError/TypeError
    with the engine's message when the stack cannot be built.
    """
    co.validate(compile_state)
    model = session.build_model(specs, input_shape, co.compile_args(compile_state))
    if not same_structure(trained, specs, input_shape):
        return model, False
    if state_from_model(trained, compile_state) == state_from_model(model, compile_state):
        return trained, True
    model.set_weights(trained.get_weights())
    return model, True
