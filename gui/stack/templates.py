"""Starting models from the Keras tutorials, each with the compile options and data it is made for."""

from __future__ import annotations

from dataclasses import dataclass

from gui.stack.compile_options import default_state
from gui.stack.layer_spec import LayerSpec


@dataclass(frozen=True)
class Template:
    title: str
    description: str
    dataset: str            # the data set it is meant for, as the data panel names it ("MNIST", …)
    input_shape: tuple      # that data set's sample shape, without the batch axis
    layers: tuple           # ((class_name, config), …)
    optimizer: str
    loss: str = "categorical_crossentropy"
    learning_rate: float | None = None

    def specs(self) -> list[LayerSpec]:
        return [LayerSpec(name, dict(config)) for name, config in self.layers]

    def compile_state(self) -> dict:
        state = default_state(self.optimizer, self.loss)
        if self.learning_rate is not None:
            state["learning_rate"] = self.learning_rate
        return state


def _conv(filters: int, padding: str = "valid") -> tuple:
    config = {"filters": filters, "kernel_size": [3, 3], "activation": "relu"}
    if padding != "valid":
        config["padding"] = padding
    return ("Conv2D", config)


_POOL = ("MaxPooling2D", {"pool_size": [2, 2]})

TEMPLATES = [
    Template(
        "Keras intro MLP",
        "The first network of the Keras tutorials: flatten each 28×28 digit, one hidden layer of "
        "64 relu units, 10 softmax outputs, plain SGD. About 97% on MNIST after a few epochs.",
        "MNIST", (28, 28),
        (("Flatten", {}), ("Dense", {"units": 64, "activation": "relu"}),
         ("Dense", {"units": 10, "activation": "softmax"})),
        "sgd"),
    Template(
        "Deeper MLP",
        "Two hidden layers (256 and 128 relu units) trained with Adam: learns MNIST faster and a "
        "little better than the intro MLP.",
        "MNIST", (28, 28),
        (("Flatten", {}), ("Dense", {"units": 256, "activation": "relu"}),
         ("Dense", {"units": 128, "activation": "relu"}),
         ("Dense", {"units": 10, "activation": "softmax"})),
        "adam"),
    Template(
        "LeNet-style CNN (MNIST)",
        "Two convolution + max-pooling stages find strokes and shapes, then a dense classifier with "
        "dropout. The Reshape gives the grey 28×28 digits the channel axis Conv2D needs. ~99% on MNIST.",
        "MNIST", (28, 28),
        (("Reshape", {"target_shape": [28, 28, 1]}), _conv(32), _POOL, _conv(64), _POOL,
         ("Flatten", {}), ("Dense", {"units": 128, "activation": "relu"}),
         ("Dropout", {"rate": 0.5}), ("Dense", {"units": 10, "activation": "softmax"})),
        "adam"),
    Template(
        "CIFAR-10 CNN",
        "Four 3×3 'same' convolutions in two pooled stages, a 256-unit dense layer with dropout and "
        "10 softmax outputs, for 32×32 colour photos. Slow on a CPU: try a few epochs first.",
        "CIFAR-10", (32, 32, 3),
        (_conv(32, "same"), _conv(32, "same"), _POOL, _conv(64, "same"), _conv(64, "same"), _POOL,
         ("Flatten", {}), ("Dense", {"units": 256, "activation": "relu"}),
         ("Dropout", {"rate": 0.5}), ("Dense", {"units": 10, "activation": "softmax"})),
        "adam"),
]


def by_title(title: str) -> Template:
    for template in TEMPLATES:
        if template.title == title:
            return template
    raise KeyError(f"No template called {title!r}. Known: {', '.join(t.title for t in TEMPLATES)}")


def matching_dataset(template: Template, names: list[str]) -> str | None:
    """The data panel entry for the template's data set: its exact name, else one that starts with
    it (the bundled "MNIST sample …" stands in for MNIST); None when there is none."""
    wanted = template.dataset.lower()
    for name in names:
        if name.lower() == wanted:
            return name
    for name in names:
        if name.lower().startswith(wanted + " "):
            return name
    return None
