"""Export a model as a runnable program for real Keras 3: `keras_script(model, "digits.py")`.

The program rebuilds the Sequential model layer by layer in plain Keras code, compiles it as the
engine model was compiled, loads the weights from the model's .h5 file (Keras reads the legacy
HDF5 layout the engine writes) and, run as a script, continues training on the matching
`keras.datasets` set with Hornbook's preprocessing. Import it to get the model alone:
`build_model()` (fresh weights) or `load_trained_model()` (the engine's weights).

Arguments are printed only where they differ from the layer's defaults, found generically for
every class in the layer registry by building a default instance from the required arguments.
"""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

from engine.export._pycode import Code, call, literal, same_value
from engine.layers import registry
from engine.saving.atomic import atomic_write
from engine.saving.training_config import optimizer_config

# Keras requires these although the engine gives them a default, so they are always written.
_KERAS_REQUIRED = {"AveragePooling1D": ("pool_size",), "AveragePooling2D": ("pool_size",)}
# Config keys that are not constructor arguments worth writing: the input shape is `keras.Input`,
# dtype is float32 throughout, and generated names would only clutter the code.
_NOT_ARGUMENTS = {"name", "dtype", "batch_input_shape", "batch_shape"}
_BASE_ARGUMENTS = {"trainable"}
# Input sizes of the keras.datasets sets a digit/image model is most likely made for.
_DATASETS = {28 * 28: "mnist", 32 * 32 * 3: "cifar10"}
_CLASSES = 10


def keras_script(model, path: str | os.PathLike, weights_path: str | os.PathLike | None = None,
                 dataset: str | None = None) -> Path:
    """Write a Keras program for `model` to `path` (atomically) and return its path.

    weights_path: the .h5 the program loads. By default the script's path with `.h5`, (re)written
    with model.save so it holds exactly these weights; a given path that exists is used as it is
    (say, the file the model was loaded from), a given path that does not exist is written.
    dataset: 'mnist', 'fashion_mnist' or 'cifar10' for the training part; by default chosen from
    the input shape (28x28 -> mnist, 32x32x3 -> cifar10, anything else -> a stub to fill in).
    """
    path = Path(path)
    if not model.built:
        raise ValueError("The model has no input shape yet, so its weights do not exist: start it "
                         "with Input(shape=…) or build it before exporting.")
    weights = Path(weights_path) if weights_path is not None else path.with_suffix(".h5")
    if weights_path is None or not weights.exists():
        model.save(weights)
    if dataset is None:
        dataset = _DATASETS.get(_size(model.input_shape[1:]))
    text = script_text(model, _weights_expression(weights, path), dataset)
    with atomic_write(str(path)) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path


