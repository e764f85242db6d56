"""The builder's model as a runnable Keras 3 program: imports, model, compile, fit on keras.datasets.

Each layer's arguments come from engine.export.keras_script.layer_arguments — its config diffed
against the class defaults, the same for every layer type — so this file holds no list per layer.
Unlike keras_script (which exports a trained model with its weights), this program starts from
fresh weights: it mirrors what the builder shows before training.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from engine.export._pycode import call, literal, same_value
from engine.export.keras_script import layer_arguments, load_data_lines
from engine.optimizers import schedules
from gui.stack.compile_options import default_learning_rate, optimizer_class, optimizer_hyperparameters
from gui.stack.layer_spec import LayerSpec
from gui.stack.validation import CONFIG_ERRORS


@dataclass
class RunSettings:
    """What fit() is given, from the data and training panels."""

    dataset: str | None = None      # the data panel's name for the data ("MNIST", "Fashion-MNIST", …)
    num_classes: int = 10
    batch_size: int = 32
    epochs: int = 5
    validation_split: float = 0.1


def keras_dataset(name: str | None) -> str | None:
    """The keras.datasets module for a data panel entry, or None when Keras has no such set."""
    text = (name or "").lower().replace("-", "").replace("_", "")
    for key, module in (("fashion", "fashion_mnist"), ("cifar100", "cifar100"),
                        ("cifar", "cifar10"), ("mnist", "mnist")):
        if key in text:
            return module
    return None


def layer_line(spec: LayerSpec) -> str:
    """`keras.layers.Dense(units=64, activation="relu"),` or a comment saying why it can't be."""
    try:
        layer = spec.create()
        args = layer_arguments(layer)
    except CONFIG_ERRORS as exc:
        return f"# {spec.name}: {spec.class_name} with these settings is refused: {exc}"
    return call(f"keras.layers.{spec.class_name}", args, 8) + ","


def optimizer_source(state: dict) -> str:
    name = state["optimizer"]
    args = {}
    if state.get("schedule"):
        args["learning_rate"] = _schedule_object(state)
    elif not same_value(state["learning_rate"], default_learning_rate(name)):
        args["learning_rate"] = state["learning_rate"]
    defaults = optimizer_hyperparameters(name)
    args.update({k: v for k, v in state["hyper"].items() if not same_value(v, defaults.get(k))})
    return call(f"keras.optimizers.{optimizer_class(name).__name__}", args, 8, 18)


def _schedule_object(state: dict) -> dict:
    """The schedule in Keras' serialized form, which `literal` prints as its constructor call."""
    name = state["schedule"]
    params = inspect.signature(getattr(schedules, name).__init__).parameters
    config = {"initial_learning_rate": state["learning_rate"]} if "initial_learning_rate" in params else {}
    config.update(state["schedule_params"])
    return {"module": "keras.optimizers.schedules", "class_name": name, "config": config}


def callbacks_source(state: dict) -> list[str]:
    result = []
    stop = state["early_stopping"]
    if stop["enabled"]:
        result.append(call("keras.callbacks.EarlyStopping",
                           {"monitor": "val_loss", "patience": stop["patience"],
                            "restore_best_weights": stop["restore_best_weights"]}, 8))
    reduce = state["reduce_lr"]
    if reduce["enabled"]:
        result.append(call("keras.callbacks.ReduceLROnPlateau",
                           {"monitor": "val_loss", "factor": reduce["factor"],
                            "patience": reduce["patience"]}, 8))
    return result


def program(specs: list[LayerSpec], input_shape: tuple, state: dict, run: RunSettings) -> str:
    """The whole program as text."""
    dataset = keras_dataset(run.dataset)
    sparse = "sparse" in state["loss"]
    metrics = ", ".join(literal(m) for m in state["metrics"])
    lines = [
        '"""A model built in Hornbook, as a Keras 3 program.',
        "",
        "Run it with Keras 3 and one backend, e.g. `pip install keras torch` and",
        "KERAS_BACKEND=torch python this_file.py. `import this_file` gives build_model() alone.",
        '"""',
        "",
        "import keras",
        "",
        f"BATCH_SIZE = {run.batch_size}",
        f"EPOCHS = {run.epochs}",
        f"VALIDATION_SPLIT = {run.validation_split:g}",
        "",
        "",
        "def build_model() -> keras.Sequential:",
        "    model = keras.Sequential([",
        f"        keras.Input(shape={literal(tuple(input_shape))}),",
        *(_indent(layer_line(spec), 8) for spec in specs),
        "    ])",
        "    model.compile(",
        f"        optimizer={optimizer_source(state)},",
        f"        loss={literal(state['loss'])},",
        f"        metrics=[{metrics}],",
        "    )",
        "    return model",
        "",
        "",
        *load_data_lines(tuple(input_shape), dataset, sparse, run.num_classes,
                         f"Hornbook trained on {run.dataset or 'data of its own'}, which keras.datasets "
                         "does not have: load it here as (x_train, y_train), (x_test, y_test)."),
        "",
        "",
        "def main() -> None:",
        "    model = build_model()",
        "    model.summary()",
        "    (x_train, y_train), (x_test, y_test) = load_data()",
        *_fit_lines(state),
        '    print("Test:", model.evaluate(x_test, y_test, verbose=0, return_dict=True))',
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
        "",
    ]
    return "\n".join(lines)


def _indent(text: str, spaces: int) -> str:
    return " " * spaces + text


def _fit_lines(state: dict) -> list[str]:
    callbacks = callbacks_source(state)
    fit = ["    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS,",
           "              validation_split=VALIDATION_SPLIT"]
    if not callbacks:
        return [*fit[:-1], fit[-1] + ")"]
    return ["    callbacks = [", *(f"        {c}," for c in callbacks), "    ]",
            *fit[:-1], fit[-1] + ", callbacks=callbacks)"]
