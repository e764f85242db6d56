"""What the palette offers: every layer in the engine's registry, grouped, with starting settings.

The list of layers comes from the engine; this file only adds what a registry cannot know — the
group a layer belongs to in the palette, a sensible first setting and a one-line explanation.
"""

from __future__ import annotations

import inspect

from engine import activations
from engine.layers import registry
from gui.stack.layer_spec import LayerSpec

GROUPS = {
    "Core": ["Dense", "Activation", "Flatten", "Reshape"],
    "Convolution": ["Conv2D", "Conv1D"],
    "Pooling": ["MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
                "GlobalMaxPooling2D", "MaxPooling1D", "GlobalAveragePooling1D"],
    "Normalization": ["BatchNormalization"],
    "Regularization": ["Dropout"],
    "Activations": ["ReLU", "LeakyReLU", "ELU", "Softmax"],
    "Reshaping": ["ZeroPadding2D"],
}

DEFAULTS: dict[str, dict] = {
    "Dense": {"units": 64, "activation": "relu"},
    "Activation": {"activation": "relu"},
    "Dropout": {"rate": 0.5},
    "Flatten": {},
    "Reshape": {"target_shape": [28, 28, 1]},
    "Conv2D": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"},
    "MaxPooling2D": {"pool_size": [2, 2]},
    "AveragePooling2D": {"pool_size": [2, 2]},
}

DESCRIPTIONS = {
    "Dense": "Every output is a weighted sum of all inputs: the basic fully connected layer.",
    "Activation": "Applies a non-linearity such as relu or softmax to its input.",
    "Dropout": "While training, zeroes a random fraction of inputs so the network can't rely on any one.",
    "Flatten": "Turns an image (height × width × channels) into one long vector for Dense layers.",
    "Reshape": "Rearranges each sample into a new shape with the same number of values.",
    "Conv2D": "Slides small learned filters over an image to detect local patterns.",
    "MaxPooling2D": "Keeps the largest value in each window, shrinking the image.",
    "AveragePooling2D": "Averages each window, shrinking the image.",
    "BatchNormalization": "Normalises each channel with batch statistics to make training steadier.",
}

# Parameters the inspector does not offer (advanced, or set by the app itself).
HIDDEN_PARAMS = {"name", "trainable", "dtype", "input_shape", "batch_input_shape", "input_dim",
                 "batch_size", "batch_shape", "kwargs", "data_format", "seed", "noise_shape",
                 "activity_regularizer", "kernel_constraint", "bias_constraint", "lora_rank",
                 "kernel_regularizer", "bias_regularizer", "kernel_initializer",
                 "bias_initializer", "groups"}


def available_layers() -> dict[str, list[str]]:
    """Palette groups holding only the layers this engine actually has."""
    known = set(registry.names()) - {"InputLayer"}
    groups = {g: [n for n in names if n in known] for g, names in GROUPS.items()}
    listed = {n for names in groups.values() for n in names}
    groups["Other"] = sorted(known - listed)
    return {g: names for g, names in groups.items() if names}


def default_spec(class_name: str) -> LayerSpec:
    return LayerSpec(class_name, dict(DEFAULTS.get(class_name, {})))


def describe(class_name: str) -> str:
    doc = DESCRIPTIONS.get(class_name)
    if doc:
        return doc
    text = inspect.getdoc(registry.get(class_name)) or class_name
    return text.splitlines()[0]


def editable_params(class_name: str, config: dict) -> list[tuple[str, object]]:
    """(name, current value) for each setting the inspector shows, in signature order."""
    cls = registry.get(class_name)
    params = []
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name in HIDDEN_PARAMS or name == "self" or param.kind is param.VAR_KEYWORD:
            continue
        default = None if param.default is inspect.Parameter.empty else param.default
        params.append((name, config.get(name, default)))
    return params


def choices_for(param: str) -> list[str] | None:
    """Fixed choices for string settings, from the engine where it has a registry."""
    if param == "activation":
        return ["linear", *[n for n in activations.names() if n != "linear"]]
    if param == "padding":
        return ["valid", "same"]
    return None