def layer_arguments(layer) -> dict:
    """The constructor arguments that rebuild `layer` in Keras: required ones, then those whose
    value differs from the class default, in the order of the layer's config."""
    config = layer.get_config()
    cls = type(layer)
    required = [p.name for p in inspect.signature(cls.__init__).parameters.values()
                if p.default is inspect.Parameter.empty and p.name != "self"
                and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    try:
        # from_config rebuilds nested required arguments (Bidirectional's layer); an explicit name
        # keeps the throw-away default instance from using up an automatic name.
        default = cls.from_config({**{k: config[k] for k in required},
                                   "name": "hornbook_export_default"}).get_config()
    except (TypeError, ValueError, KeyError):
        default = {}  # no default to compare with: write every argument
    always = set(required) | set(_KERAS_REQUIRED.get(registry.serialize(layer)["class_name"], ()))
    keys = [k for k, v in config.items() if k not in _NOT_ARGUMENTS and
            (k in always or k not in default or not same_value(_unnamed(v), _unnamed(default[k])))]
    # Read like hand-written Keras: the required arguments, the layer's own, then the generic ones.
    keys.sort(key=lambda k: (k not in always, k in _BASE_ARGUMENTS))
    args = {k: config[k] for k in keys}
    if not _generated_name(layer.name, cls.__name__):
        args["name"] = layer.name
    return args


def _unnamed(value):
    """A wrapped layer's config without its name, which follows the wrapper's (backward_lstm)."""
    if isinstance(value, dict) and value.get("module") == "keras.layers" and "config" in value:
        return {**value, "config": {k: v for k, v in value["config"].items() if k != "name"}}
    return value


def layer_source(layer, indent: int = 4, used: int = len("    model.add(")) -> str:
    """`keras.layers.Conv2D(filters=32, kernel_size=(3, 3), activation="relu")` for `layer`."""
    args = layer_arguments(layer)
    for key, value in args.items():
        if isinstance(value, dict) and value.get("module") == "keras.layers":
            # A wrapped layer (Bidirectional's) reads best written like any other layer.
            args[key] = Code(layer_source(registry.deserialize(value), indent + 4,
                                          indent + 4 + len(key) + 1))
    return call(f"keras.layers.{registry.serialize(layer)['class_name']}", args, indent, used)


def script_text(model, weights_expression: str, dataset: str | None) -> str:
    """The whole program; `weights_expression` is Python code giving the .h5 path."""
    input_shape = tuple(model.input_shape)
    input_args = {"shape": input_shape[1:]}
    if input_shape[0] is not None:
        input_args["batch_size"] = input_shape[0]
    model_args = {} if _generated_name(model.name, "Sequential") else {"name": model.name}
    lines = [
        f'"""The model "{model.name}", exported from Hornbook as a Keras 3 program.',
        "",
        "python this_file.py   loads the trained weights, then keeps training on "
        f"keras.datasets.{dataset or '…'}",
        "                      and evaluates on its test split.",
        "import this_file      gives build_model() (fresh weights) and load_trained_model().",
        "",
        "Needs Keras 3 and one backend, e.g. `pip install keras torch` with KERAS_BACKEND=torch.",
        '"""',
        "",
        "from pathlib import Path",
        "",
        "import keras",
        "",
        f"WEIGHTS = {weights_expression}",
        "EPOCHS = 5",
        "BATCH_SIZE = 32",
        "",
        "",
        "def build_model() -> keras.Sequential:",
        '    """The architecture and compile settings of the Hornbook model, with fresh weights."""',
        f"    model = {call('keras.Sequential', model_args)}",
        f"    model.add({call('keras.Input', input_args)})",
        *(f"    model.add({layer_source(layer)})" for layer in model.layers),
        *_compile_lines(model),
        "    return model",
        "",
        "",
        "def load_trained_model(weights=WEIGHTS) -> keras.Sequential:",
        '    """build_model() with the weights Hornbook trained (read from its .h5 file)."""',
        "    model = build_model()",
        "    model.load_weights(weights)",
        "    return model",
        "",
        "",
        *load_data_lines(input_shape[1:], dataset, _sparse_labels(model)),
        "",
        "",
        "def main() -> None:",
        "    model = load_trained_model()",
        "    model.summary()",
        "    (x_train, y_train), (x_test, y_test) = load_data()",
        '    print("Test before:", model.evaluate(x_test, y_test, verbose=0, return_dict=True))',
        "    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_split=0.1)",
        '    print("Test after:", model.evaluate(x_test, y_test, verbose=0, return_dict=True))',
        '    # model.save(Path(__file__).with_suffix(".keras"))  # keep the result in Keras\' format',
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
        "",
    ]
    return "\n".join(lines)


def _compile_lines(model) -> list[str]:
    if model.optimizer is None or model.loss is None:
        return ["    # The Hornbook model was not compiled; choose how to train it before fit(), e.g.",
                '    # model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", '
                'metrics=["accuracy"])']
    optimizer = optimizer_config(model.optimizer)
    default = optimizer_config(type(model.optimizer)())["config"]
    lines = ["    model.compile(",
             "        optimizer=" + call(f"keras.optimizers.{optimizer['class_name']}",
                                         _changed(optimizer["config"], default), 8, 18) + ",",
             "        loss=" + _object_source(model.loss, "keras.losses") + ","]
    # compile() keeps what it was given (names or Metric objects); names stay names.
    metrics = [_object_source(m, "keras.metrics") for m in getattr(model, "_metric_specs", None) or []]
    if metrics:
        lines.append(f"        metrics=[{', '.join(metrics)}],")
    return [*lines, "    )"]


def _object_source(obj, module: str) -> str:
    """A loss or metric: its Keras name when it has default settings, else its constructor."""
    if isinstance(obj, str):
        return literal(obj)
    try:
        default = type(obj)().get_config()
    except TypeError:  # a class with required arguments has no default to compare with
        default = {}
    config = obj.get_config()
    if default and same_value(config, default):
        return literal(default.get("name", obj.name))
    return call(f"{module}.{type(obj).__name__}", _changed(config, default), 8, 16)


def _changed(config: dict, default: dict) -> dict:
    """The entries of `config` a constructor needs: those not at their default (names aside)."""
    return {k: v for k, v in config.items()
            if k != "name" and (k not in default or not same_value(v, default[k]))}


def _sparse_labels(model) -> bool:
    """Hornbook's rule: integer labels for sparse losses, one-hot rows for every other loss."""
    return model.loss is None or "sparse" in getattr(model.loss, "name", str(model.loss))


def load_data_lines(shape: tuple, dataset: str | None, sparse: bool, num_classes: int = _CLASSES,
                    missing: str | None = None) -> list[str]:
    """Source of `def load_data():` for keras.datasets.<dataset>, prepared as Hornbook prepares
    it: pixels scaled to 0..1, images reshaped to `shape` (the model's input without the batch
    axis), labels as class indices (`sparse`) or one-hot. Without a dataset the function raises
    NotImplementedError, its message `missing` (by default: no set has such images)."""
    labels = "labels as class indices" if sparse else "labels one-hot"
    if dataset is None:
        missing = missing or (f"No keras.datasets set has images of shape {literal(shape)}; load "
                              "your own data here.")
        return ["def load_data():",
                f'    """(x_train, y_train), (x_test, y_test): inputs of shape {literal(shape)}, '
                f'{labels}."""',
                f"    raise NotImplementedError({literal(missing)})"]
    head = ["def load_data():",
            f'    """keras.datasets.{dataset} prepared as Hornbook prepares it: pixels scaled to 0..1 and '
            "each",
            f'    image reshaped to the model\'s input shape, {labels}."""']
    target = literal((-1, *shape))
    lines = [*head, f"    (x_train, y_train), (x_test, y_test) = keras.datasets.{dataset}.load_data()",
             f'    x_train = x_train.astype("float32").reshape({target}) / 255',
             f'    x_test = x_test.astype("float32").reshape({target}) / 255']
    if not sparse:
        lines += [f"    y_train = keras.utils.to_categorical(y_train, {num_classes})",
                  f"    y_test = keras.utils.to_categorical(y_test, {num_classes})"]
    return [*lines, "    return (x_train, y_train), (x_test, y_test)"]


def _weights_expression(weights: Path, script: Path) -> str:
    """Next to the script: found relative to it wherever the pair is moved; elsewhere: absolute."""
    if weights.resolve().parent == script.resolve().parent:
        return f"Path(__file__).with_name({literal(weights.name)})"
    return f"Path({literal(str(weights.resolve()))})"


def _generated_name(name: str, class_name: str) -> bool:
    """True for names the engine or Keras makes up ('conv2d_3', 'sequential')."""
    stem = re.sub(r"_\d+$", "", name).replace("_", "")
    return stem == class_name.lower()


def _size(shape: tuple) -> int:
    size = 1
    for dim in shape:
        size *= dim or 0
    return size
