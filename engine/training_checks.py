"""Checks that turn wrong use of fit/evaluate/predict into Keras-style messages before any batch runs.

Each message says what was expected, what was received ("Received: batch_size=0") and, where the
fix is clear, what to do ("use loss='sparse_categorical_crossentropy'").
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def assert_compiled(model, method: str) -> None:
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError(f"You must call `compile()` before using the model: call "
                         f"model.compile(optimizer=..., loss=...) before `{method}()`.")
    if model.loss is None:
        raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(name: str, value, allow_none: bool = True) -> None:
    if value is None and allow_none:
        return
    if not _is_int(value) or value < 1:
        raise ValueError(f"Argument `{name}` must be a positive integer. Received: {name}={value!r}")


def check_fit_arguments(batch_size, epochs, verbose, validation_split, initial_epoch, steps_per_epoch,
                        validation_steps, validation_batch_size, validation_freq) -> None:
    check_positive_int("batch_size", batch_size)
    check_positive_int("epochs", epochs, allow_none=False)
    check_verbose(verbose)
    if not isinstance(validation_split, numbers.Real) or not 0 <= validation_split < 1:
        raise ValueError("`validation_split` must be a float in the range [0, 1): the fraction of "
                         f"the data to hold out. Received: validation_split={validation_split!r}")
    if not _is_int(initial_epoch) or initial_epoch < 0:
        raise ValueError(f"Argument `initial_epoch` must be an integer >= 0. "
                         f"Received: initial_epoch={initial_epoch!r}")
    check_positive_int("steps_per_epoch", steps_per_epoch)
    check_positive_int("validation_steps", validation_steps)
    check_positive_int("validation_batch_size", validation_batch_size)
    if not (_is_int(validation_freq) and validation_freq >= 1) and not isinstance(validation_freq, list):
        raise ValueError("Expected `validation_freq` to be a list or int. "
                         f"Received: validation_freq={validation_freq!r}")


def check_verbose(verbose) -> None:
    if verbose not in (0, 1, 2, "auto"):
        raise ValueError(f"Argument `verbose` must be 0, 1, 2 or 'auto'. Received: verbose={verbose!r}")


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def input_adjuster(model, data_shape: tuple):
    """Check data of `data_shape` against the model's input; return a per-batch fix or None.

    Like Keras 3, a missing trailing axis of size 1 is added ((n,) data for input (None, 1)) and
    an extra one is dropped; anything else that does not match is an error naming both shapes.
    """
    expected = model.input_shape
    rank, want = len(data_shape), len(expected)
    if rank == want - 1 and expected[-1] == 1:
        data_shape, fix = (*data_shape, 1), _add_last_axis
    elif rank == want + 1 and data_shape[-1] == 1:
        data_shape, fix = data_shape[:-1], _drop_last_axis
    else:
        fix = None
    if len(data_shape) == want and all(e is None or e == r for e, r in zip(expected[1:], data_shape[1:],
                                                                          strict=True)):
        return fix
    message = (f"Input 0 of model '{model.name}' is incompatible: expected shape "
               f"{_shape_text(expected)}, received data of shape {_shape_text(data_shape)}.")
    wanted = [d for d in expected[1:] if d is not None]
    if len(wanted) == len(expected) - 1 and math.prod(data_shape[1:]) == math.prod(wanted):
        message += (f" The sizes match: reshape the data to {_shape_text((data_shape[0], *wanted))}"
                    f" or start the model with a layer that takes {_shape_text(data_shape[1:])}"
                    " (e.g. Flatten after an Input of that shape).")
    raise ValueError(message)


def _add_last_axis(x: np.ndarray) -> np.ndarray:
    return x[..., None]


def _drop_last_axis(x: np.ndarray) -> np.ndarray:
    return x[..., 0]


def check_targets(model, y: np.ndarray) -> None:
    """Compare labels with the loss and the model's output; suggest the loss that fits the labels."""
    loss = model.loss
    name = getattr(loss, "name", "") or getattr(loss, "__name__", "")
    out = model.output_shape
    classes = out[-1]
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError(f"`y` must be an array with a batch dimension. Received a scalar: {y!r}")
    if "sparse_categorical" in name:
        if y.ndim == len(out) and y.shape[-1] == classes and classes not in (None, 1):
            raise ValueError(
                f"Loss '{name}' expects integer class labels of shape {_shape_text(y.shape[:-1])} but "
                f"received labels of shape {_shape_text(y.shape)}, which look one-hot encoded: use "
                "loss='categorical_crossentropy', or pass the class indices (y.argmax(axis=-1)).")
        if y.ndim > len(out) or (y.ndim == len(out) and y.shape[-1] != 1):
            raise ValueError(f"Loss '{name}' expects integer class labels of shape "
                             f"{_shape_text((y.shape[0], *out[1:-1]))}; received labels of shape "
                             f"{_shape_text(y.shape)} for a model output of {_shape_text(out)}.")
        if y.size and classes is not None:
            low, high = y.min(), y.max()
            if low < 0 or high >= classes:
                bad = high if high >= classes else low
                raise ValueError(
                    f"Received a label value of {bad:g} which is outside the valid range of "
                    f"[0, {classes}): the last layer has {classes} outputs. Give it as many units as "
                    "there are classes.")
        return
    looks_sparse = y.ndim == len(out) - 1 or (y.ndim == len(out) and y.shape[-1] == 1 and classes != 1)
    if "categorical" in name and looks_sparse:  # categorical_crossentropy, categorical_hinge
        raise ValueError(
            f"Loss '{name}' expects one-hot labels of shape {_shape_text((y.shape[0], *out[1:]))} "
            f"but received labels of shape {_shape_text(y.shape)}, which look like class indices: "
            "use loss='sparse_categorical_crossentropy', or one-hot encode them with "
            f"to_categorical(y, {classes}).")
    _check_same_size(name, y, out)


def _check_same_size(name: str, y: np.ndarray, out: tuple) -> None:
    """Elementwise losses need one target per output value (a trailing axis of 1 may differ)."""
    if any(d is None for d in out[1:]):
        return
    per_sample = math.prod(out[1:])
    have = math.prod(y.shape[1:])
    if have != per_sample:
        raise ValueError(f"Targets of shape {_shape_text(y.shape)} do not match the model's output "
                         f"{_shape_text(out)} for loss '{name}': each sample needs {per_sample} "
                         f"target value{'s' if per_sample != 1 else ''}, the data has {have}.")
