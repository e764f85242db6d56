"""Keras model configs ⇄ engine layers.

Writing follows Keras 3 (verified against 3.15.1): the `.h5` model_config uses the legacy entry
form `{"class_name", "config"}` that `model.save("x.h5")` writes, `to_json()` the newer form with
"module", "registered_name" and "build_config". Each layer's config comes from its own
`get_config()`; `keras_layer_config` only drops what the engine keeps for its own use
(`batch_input_shape` on layers that follow an InputLayer) and adds keys Keras writes that the engine
has no use for (InputLayer's `ragged`, `optional`).

Reading accepts Keras 3 configs (DTypePolicy dicts, `build_input_shape`), tf.keras 2.x configs
(`batch_input_shape` on the first layer, no InputLayer, a bare layer list from Keras 2.0/2.1) and
functional models ("Functional"/"Model") that are a single chain of layers. Keys a layer does not
take are dropped; a `warnings.warn` names them unless their value is None/False/empty, since
ignoring a switched-off feature changes nothing.
"""

from __future__ import annotations

import copy
import inspect
import warnings

from engine.layers import registry
from engine.layers.core import InputLayer
from engine.saving.errors import ModelFileError

# Keys the base Layer drops silently: tf.keras 2.x bookkeeping with no meaning in Keras 3.
_SILENT_LEGACY_KEYS = {"autocast", "dynamic", "weights", "input_length"}
_DTYPE_POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                 "registered_name": None}


# --- writing ------------------------------------------------------------------------------------
def keras_class_name(layer) -> str:
    return registry.serialize(layer)["class_name"]


def keras_layer_config(layer) -> dict:
    """The layer's `get_config()` with the save-time differences to Keras 3 mapped away."""
    config = copy.deepcopy(layer.get_config())
    _warn_unsaved_constraints(layer)
    if isinstance(layer, InputLayer):
        config.setdefault("ragged", False)
        config.setdefault("optional", False)
    else:
        # Keras 3 carries the input shape on the InputLayer entry only.
        for key in ("batch_input_shape", "batch_shape", "input_shape"):
            config.pop(key, None)
    return config


def _warn_unsaved_constraints(layer) -> None:
    """Say so where a plain-function constraint gets lost: at saving, not at every get_config."""
    from engine.constraints import Constraint

    for var in layer.weights:
        if var.constraint is not None and not isinstance(var.constraint, Constraint):
            warnings.warn(f"Weight '{var.name}': its constraint {var.constraint!r} is a plain "
                          "function, which has no config to save; the file holds the layer "
                          "without it.", stacklevel=5)


def _entries(model, legacy: bool) -> list[dict]:
    layers = ([model._input_layer] if model._input_layer is not None else []) + model.layers
    shape = model._input_layer.batch_input_shape if model._input_layer is not None else None
    entries = []
    for layer in layers:
        entry = {"class_name": keras_class_name(layer), "config": keras_layer_config(layer)}
        if not legacy:
            entry = {"module": "keras.layers", **entry, "registered_name": None}
            if shape is not None and not isinstance(layer, InputLayer):
                entry["build_config"] = {"input_shape": list(shape)}
        if shape is not None and not isinstance(layer, InputLayer):
            shape = layer.compute_output_shape(shape)
        entries.append(entry)
    return entries


def model_config(model, legacy: bool = True) -> dict:
    """The Sequential config Keras 3 writes: legacy entries for .h5, full ones for to_json()."""
    body = {"name": model.name, "trainable": model.trainable, "dtype": dict(_DTYPE_POLICY),
            "layers": _entries(model, legacy)}
    if model._input_layer is not None:
        body["build_input_shape"] = list(model._input_layer.batch_input_shape)
    if legacy:
        return {"class_name": "Sequential", "config": body}
    config = {"module": "keras", "class_name": "Sequential", "config": body,
              "registered_name": None}
    if "build_input_shape" in body:
        config["build_config"] = {"input_shape": body["build_input_shape"]}
    return config


