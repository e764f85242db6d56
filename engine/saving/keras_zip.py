"""Keras 3's native `.keras` file: a zip archive (members stored, not compressed) holding

    metadata.json       {"keras_version", "date_saved"}
    config.json         the `to_json()` config plus "compile_config" (what compile() was given)
    model.weights.h5    the `.weights.h5` layout (weights_h5.py), optimizer state included
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import h5py

from engine.saving import config, legacy_h5, training_config, weights_h5
from engine.saving.errors import ModelFileError

_MEMBERS = ("metadata.json", "config.json", "model.weights.h5")


def _compile_config(model) -> dict | None:
    """Keras 3's compile_config, built from the same facts as the .h5 training_config."""
    train = training_config.training_config(model)
    if train is None:
        return None
    loss = train["loss"]
    if isinstance(loss, str):  # Keras records a loss given by name as the function it names
        loss = {"module": "builtins", "class_name": "function", "config": loss,
                "registered_name": "function"}
    else:
        loss = {"module": "keras.losses", **loss, "registered_name": None}
    metrics = [m if isinstance(m, str) else {"module": "keras.metrics", **m, "registered_name": None}
               for m in train["metrics"] or []] or None
    optimizer = {"module": "keras.optimizers", **train.pop("optimizer_config"),
                 "registered_name": None}
    return {**train, "optimizer": optimizer, "loss": loss, "metrics": metrics}


def write(path: str, model) -> None:
    """Write the archive to `path` (the caller makes it atomic)."""
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5file:
        weights_h5.write_weights(h5file, model)
    model_config = config.model_config(model, legacy=False)
    compile_config = _compile_config(model)
    if compile_config is not None:
        model_config["compile_config"] = compile_config
    metadata = {"keras_version": legacy_h5.KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(model_config))
        archive.writestr("model.weights.h5", weights.getvalue())


def _open(path: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile as exc:
        raise ModelFileError(f"'{path}' is damaged or truncated: {exc}.") from exc
    missing = [m for m in _MEMBERS[1:] if m not in archive.namelist()]
    if missing:
        archive.close()
        raise ModelFileError(f"'{path}' is a zip file but not a .keras model: it lacks "
                             f"{', '.join(missing)}.")
    return archive


def _weights_file(archive: zipfile.ZipFile, path: str) -> h5py.File:
    try:
        return h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"The weights inside '{path}' are damaged: {exc}.") from exc


def load(path: str, custom_objects: dict | None = None, compile: bool = True):  # noqa: A002
    with _open(path) as archive:
        try:
            model_config = json.loads(archive.read("config.json"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"The config.json in '{path}' is not valid JSON ({exc}).") from exc
        model = config.model_from_config(model_config, custom_objects)
        compile_config = model_config.get("compile_config") if compile else None
        if compile_config:
            # Keras compiles with its default "rmsprop" where the optimizer is missing.
            optimizer = compile_config.get("optimizer") or {"class_name": "RMSprop", "config": {}}
            train = {**compile_config, "optimizer_config": optimizer}
            training_config.compile_from_training_config(model, train)
        with _weights_file(archive, path) as h5file:
            weights_h5.read_weights(h5file, model, path)
    return model


def load_weights(path: str, model) -> None:
    with _open(path) as archive, _weights_file(archive, path) as h5file:
        weights_h5.read_weights(h5file, model, path)
