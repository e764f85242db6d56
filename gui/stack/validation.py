"""Checks a stack against an input shape with the engine's compute_output_shape, before any weight
exists, and says on which layer a problem lies and why."""

from __future__ import annotations

from dataclasses import dataclass

from gui.stack.layer_spec import LayerSpec

# What building a layer from a bad config raises: the engine's ValueError/TypeError, or a KeyError
# for a nested config without its required part (Bidirectional without "layer").
CONFIG_ERRORS = (ValueError, TypeError, KeyError)


@dataclass
class LayerCheck:
    output_shape: tuple | None
    params: int
    error: str | None = None
    input_shape: tuple | None = None  # with the batch axis; None below a failing layer


@dataclass
class StackCheck:
    layers: list[LayerCheck]
    problem: str | None  # why the stack can't be trained, or None when it can

    @property
    def ok(self) -> bool:
        return self.problem is None


def _param_count(spec: LayerSpec, layer, input_shape) -> int:
    """Parameters of `layer` on `input_shape`. Counting needs built weights; they are built with
    zeros instead of the real initializers (np.zeros costs nothing, an orthogonal init of a big
    recurrent kernel takes seconds), because this runs in the GUI thread on every edit."""
    zeroed = {k: "zeros" for k in layer.get_config() if k.endswith("_initializer")}
    try:
        cheap = LayerSpec(spec.class_name, {**spec.config, **zeroed}).create() if zeroed else layer
        cheap.build(input_shape)
    except Exception:  # the shape check already reported the cause
        return 0
    return cheap.count_params()


def check_layer(spec: LayerSpec, shape: tuple) -> tuple[tuple, int]:
    """(output shape, parameter count) of `spec` on `shape`; raises the engine's error."""
    layer = spec.create()
    out = tuple(layer.compute_output_shape(shape))
    return out, _param_count(spec, layer, shape)


def _error_text(exc: Exception) -> str:
    text = str(exc)
    return text.strip("'\"") if isinstance(exc, KeyError) else text


def vocabulary_problem(spec: LayerSpec, vocabulary_size: int | None) -> str | None:
    """Why an Embedding reading the data's word indices would index past its table, or None.

    Shapes alone cannot tell: the engine raises only when a too-large index arrives in training."""
    input_dim = spec.config.get("input_dim")
    if spec.class_name != "Embedding" or vocabulary_size is None or not isinstance(input_dim, int):
        return None
    if input_dim >= vocabulary_size:
        return None
    return (f"input_dim {input_dim} is below the text data's vocabulary of {vocabulary_size} "
            f"(word indices up to {vocabulary_size - 1}): those words would be out of range. "
            f"Set input_dim to {vocabulary_size}.")


def check_stack(specs: list[LayerSpec], input_shape: tuple, num_classes: int | None,
                vocabulary_size: int | None = None) -> StackCheck:
    """Walk the stack: each layer's output shape and parameter count, or the reason it fails.
    `vocabulary_size`: for text data, the word indices it holds (see vocabulary_problem)."""
    checks: list[LayerCheck] = []
    problem = None
    shape: tuple | None = (None, *input_shape)
    reads_data = True  # the layer gets the data's own values (only InputLayers before it)
    for index, spec in enumerate(specs):
        if shape is None:
            checks.append(LayerCheck(None, 0, None))
            continue
        first, reads_data = reads_data, reads_data and spec.class_name == "InputLayer"
        try:
            out, params = check_layer(spec, shape)
        except CONFIG_ERRORS as exc:
            message = _error_text(exc)
            if spec.class_name == "Dense" and len(shape) > 2:
                message = f"Dense needs a flat input but receives {shape}; add Flatten before it."
            if isinstance(exc, KeyError):
                message = f"{spec.class_name} is missing its setting {message}."
            checks.append(LayerCheck(None, 0, message, shape))
            problem = problem or f"Layer {index + 1} ({spec.name}): {message}"
            shape = None
            continue
        message = vocabulary_problem(spec, vocabulary_size) if first else None
        checks.append(LayerCheck(out, params, message, shape))
        if message is not None:
            problem = problem or f"Layer {index + 1} ({spec.name}): {message}"
        shape = out
    if not specs:
        problem = "The model has no layers yet: add layers from the palette."
    elif problem is None and num_classes is not None and shape is not None:
        problem = _output_problem(specs, checks, shape, num_classes)
    return StackCheck(checks, problem)


def _output_problem(specs: list[LayerSpec], checks: list[LayerCheck], shape: tuple,
                    num_classes: int) -> str | None:
    """The model must end in (None, num_classes). When it does not, the reason is put on the card
    where the user can fix it: the Dense that was handed an image, or the last layer."""
    if len(shape) == 2 and shape[-1] == num_classes:
        return None
    if len(shape) > 2:
        row = next((i for i, c in enumerate(checks)
                    if specs[i].class_name == "Dense" and len(c.input_shape) > 2), len(specs) - 1)
        received = checks[row].input_shape
        if specs[row].class_name == "Dense":
            message = (f"Dense needs a flat input but receives {received}: it would work on each "
                       f"position separately and the model would output {shape}, not "
                       f"(None, {num_classes}). Add Flatten before it.")
        else:
            message = (f"The model ends in {shape}, but the data has {num_classes} classes: it should "
                       f"output (None, {num_classes}). Add Flatten and a Dense of {num_classes} units.")
    else:
        row = len(specs) - 1
        message = (f"The last layer outputs {shape}, but the data has {num_classes} classes: it "
                   f"should output (None, {num_classes}). Set the last Dense to {num_classes} units.")
    checks[row].error = message
    return f"Layer {row + 1} ({specs[row].name}): {message}"