# --- reading ------------------------------------------------------------------------------------
def model_from_config(config, custom_objects: dict | None = None):
    """A Sequential model from a Keras model_config dict (any of the accepted variants)."""
    from engine.models import Sequential

    if not isinstance(config, dict) or "class_name" not in config:
        raise ModelFileError("The model_config is not a Keras model config: it needs "
                             f"'class_name' and 'config'. Received keys: {_keys(config)}")
    kind, body = config["class_name"], config.get("config")
    if kind == "Sequential":
        if isinstance(body, list):  # Keras 2.0/2.1 wrote the layer list directly
            body = {"layers": body}
        if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
            raise ModelFileError("The Sequential model_config has no 'layers' list.")
        entries = body["layers"]
    elif kind in ("Functional", "Model"):
        entries = linear_chain(body)
    else:
        raise ModelFileError(
            f"The file holds a '{kind}' model. Hornbook reads Sequential models and functional "
            "models that are a single chain of layers.")
    if not entries:
        raise ModelFileError("The model_config has no layers.")
    layers = [layer_from_config(entry, custom_objects) for entry in entries]
    try:
        model = Sequential(layers, name=body.get("name"))
    except ValueError as exc:
        raise ModelFileError(f"The layers in the file do not form a model here: {exc}") from exc
    shape = body.get("build_input_shape")
    if not model.built and model._input_layer is None and isinstance(shape, list):
        model.build(tuple(shape))
    if body.get("trainable") is False:
        model.trainable = False
    return model


def _keys(value) -> list:
    return sorted(value) if isinstance(value, dict) else [type(value).__name__]


def linear_chain(body) -> list[dict]:
    """The layer entries of a functional config in input→output order, if it is one chain."""
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise ModelFileError("The functional model_config has no 'layers' list.")
    by_name = {entry.get("name") or entry.get("config", {}).get("name"): entry
               for entry in body["layers"]}
    inputs, outputs = _endpoints(body.get("input_layers")), _endpoints(body.get("output_layers"))
    not_linear = ModelFileError(
        "The functional model in the file is not a single chain of layers (one input, one output, "
        "each layer feeding only the next); Hornbook reads Sequential models only.")
    if len(inputs) != 1 or len(outputs) != 1:
        raise not_linear
    chain, current = [], outputs[0]
    while current is not None:
        if current in chain or current not in by_name:
            raise not_linear
        chain.append(current)
        parents = _inbound_layers(by_name[current].get("inbound_nodes") or [])
        if len(parents) > 1:
            raise not_linear
        current = parents[0] if parents else None
    if chain[-1] != inputs[0] or len(chain) != len(by_name):
        raise not_linear
    return [by_name[name] for name in reversed(chain)]


def _endpoints(spec) -> list[str]:
    """["in", 0, 0] (Keras 3) or [["in", 0, 0], …] (tf.keras 2.x) → layer names."""
    if not isinstance(spec, list) or not spec:
        return []
    if isinstance(spec[0], str):
        return [spec[0]]
    return [item[0] for item in spec if isinstance(item, list) and item]


def _inbound_layers(nodes: list) -> list[str]:
    """Names feeding a layer, from Keras 3 ({"args": [keras tensors]}) or tf.keras 2.x nodes."""
    if len(nodes) > 1:
        return ["<shared>", "<layer>"]  # a layer called twice is not a chain
    names: list[str] = []

    def collect(value) -> None:
        if isinstance(value, dict):
            history = value.get("config", {}).get("keras_history") \
                if value.get("class_name") == "__keras_tensor__" else None
            if history:
                names.append(history[0])
            else:
                for item in value.values():
                    collect(item)
        elif isinstance(value, list):
            if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int):
                names.append(value[0])  # tf.keras 2.x: [layer_name, node_index, tensor_index, …]
            else:
                for item in value:
                    collect(item)

    for node in nodes:
        collect(node.get("args", []) if isinstance(node, dict) else node)
    return names


