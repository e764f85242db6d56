"""Checks a stack against an input shape with the engine's compute_output_shape, before any weight exists."""

from __future__ import annotations

from dataclasses import dataclass

from gui.stack.layer_spec import LayerSpec


@dataclass
class LayerCheck:
    output_shape: tuple | None
    params: int
    error: str | None = None


@dataclass
class StackCheck:
    layers: list[LayerCheck]
    problem: str | None  # why the stack can't be trained, or None when it can

    @property
    def ok(self) -> bool:
        return self.problem is None


def _param_count(layer, input_shape) -> int:
    try:
        layer.build(input_shape)
    except Exception:  # the shape check already reported the cause
        return 0
    return layer.count_params()


def check_stack(specs: list[LayerSpec], input_shape: tuple, num_classes: int | None) -> StackCheck:
    """Walk the stack: each layer's output shape and parameter count, or the reason it fails."""
    checks: list[LayerCheck] = []
    problem = None
    shape: tuple | None = (None, *input_shape)
    for index, spec in enumerate(specs):
        if shape is None:
            checks.append(LayerCheck(None, 0, "Fix the layer above first."))
            continue
        try:
            layer = spec.create()
            out = tuple(layer.compute_output_shape(shape))
        except (ValueError, TypeError) as exc:
            message = str(exc)
            if spec.class_name == "Dense" and len(shape) > 2:
                message = (f"Dense needs a flat input but receives {shape}; add Flatten before it.")
            checks.append(LayerCheck(None, 0, message))
            problem = problem or f"Layer {index + 1} ({spec.class_name}): {message}"
            shape = None
            continue
        checks.append(LayerCheck(out, _param_count(layer, shape)))
        shape = out
    if not specs:
        problem = "The model has no layers yet: add layers from the palette."
    elif problem is None and num_classes is not None and shape is not None and (
            len(shape) != 2 or shape[-1] != num_classes):
        hint = " Add Flatten before the last Dense." if len(shape) > 2 else \
            f" Set the last Dense to {num_classes} units."
        problem = (f"The last layer outputs {shape}, but the data has {num_classes} classes: "
                   f"it should output (None, {num_classes}).{hint}")
    return StackCheck(checks, problem)
