"""Quick fixes for a layer that cannot take its input: what to insert, change or remove.

Each fix is found by trying it, not from a list per layer type: a layer that fails on an image
but works on the flattened vector gets "Insert Flatten"; one that fails on (28, 28) but works on
(28, 28, 1) gets "Insert Reshape". The controller turns a fix into an undo command.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gui.stack.layer_spec import LayerSpec
from gui.stack.validation import (
    CONFIG_ERRORS,
    StackCheck,
    check_layer,
    check_stack,
    vocabulary_problem,
)


@dataclass
class QuickFix:
    label: str               # what the user reads and the undo text: "Insert Flatten before dense_1"
    kind: str                # "insert", "edit" or "remove"
    row: int                 # where to insert, or the layer to edit/remove
    spec: LayerSpec | None = None          # the layer to insert
    changes: dict = field(default_factory=dict)  # the settings to change


def _works(spec: LayerSpec, shape: tuple) -> bool:
    try:
        check_layer(spec, shape)
    except CONFIG_ERRORS:
        return False
    return True


def _size(shape: tuple) -> int:
    return math.prod(d for d in shape[1:] if d is not None)


def fixes_for(specs: list[LayerSpec], check: StackCheck, row: int, data_shape: tuple,
              num_classes: int | None, vocabulary_size: int | None = None) -> list[QuickFix]:
    """The fixes for the layer at `row`, the most likely first; [] when it has no error."""
    layer_check = check.layers[row] if row < len(check.layers) else None
    if layer_check is None or not layer_check.error:
        return []
    spec, shape = specs[row], layer_check.input_shape
    fixes: list[QuickFix] = []
    if vocabulary_problem(spec, vocabulary_size) is not None:
        fixes.append(QuickFix(f"Set input_dim of {spec.name} to {vocabulary_size}",
                              "edit", row, changes={"input_dim": vocabulary_size}))
    if shape is not None and len(shape) > 2:
        fixes += _flatten_fix(specs, row, shape, num_classes)
    if shape is not None:
        fixes += _channel_fix(spec, row, shape)
        fixes += _reshape_target_fix(spec, row, shape)
    if layer_check.output_shape is not None and num_classes is not None:
        fixes += _units_fix(spec, row, layer_check.output_shape, num_classes)
    fixes = [f for f in fixes if _helps(specs, check, f, data_shape, num_classes)]
    fixes.append(QuickFix(f"Remove {spec.name}", "remove", row))
    return fixes


def _flatten_fix(specs, row, shape, num_classes) -> list[QuickFix]:
    spec = specs[row]
    flat = (None, _size(shape))
    if _works(spec, flat):
        return [QuickFix(f"Insert Flatten before {spec.name}", "insert", row, LayerSpec("Flatten"))]
    return []


def _channel_fix(spec, row, shape) -> list[QuickFix]:
    """Conv2D and 2-D pooling need a channel axis that grey MNIST images do not have."""
    with_channel = (*shape, 1)
    if len(shape) in (2, 3) and not _works(spec, shape) and _works(spec, with_channel):
        target = [d for d in with_channel[1:]]
        label = f"Insert Reshape {tuple(target)} before {spec.name}"
        return [QuickFix(label, "insert", row, LayerSpec("Reshape", {"target_shape": target}))]
    return []


def _reshape_target_fix(spec, row, shape) -> list[QuickFix]:
    """A Reshape whose target has the wrong number of values: fit it to the data that arrives,
    keeping a trailing channel axis when the target had one."""
    if spec.class_name != "Reshape" or any(d is None for d in shape[1:]):
        return []
    target = list(shape[1:])
    old = spec.config.get("target_shape") or []
    if len(old) == len(target) + 1:
        target.append(1)
    if list(old) == target:
        return []
    return [QuickFix(f"Set target shape to {tuple(target)} to match the data", "edit", row,
                     changes={"target_shape": target})]


def _units_fix(spec, row, output_shape, num_classes) -> list[QuickFix]:
    if len(output_shape) == 2 and "units" in spec.config and output_shape[-1] != num_classes:
        return [QuickFix(f"Set units of {spec.name} to {num_classes}", "edit", row,
                         changes={"units": num_classes})]
    return []


def apply(specs: list[LayerSpec], fix: QuickFix) -> list[LayerSpec]:
    """The stack after `fix`, as a new list (the input is left alone)."""
    result = [s.copy() for s in specs]
    if fix.kind == "insert":
        result.insert(fix.row, fix.spec.copy())
    elif fix.kind == "remove":
        del result[fix.row]
    else:
        result[fix.row].config.update(fix.changes)
    return result


def _helps(specs, check, fix, data_shape, num_classes) -> bool:
    """Offer a fix only if the layer it is for stops failing (later layers may still need work).
    Layers above the fix are unchanged, so only the rest is checked, from the shape they hand on."""
    shape = check.layers[fix.row].input_shape
    if shape is None:
        return False
    after = check_stack(apply(specs, fix)[fix.row:], shape[1:], num_classes)
    row = 1 if fix.kind == "insert" else 0
    fixed = after.layers[row] if row < len(after.layers) else None
    return fixed is not None and not fixed.error and fixed.output_shape is not None
