"""The legacy Keras HDF5 layout that `model.save("x.h5")` writes in Keras 3 (and tf.keras 2.x).

    /                      attrs keras_version, backend, model_config (JSON), training_config (JSON)
    /model_weights         attrs layer_names, backend, keras_version
    /model_weights/<layer> attr weight_names, e.g. ["sequential/dense/kernel", …] (Keras 3) or
                           ["dense/kernel:0", …] (tf.keras 2.x); each a dataset at that path
    /optimizer_weights     Keras 3 optimizer variables (see optimizer_state.py)
    /hornbook_optimizer_state   engine-only optimizer state Keras ignores (see optimizer_state.py)

Weights load by order, like Keras: the i-th layer with weights in the file goes to the i-th layer
with weights in the model. Attribute strings may be str or bytes; long lists may be split over
attrs name0, name1, … (HDF5's 64 KiB header limit), as Keras does.
"""

from __future__ import annotations

import json

import numpy as np

from engine.saving import optimizer_state
from engine.saving.errors import ModelFileError

KERAS_VERSION = "3.15.1"  # the Keras release whose layout this writer follows (verified against)
BACKEND = "numpy"  # Keras 3 has a NumPy backend; the name tells readers who wrote the file
_HEADER_LIMIT = 64512


# --- attributes ---------------------------------------------------------------------------------
def text(value) -> str:
    if isinstance(value, bytes | np.bytes_):
        return value.decode("utf-8")
    return str(value)


def save_list_attr(group, name: str, items: list[str]) -> None:
    encoded = [item.encode("utf-8") for item in items]
    data = np.asarray(encoded)
    chunks = 1
    parts = np.array_split(data, chunks)
    while any(p.nbytes > _HEADER_LIMIT for p in parts):
        chunks += 1
        parts = np.array_split(data, chunks)
    if chunks == 1:
        group.attrs[name] = encoded  # a list, as Keras passes it: h5py stores variable-length strings
    else:
        for i, part in enumerate(parts):
            group.attrs[f"{name}{i}"] = part


def load_list_attr(group, name: str) -> list[str]:
    if name in group.attrs:
        return [text(item) for item in np.atleast_1d(group.attrs[name])]
    items, chunk = [], 0
    while f"{name}{chunk}" in group.attrs:
        items += [text(item) for item in np.atleast_1d(group.attrs[f"{name}{chunk}"])]
        chunk += 1
    return items


def json_attr(h5file, name: str, source: str):
    raw = h5file.attrs.get(name)
    if raw is None:
        return None
    try:
        return json.loads(text(raw))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"The {name} in '{source}' is not valid JSON ({exc}).") from exc


# --- writing ------------------------------------------------------------------------------------
def layer_weight_names(model, layer) -> list[str]:
    """Keras 3 variable paths: '<model>/<layer>/<weight>', or the deeper paths of a layer whose
    weights Keras keeps in sublayers ('…/lstm/lstm_cell/kernel'; see `keras_weight_paths`)."""
    nested = getattr(layer, "keras_weight_paths", None)
    names = nested() if nested is not None else [var.name.split("/")[-1] for var in layer.weights]
    return [f"{model.name}/{layer.name}/{name}" for name in names]


