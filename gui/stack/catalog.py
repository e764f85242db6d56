"""What the palette offers: every layer in the engine's registry, grouped, with starting settings.

The list of layers comes from the engine; this file only adds what a registry cannot know — the
group a layer belongs to in the palette (from the engine module that defines it, as Keras' own
documentation groups them), a sensible first setting and a one-line explanation.
"""

from __future__ import annotations

import inspect

from engine import activations, initializers
from engine.layers import registry
from gui.stack.layer_spec import LayerSpec

# Palette groups in the order shown, and the engine modules (engine/layers/<module>.py) that feed them.
GROUP_ORDER = ["Core", "Convolution", "Pooling", "Reshaping", "Normalization", "Regularization",
               "Activations", "Recurrent", "Other"]
# Words in the engine module's name (engine/layers/<module>.py) → the group; the first match wins.
MODULE_GROUPS = [
    (("rnn", "lstm", "gru", "recurrent", "bidirectional"), "Recurrent"),
    (("pool",), "Pooling"),
    (("conv",), "Convolution"),
    (("normaliz",), "Normalization"),
    (("activation",), "Activations"),
    (("reshap", "crop", "padding", "upsampl"), "Reshaping"),
    (("dropout", "noise", "regulariz"), "Regularization"),
    (("core", "embedding", "masking"), "Core"),
]
# Keras' documentation files these apart from the module the engine keeps them in.
CLASS_GROUPS = {"Flatten": "Reshaping", "Reshape": "Reshaping", "Dropout": "Regularization"}
HIDDEN_LAYERS = {"InputLayer"}  # the input comes from the data set, not from a card
# Shown first in their groups: what a beginner's model is made of.
COMMON = ["Dense", "Conv2D", "MaxPooling2D", "Flatten", "Reshape", "Dropout", "BatchNormalization",
          "ReLU", "Softmax", "LSTM"]

DEFAULTS: dict[str, dict] = {
    "Dense": {"units": 64, "activation": "relu"},
    "Activation": {"activation": "relu"},
    "Dropout": {"rate": 0.5},
    "Reshape": {"target_shape": [28, 28, 1]},
    "Conv2D": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"},
    "Conv1D": {"filters": 32, "kernel_size": 3, "activation": "relu"},
    "MaxPooling2D": {"pool_size": [2, 2]},
    "AveragePooling2D": {"pool_size": [2, 2]},
    "Embedding": {"input_dim": 1000, "output_dim": 32},
    "LSTM": {"units": 32},
    "GRU": {"units": 32},
    "SimpleRNN": {"units": 32},
    "Bidirectional": {"layer": {"class_name": "LSTM", "config": {"units": 32}}},
}

DESCRIPTIONS = {
    "Dense": "Every output is a weighted sum of all inputs: the basic fully connected layer.",
    "Activation": "Applies a non-linearity such as relu or softmax to its input.",
    "Dropout": "While training, zeroes a random fraction of inputs so the network can't rely on any one.",
    "Flatten": "Turns an image (height × width × channels) into one long vector for Dense layers.",
    "Reshape": "Rearranges each sample into a new shape with the same number of values, "
               "e.g. 28×28 digits into 28×28×1 images for Conv2D.",
    "Conv2D": "Slides small learned filters over an image to detect local patterns.",
    "Conv1D": "Slides learned filters along a sequence (steps × channels).",
    "MaxPooling2D": "Keeps the largest value in each window, shrinking the image.",
    "AveragePooling2D": "Averages each window, shrinking the image.",
    "MaxPooling1D": "Keeps the largest value in each window of steps, shortening the sequence.",
    "AveragePooling1D": "Averages each window of steps, shortening the sequence.",
    "GlobalAveragePooling2D": "Averages each channel over the whole image: (h, w, c) → (c).",
    "GlobalMaxPooling2D": "Takes each channel's maximum over the whole image: (h, w, c) → (c).",
    "GlobalAveragePooling1D": "Averages each channel over all steps: (steps, c) → (c).",
    "GlobalMaxPooling1D": "Takes each channel's maximum over all steps: (steps, c) → (c).",
    "BatchNormalization": "Normalises each channel with batch statistics to make training steadier.",
    "ZeroPadding2D": "Adds rows and columns of zeros around each image.",
    "ReLU": "max(x, 0) as a layer of its own, with optional cap and slope.",
    "LeakyReLU": "Like relu, but lets a small slope through for negative inputs.",
    "PReLU": "Like LeakyReLU, but the negative slope is learned.",
    "ELU": "Smooth relu variant: exponential below zero.",
    "Softmax": "Turns scores into probabilities that sum to one.",
    "Embedding": "Maps integer tokens (word ids) to learned vectors.",
    "Masking": "Marks padded time steps so recurrent layers skip them.",
    "SimpleRNN": "A basic recurrent layer: reads a sequence one step at a time.",
    "LSTM": "Long short-term memory: a recurrent layer that remembers across long sequences.",
    "GRU": "Gated recurrent unit: a lighter alternative to LSTM.",
    "Bidirectional": "Runs a recurrent layer forwards and backwards and joins the results.",
}

