"""Starting models from the Keras tutorials, each with the compile options and data it is made for.

Image templates carry fixed shapes. A text template's sizes depend on the text set actually loaded
(its sequence length, vocabulary and classes), so its layer configs hold `DataValue` placeholders
that `Template.specs(data)` fills in from that set.
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.stack.compile_options import default_state
from gui.stack.layer_spec import LayerSpec


@dataclass(frozen=True)
class DataValue:
    """A config value taken from the loaded data set: `attribute` of its TextEncoding or Dataset
    (`vocabulary_size`, `num_classes`), `default` when no text set is loaded."""

    attribute: str
    default: int

    def resolve(self, data) -> int:
        if data is None or getattr(data, "text", None) is None:
            return self.default
        source = data.text if hasattr(data.text, self.attribute) else data
        return int(getattr(source, self.attribute))


VOCABULARY = DataValue("vocabulary_size", 10_000)  # Embedding input_dim: every index the set uses
CLASSES = DataValue("num_classes", 5)                # the Fortunes topics


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

    @property
    def for_text(self) -> bool:
        """True when its sizes come from the loaded text set (see DataValue)."""
        return any(isinstance(v, DataValue) for _, config in self.layers for v in config.values())

    def specs(self, data=None) -> list[LayerSpec]:
        """The layers, with DataValue placeholders resolved from `data` (a Dataset or None)."""
        return [LayerSpec(name, {k: v.resolve(data) if isinstance(v, DataValue) else v
                                 for k, v in config.items()})
                for name, config in self.layers]

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


_TEXT_NOTE = ("Sizes follow the text set loaded in the Data panel: Embedding input_dim is its "
              "vocabulary (padding 0 included), the input its sequence length, the last Dense its "
              "classes.")

# Kept apart from TEMPLATES, whose shapes are fixed: these are sized by the text set loaded.
TEXT_TEMPLATES = [
    Template(
        "Text classifier (Embedding → average)",
        "The classic first Keras text lesson: each word becomes a learned 16-number vector, the "
        "vectors of a text are averaged (padding ignored) and a softmax layer reads the topic. "
        "Trains in seconds; meant for the Fortunes topics (about two thirds right after 5 epochs, "
        "against 38% for always guessing the largest topic). " + _TEXT_NOTE,
        "Fortunes", (100,),
        (("Embedding", {"input_dim": VOCABULARY, "output_dim": 16, "mask_zero": True}),
         ("GlobalAveragePooling1D", {}),
         ("Dense", {"units": CLASSES, "activation": "softmax"})),
        "adam", learning_rate=0.005),
    Template(
        "Text classifier (Embedding → LSTM)",
        "Word vectors read in order by an LSTM of 32 units, whose last state a softmax layer turns "
        "into the topic: it can use word order, but trains far slower than the averaging model "
        "(about 15 s per epoch on the Fortunes topics at 100 words per text, and a few epochs "
        "before it beats guessing the largest topic). " + _TEXT_NOTE,
        "Fortunes", (100,),
        (("Embedding", {"input_dim": VOCABULARY, "output_dim": 32, "mask_zero": True}),
         ("LSTM", {"units": 32}),
         ("Dense", {"units": CLASSES, "activation": "softmax"})),
        "adam"),
]
ALL_TEMPLATES = TEMPLATES + TEXT_TEMPLATES


def by_title(title: str) -> Template:
    for template in ALL_TEMPLATES:
        if template.title == title:
            return template
    raise KeyError(f"No template called {title!r}. Known: {', '.join(t.title for t in ALL_TEMPLATES)}")


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