def write_model(h5file, model, include_optimizer: bool = True) -> None:
    from engine import __version__
    from engine.saving import config, training_config

    names = [layer.name for layer in model.layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ModelFileError(f"Layer names must be unique to save a model; these repeat: "
                             f"{', '.join(duplicates)}. Rename one (layer.name = '…').")
    h5file.attrs["keras_version"] = KERAS_VERSION
    h5file.attrs["backend"] = BACKEND
    h5file.attrs["model_config"] = json.dumps(config.model_config(model)).encode("utf-8")
    train = training_config.training_config(model) if include_optimizer else None
    if train is not None:
        h5file.attrs["training_config"] = json.dumps(train).encode("utf-8")
    h5file.attrs["hornbook_engine_version"] = __version__
    write_weights(h5file.create_group("model_weights"), model)
    if train is not None:
        variables = optimizer_state.keras_variables(model)
        if variables is not None:
            group = h5file.create_group("optimizer_weights")
            save_list_attr(group, "weight_names", [name for name, _ in variables])
            for name, value in variables:
                group.create_dataset(name, data=value)
        else:
            optimizer_state.write_hornbook_state(h5file, model)


def write_weights(group, model) -> None:
    save_list_attr(group, "layer_names", [layer.name for layer in model.layers])
    group.attrs["backend"] = BACKEND.encode("utf-8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf-8")
    # Keras creates the groups sorted by name so no group name is a prefix seen before its owner.
    for layer in sorted(model.layers, key=lambda item: item.name):
        sub = group.create_group(layer.name)
        names = layer_weight_names(model, layer)
        save_list_attr(sub, "weight_names", names)
        for name, var in zip(names, layer.weights, strict=True):
            sub.create_dataset(name, data=np.asarray(var.value, np.float32))
    top = group.create_group("top_level_model_weights")
    save_list_attr(top, "weight_names", [])


# --- reading ------------------------------------------------------------------------------------
def weights_group(h5file, source: str):
    """The group holding layer_names: /model_weights in a full model file, / in a weights file."""
    if "layer_names" in h5file.attrs or "layer_names0" in h5file.attrs:
        return h5file
    if "model_weights" in h5file:
        return h5file["model_weights"]
    raise ModelFileError(f"'{source}' holds no Keras weights (no model_weights group and no "
                         "layer_names).")


def read_weights(group, model, source: str) -> None:
    """Set the model's weights from a legacy weights group, matching layers by order."""
    saved = []
    for name in load_list_attr(group, "layer_names"):
        if name not in group:
            raise ModelFileError(f"'{source}' lists layer '{name}' but has no weights group for "
                                 "it; the file is incomplete.")
        weight_names = load_list_attr(group[name], "weight_names")
        if weight_names:
            saved.append((name, weight_names))
    layers = [layer for layer in model.layers if layer.weights]
    if len(saved) != len(layers):
        missing = [layer.name for layer in layers[len(saved):]]
        detail = f" Layers without saved weights: {', '.join(missing)}." if missing else ""
        raise ModelFileError(
            f"'{source}' has weights for {len(saved)} layer(s) "
            f"({', '.join(n for n, _ in saved) or 'none'}) but the model has {len(layers)} layer(s) "
            f"with weights ({', '.join(layer.name for layer in layers)}).{detail}")
    values_per_layer = []
    for (name, weight_names), layer in zip(saved, layers, strict=True):
        values = []
        for weight_name in weight_names:
            if weight_name not in group[name]:
                raise ModelFileError(f"'{source}' is missing weight '{weight_name}' of layer "
                                     f"'{name}'; the file is incomplete.")
            values.append(np.asarray(group[name][weight_name]))
        check_layer_values(layer, values, f"'{source}' (saved as layer '{name}')")
        values_per_layer.append(values)
    # Assign only after every layer checked out, so a bad file leaves the model unchanged.
    for layer, values in zip(layers, values_per_layer, strict=True):
        layer.set_weights(values)


def check_layer_values(layer, values: list[np.ndarray], where: str) -> None:
    own = layer.weights
    if len(values) != len(own):
        raise ModelFileError(
            f"Layer '{layer.name}' ({type(layer).__name__}) expects {len(own)} weight(s) "
            f"({', '.join(v.name for v in own)}); {where} has {len(values)}.")
    for var, value in zip(own, values, strict=True):
        if tuple(value.shape) != tuple(var.shape):
            raise ModelFileError(
                f"Layer '{layer.name}' ({type(layer).__name__}): weight "
                f"'{var.name.split('/')[-1]}' expects shape {tuple(var.shape)}, received "
                f"{tuple(value.shape)} from {where}.")


def read_optimizer_state(h5file, model, source: str) -> None:
    """Restore the optimizer state stored by `write_model` or by Keras 3, if any."""
    if optimizer_state.HORNBOOK_GROUP in h5file:
        optimizer_state.read_hornbook_state(h5file[optimizer_state.HORNBOOK_GROUP], model, source)
        return
    if "optimizer_weights" not in h5file:
        return
    version = text(h5file.attrs.get("keras_version", "1"))
    group = h5file["optimizer_weights"]
    names = load_list_attr(group, "weight_names")
    if not version.startswith("3.") or any(name not in group for name in names):
        import warnings

        warnings.warn(f"The optimizer state Keras {version} saved in '{source}' is not restored; "
                      "training continues with a fresh optimizer.", stacklevel=3)
        return
    optimizer_state.restore_keras_variables(model, names, [np.asarray(group[n]) for n in names],
                                            f"'{source}'")