def layer_from_config(entry, custom_objects: dict | None = None):
    """One engine layer from a Keras layer entry {"class_name", "config", …}."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ModelFileError(f"A layer entry in the model_config has no 'class_name': {entry!r}")
    class_name = entry["class_name"]
    config = copy.deepcopy(entry.get("config") or {})
    layer_name = config.get("name", "?")
    cls = (custom_objects or {}).get(class_name)
    if cls is None:
        if class_name not in registry.LAYERS:
            raise ModelFileError(
                f"Unknown layer class '{class_name}' (layer '{layer_name}'). Hornbook supports: "
                f"{', '.join(registry.names())}.")
        cls = registry.get(class_name)
    where = f"layer '{layer_name}' ({class_name})"
    config = _clean_layer_config(config, where)
    try:
        return construct(cls.from_config, cls, config, where)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"Layer '{layer_name}' ({class_name}) in the file has a config the "
                             f"engine cannot use: {exc}") from exc


def _clean_layer_config(config: dict, where: str) -> dict:
    dtype = config.get("dtype")
    if isinstance(dtype, dict):  # Keras 3 DTypePolicy / tf.keras 2.x mixed-precision Policy
        dtype = config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
    if isinstance(dtype, str) and dtype not in ("float32", "float16", "float64", "mixed_float16",
                                                "mixed_bfloat16", "bfloat16"):
        warnings.warn(f"{where}: dtype '{dtype}' is not a float type; the engine computes in "
                      "float32.", stacklevel=4)
    if isinstance(config.get("axis"), list) and len(config["axis"]) == 1:
        config["axis"] = int(config["axis"][0])  # tf.keras 2.x wrote BatchNormalization axis=[3]
    for key, value in list(config.items()):
        if key.endswith(("_initializer", "_regularizer", "_constraint")) and value is not None:
            config[key] = nested_object(key, value, where)
    return config


def nested_object(key: str, value, where: str):
    """The initializer/regularizer/constraint a layer config names, built here; for a class the
    engine lacks, a warning and the layer's default (None for regularizers and constraints)."""
    from engine import constraints, initializers, regularizers

    kind = initializers if key.endswith("_initializer") else \
        constraints if key.endswith("_constraint") else regularizers
    if isinstance(value, str):
        value = {"class_name": value, "config": {}}
    if not isinstance(value, dict) or "class_name" not in value:
        return value
    try:
        cls = type(kind.get({"class_name": value["class_name"], "config": {}}))
    except (TypeError, ValueError):
        fallback = "the weight is left unconstrained" if kind is constraints else \
            "the layer's default is used instead"
        warnings.warn(f"{where}: {key} '{value['class_name']}' is not available here; "
                      f"{fallback}.", stacklevel=5)
        return _default_of(key) if kind is initializers else None
    return construct(cls.from_config, cls, dict(value.get("config") or {}), f"{where} {key}")


def _default_of(key: str) -> str:
    return "zeros" if "bias" in key or "beta" in key or "mean" in key else \
        "ones" if "gamma" in key or "variance" in key else "glorot_uniform"


def accepted_keys(cls) -> set[str]:
    """Parameter names `cls(**config)` takes: the named parameters of every __init__ up the class
    hierarchy. Engine base classes keep **kwargs only to drop known legacy keys, so a name that
    appears nowhere is not taken."""
    names: set[str] = set()
    for klass in inspect.getmro(cls):
        if klass is object or "__init__" not in vars(klass):
            continue
        params = inspect.signature(vars(klass)["__init__"]).parameters.values()
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names - {"self"}


def construct(factory, cls, config: dict, where: str):
    """`factory(config)`; if it refuses keywords, again without the keys `cls` does not name.

    Trying the full config first lets a class take keys through **kwargs (e.g. Keras 2 options it
    tolerates at their defaults); only keys it really refuses are dropped, and named if set.
    """
    try:
        return factory(config)
    except (TypeError, ValueError):  # engine layers raise TypeError, optimizers ValueError
        trimmed = drop_unknown_keys(cls, config, where)
        if trimmed == config:
            raise
        return factory(trimmed)


def drop_unknown_keys(cls, config: dict, where: str) -> dict:
    """Drop config keys `cls` does not take; warn about those that were switched on."""
    names = accepted_keys(cls)
    unknown = [k for k in config if k not in names]
    noisy = [k for k in unknown
             if k not in _SILENT_LEGACY_KEYS and config[k] not in (None, False, {}, [], ())]
    if noisy:
        warnings.warn(f"{where}: ignoring config keys the engine does not support: "
                      f"{', '.join(f'{k}={config[k]!r}' for k in noisy)}", stacklevel=5)
    return {k: v for k, v in config.items() if k not in unknown}
