"""Saving and loading models in Keras' file formats, so files move both ways with real Keras 3.

- `save_model(model, "m.h5")` / `load_model("m.h5")`: the legacy Keras HDF5 layout (legacy_h5.py):
  model_config and training_config JSON attributes, weights under /model_weights, optimizer state
  under /optimizer_weights (SGD, Adam: Keras 3's layout, which real Keras restores) or under the
  engine-only group /hornbook_optimizer_state (other optimizers; Keras ignores it). See
  optimizer_state.py for both.
- `save_weights(model, "m.weights.h5")` / `load_weights(model, path)`: Keras 3's weights layout
  (weights_h5.py); loading also takes legacy .h5 files, full models included, by layer order.
- `save_model(model, "m.keras")` / `load_model("m.keras")`: Keras 3's native zip (keras_zip.py).
- `model_to_json` / `model_from_json`: Keras 3's `to_json()` config.

Every write goes through atomic.py: a failed save leaves any earlier file untouched and no
temporary file behind. Every problem with a file raises `ModelFileError` (a ValueError) with a
message that names the file, the layer and what was expected.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
import zipfile
from collections.abc import Iterator

import h5py

from engine.saving import config, keras_zip, legacy_h5, training_config, weights_h5
from engine.saving.atomic import atomic_write
from engine.saving.errors import ModelFileError

__all__ = ["ModelFileError", "load_model", "load_weights", "model_from_json", "model_to_json",
           "save_model", "save_weights"]

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True) -> None:
    """Save architecture, weights, compile settings and optimizer state to a `.h5` file."""
    path = os.fspath(filepath)
    if not path.endswith((".h5", ".hdf5", ".keras")):
        raise ModelFileError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for "
            f"the native Keras format or a `.h5` extension. Received: filepath={path}")
    if not overwrite and os.path.exists(path):
        raise ModelFileError(f"'{path}' already exists and overwrite=False.")
    if path.endswith(".keras"):
        with atomic_write(path) as tmp:
            keras_zip.write(tmp, model)
        return
    with atomic_write(path) as tmp, h5py.File(tmp, "w") as h5file:
        legacy_h5.write_model(h5file, model, include_optimizer)


def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Save the weights (and optimizer state) in Keras 3's `.weights.h5` layout."""
    path = os.fspath(filepath)
    if not path.endswith(".weights.h5"):
        raise ModelFileError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if not model.built:
        raise ModelFileError("You are saving a model that has not yet been built. Try building "
                             "the model first by calling it on some data or by using `build()`.")
    if not overwrite and os.path.exists(path):
        raise ModelFileError(f"'{path}' already exists and overwrite=False.")
    with atomic_write(path) as tmp, h5py.File(tmp, "w") as h5file:
        weights_h5.write_weights(h5file, model)


def _is_zip(filepath) -> bool:
    """True for a .keras archive (checked after _existing); HDF5 files are read otherwise."""
    return zipfile.is_zipfile(_existing(filepath))


def _existing(filepath) -> str:
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise ModelFileError(f"File not found: filepath={path}. Please ensure the file exists.")
    if os.path.isdir(path):
        raise ModelFileError(f"'{path}' is a folder, not a model file. (A TensorFlow SavedModel "
                             "folder cannot be read; save the model as .h5 or .keras in Keras.)")
    return path


def _open(filepath) -> tuple[h5py.File, str]:
    """Open an HDF5 file for reading, turning every way it can fail into a clear message."""
    path = _existing(filepath)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if path.endswith(".keras") and head[:2] == b"PK":
        raise ModelFileError(f"'{path}' is a damaged or truncated .keras archive. Save the "
                             "model again.")
    if head != _HDF5_SIGNATURE and not h5py.is_hdf5(path):
        raise ModelFileError(f"'{path}' is neither an HDF5 file nor a zip archive, so it is "
                             "not a Keras .h5 or .keras model or weights file.")
    try:
        return h5py.File(path, "r"), path
    except OSError as exc:
        raise ModelFileError(f"'{path}' is damaged or truncated and cannot be read (HDF5 "
                             f"says: {exc}). Save the model again.") from exc


@contextlib.contextmanager
def _reading(path: str) -> Iterator[None]:
    """Turn low-level HDF5 errors met while reading a damaged file into ModelFileError."""
    try:
        yield
    except ModelFileError:
        raise
    except (OSError, KeyError, RuntimeError) as exc:
        raise ModelFileError(f"'{path}' is damaged and cannot be read completely "
                             f"({type(exc).__name__}: {exc}).") from exc


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True):  # noqa: A002 (Keras' name)
    """A Sequential model from a Keras `.h5` (Keras 3, tf.keras 2.x, Hornbook) or `.keras` file."""
    if _is_zip(filepath):
        return keras_zip.load(os.fspath(filepath), custom_objects, compile)
    h5file, path = _open(filepath)
    with h5file, _reading(path):
        model_cfg = legacy_h5.json_attr(h5file, "model_config", path)
        if model_cfg is None:
            hint = (f" It holds weights only: build the model in code, then call "
                    f"model.load_weights('{path}').") if ("layers" in h5file or "model_weights"
                                                          in h5file or "layer_names" in
                                                          h5file.attrs) else ""
            raise ModelFileError(f"No model config found in the file at {path}.{hint}")
        model = config.model_from_config(model_cfg, custom_objects)
        if model.built:
            legacy_h5.read_weights(legacy_h5.weights_group(h5file, path), model, path)
        elif "model_weights" in h5file:
            raise ModelFileError(f"The model in '{path}' declares no input shape, so its "
                                 "weights cannot be placed.")
        train_cfg = legacy_h5.json_attr(h5file, "training_config", path) if compile else None
        if train_cfg is not None:
            training_config.compile_from_training_config(model, train_cfg)
            legacy_h5.read_optimizer_state(h5file, model, path)
        elif compile:
            warnings.warn(f"No training configuration found in '{path}', so the model was *not* "
                          "compiled. Compile it manually.", stacklevel=2)
    return model


def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """Load weights from `.weights.h5`, `.keras`, or a legacy `.h5` (weights or full model)."""
    if skip_mismatch:
        raise ModelFileError("skip_mismatch=True is not supported; load_weights checks every "
                             "layer and raises on the first mismatch.")
    if not model.built:
        raise ModelFileError("You are loading weights into a model that has not yet been built. "
                             "Try building the model first by calling it on some data or by "
                             "using `build()`.")
    if _is_zip(filepath):
        keras_zip.load_weights(os.fspath(filepath), model)
        return
    h5file, path = _open(filepath)
    with h5file, _reading(path):
        if "layers" in h5file and "model_weights" not in h5file:
            weights_h5.read_weights(h5file, model, path)
        else:
            legacy_h5.read_weights(legacy_h5.weights_group(h5file, path), model, path)


def model_to_json(model, **kwargs) -> str:
    """Keras 3's `to_json()`: the model config with module/registered_name/build_config."""
    return json.dumps(config.model_config(model, legacy=False), **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """An uncompiled model from `to_json()` output (Keras 3 or tf.keras 2.x)."""
    try:
        cfg = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"model_from_json needs the JSON text of a model config ({exc}).") \
            from exc
    return config.model_from_config(cfg, custom_objects)
