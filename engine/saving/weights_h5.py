"""Keras 3's `.weights.h5` layout, written by `model.save_weights("x.weights.h5")`.

    /vars                      attr name=<model name> (no datasets for a Sequential)
    /layers/<key>/vars         attr name=<layer name>; datasets "0", "1", … in layer.weights order
    /optimizer/vars            attr name=<optimizer name>; datasets "0", "1", … = Keras 3's
                               optimizer variables (iteration, learning_rate, slots; see
                               optimizer_state.py), present once the optimizer has stepped

`<key>` is not the layer's name: Keras numbers layers by class, "dense", "dense_1", "dropout", … in
model order (its names are auto-generated and so not reproducible), and loads by the same keys.
"""

from __future__ import annotations

import numpy as np

from engine.backend import to_snake_case
from engine.saving import optimizer_state
from engine.saving.config import keras_class_name
from engine.saving.errors import ModelFileError
from engine.saving.legacy_h5 import check_layer_values, text


def layer_keys(model) -> list[str]:
    """The group key Keras 3 gives each layer of a Sequential model, in model order."""
    used: dict[str, int] = {}
    keys = []
    for layer in model.layers:
        base = to_snake_case(keras_class_name(layer))
        if base in used:
            used[base] += 1
            keys.append(f"{base}_{used[base]}")
        else:
            used[base] = 0
            keys.append(base)
    return keys


def _vars_group(h5file, path: str, name: str):
    group = h5file.create_group(f"{path}/vars" if path else "vars")
    group.attrs["name"] = name
    return group


def _weight_groups(layer) -> list[tuple[str, str, list]]:
    """(sub-path, name, variables) of each vars group: one for most layers; recurrent layers
    and Bidirectional keep their weights in sublayer groups ('cell', 'forward_layer/cell')."""
    nested = getattr(layer, "keras_weight_groups", None)
    return nested() if nested is not None else [("", layer.name, layer.weights)]


def write_weights(h5file, model) -> None:
    for key, layer in zip(layer_keys(model), model.layers, strict=True):
        for sub, name, variables in _weight_groups(layer):
            group = _vars_group(h5file, f"layers/{key}/{sub}".rstrip("/"), name)
            for i, var in enumerate(variables):
                group.create_dataset(str(i), data=np.asarray(var.value, np.float32))
    variables = optimizer_state.keras_variables(model)
    if variables is not None:
        group = _vars_group(h5file, "optimizer", model.optimizer.name)
        for i, (_, value) in enumerate(variables):
            group.create_dataset(str(i), data=value)
    _vars_group(h5file, "", model.name)


def _datasets(group) -> list[np.ndarray]:
    keys = sorted((k for k in group if k.isdigit()), key=int)
    return [np.asarray(group[k]) for k in keys]


def read_weights(h5file, model, source: str) -> None:
    if "layers" not in h5file:
        raise ModelFileError(f"'{source}' is not a Keras 3 weights file: it has no 'layers' group.")
    pending = []
    for key, layer in zip(layer_keys(model), model.layers, strict=True):
        values, saved_name = [], key
        for sub, _, variables in _weight_groups(layer):
            path = f"layers/{key}/{sub}".rstrip("/") + "/vars"
            if path not in h5file:
                if not variables:
                    continue
                saved = sorted(h5file["layers"])
                raise ModelFileError(f"'{source}' has no weights for layer '{layer.name}' (looked "
                                     f"for '{path}'; the file has {', '.join(saved) or 'none'}).")
            values += _datasets(h5file[path])
            if not sub:
                saved_name = text(h5file[path].attrs.get("name", key))
        if not values and not layer.weights:
            continue
        check_layer_values(layer, values, f"'{source}' (saved as layer '{saved_name}')")
        pending.append((layer, values))
    for layer, values in pending:
        layer.set_weights(values)
    opt = getattr(model, "optimizer", None)
    if "optimizer/vars" in h5file and opt is not None and optimizer_state.slots_of(opt) is not None:
        values = _datasets(h5file["optimizer/vars"])
        # Keras numbers optimizer variables without names: supply the names they must have.
        names = optimizer_state.keras_variable_suffixes(model)
        if len(names) != len(values):
            names = ["?"] * len(values)
        optimizer_state.restore_keras_variables(model, names, values, f"'{source}'")