# Parameters the inspector does not offer (advanced, or set by the app itself).
HIDDEN_PARAMS = {"name", "trainable", "dtype", "input_shape", "batch_input_shape",
                 "batch_size", "batch_shape", "kwargs", "data_format", "seed", "noise_shape",
                 "activity_regularizer", "kernel_constraint", "bias_constraint", "lora_rank",
                 "lora_alpha", "quantization_config", "kernel_regularizer", "bias_regularizer",
                 "recurrent_regularizer", "recurrent_constraint", "embeddings_regularizer",
                 "embeddings_constraint", "beta_regularizer", "gamma_regularizer",
                 "beta_constraint", "gamma_constraint", "alpha_regularizer", "alpha_constraint",
                 "groups", "synchronized", "weights", "backward_layer", "stateful", "unroll",
                 "return_state", "zero_output_for_mask"}

# Settings that are a (height, width) pair on 2-D layers: shown as two spin boxes.
PAIR_PARAMS = {"kernel_size", "strides", "pool_size", "dilation_rate"}

# Spin-box ranges. The lower end sits one step past the engine's limit on purpose: a value the
# engine refuses still reaches it, so the user reads the engine's own "Received: …" reason.
INT_RANGES = {"units": (0, 65536), "filters": (0, 4096), "input_dim": (0, 1_000_000),
              "output_dim": (0, 4096), "kernel_size": (0, 99), "strides": (0, 99),
              "pool_size": (0, 99), "dilation_rate": (0, 99), "axis": (-8, 8)}
FLOAT_RANGES = {"rate": (0.0, 10.0), "dropout": (0.0, 10.0), "recurrent_dropout": (0.0, 10.0),
                "momentum": (0.0, 10.0), "epsilon": (0.0, 10.0)}


def group_of(class_name: str) -> str:
    if class_name in CLASS_GROUPS:
        return CLASS_GROUPS[class_name]
    module = registry.get(class_name).__module__.rsplit(".", 1)[-1]
    return next((group for words, group in MODULE_GROUPS if any(w in module for w in words)), "Other")


def available_layers() -> dict[str, list[str]]:
    """Palette groups, in GROUP_ORDER, holding only the layers this engine actually has."""
    groups: dict[str, list[str]] = {g: [] for g in GROUP_ORDER}
    common = {name: i for i, name in enumerate(COMMON)}
    for name in sorted(set(registry.names()) - HIDDEN_LAYERS, key=lambda n: (common.get(n, 99), n)):
        groups.setdefault(group_of(name), []).append(name)
    return {g: names for g, names in groups.items() if names}


def default_spec(class_name: str) -> LayerSpec:
    return LayerSpec(class_name, dict(DEFAULTS.get(class_name, {})))


def describe(class_name: str) -> str:
    doc = DESCRIPTIONS.get(class_name)
    if doc:
        return doc
    text = inspect.getdoc(registry.get(class_name)) or class_name
    return text.splitlines()[0]


def signature_defaults(class_name: str) -> dict[str, object]:
    """Each constructor argument's default (inspect.Parameter.empty for required ones)."""
    cls = registry.get(class_name)
    return {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}


def editable_params(class_name: str, config: dict) -> list[tuple[str, object]]:
    """(name, current value) for each setting the inspector shows: the constructor's arguments in
    signature order, then the settings a layer takes through **kwargs (Conv2D's initializers),
    as its get_config() lists them."""
    signature = signature_defaults(class_name)
    try:
        full = LayerSpec(class_name, config).create().get_config()
    except (ValueError, TypeError, KeyError):  # a bad setting: the card says why
        full = {}
    params = []
    for name in [*signature, *(k for k in full if k not in signature)]:
        if name in HIDDEN_PARAMS:
            continue
        default = signature.get(name, inspect.Parameter.empty)
        default = full.get(name) if default is inspect.Parameter.empty else default
        params.append((name, config.get(name, default)))
    return params


def is_pair(class_name: str, param: str) -> bool:
    return param in PAIR_PARAMS and class_name.endswith("2D")


def choices_for(param: str, class_name: str | None = None) -> list[str] | None:
    """Fixed choices for string settings, from the engine where it has a registry."""
    if param in ("activation", "recurrent_activation"):
        return ["linear", *[n for n in activations.names() if n != "linear"]]
    if param.endswith("_initializer"):
        return initializers.names()
    if param == "padding":
        # ZeroPadding2D's padding is a size, not a mode.
        default = signature_defaults(class_name).get(param) if class_name else "valid"
        return ["valid", "same"] if isinstance(default, str) else None
    if param == "merge_mode":
        return ["concat", "sum", "mul", "ave"]
    return None
