"""The engine stands alone: importing it loads no GUI toolkit, and its registries are complete."""

from __future__ import annotations

import json
import subprocess
import sys

import engine
from engine import activations, initializers, layers

FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "gui", "keras", "tensorflow")


def test_import_engine_loads_no_gui_module():
    code = (
        "import json, sys\n"
        "import engine, engine.layers, engine.activations, engine.initializers\n"
        "import engine.layers.normalization, engine.layers.activation_layers\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    loaded = json.loads(result.stdout)
    assert "engine" in loaded and "numpy" in loaded  # the probe really ran
    offending = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert offending == []


def test_keras_names_resolve_from_the_package():
    for name in ("Dense", "Activation", "Dropout", "Flatten", "Reshape", "Input", "InputLayer",
                 "BatchNormalization", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU"):
        assert getattr(layers, name) is not None
    assert engine.Sequential is not None


def test_core_and_activation_layers_are_registered_and_round_trip():
    arguments = {"Dense": {"units": 2}, "Activation": {"activation": "relu"},
                 "Dropout": {"rate": 0.5}, "Reshape": {"target_shape": (2,)},
                 "InputLayer": {"shape": (2,)}, "Flatten": {}, "BatchNormalization": {},
                 "ReLU": {}, "LeakyReLU": {}, "ELU": {}, "Softmax": {}, "PReLU": {}}
    assert set(arguments) <= set(layers.names())
    for name, kwargs in arguments.items():
        layer = layers.get(name)(**kwargs)
        again = layers.deserialize(layers.serialize(layer))
        assert again.get_config() == layer.get_config(), name


def test_every_activation_and_initializer_resolves():
    for name in activations.names():
        fn = activations.get(name)
        assert callable(fn.forward) and callable(fn.backward) and isinstance(fn.needs_input, bool)
    for name in initializers.names():
        assert initializers.get(name) is not None
