"""Optimizer state in a model file, so training continues where it stopped after a reload.

Where it is stored:
- SGD and Adam, whose variables Keras 3 lays out the same way: Keras 3's own group
  `optimizer_weights` (attr `weight_names`; datasets `<opt>/iteration`, `<opt>/learning_rate`, then
  the slot variables per trainable weight, e.g. `adam/sequential_dense_kernel_momentum`). Real
  Keras' load_model restores it, and Adam/SGD state in files Keras 3 wrote is restored here.
- Any other optimizer: a root group `hornbook_optimizer_state` (attrs `class_name`, `iterations`;
  one flat float32 dataset per state vector, named after the optimizer's attribute). Keras ignores
  groups it does not know, so such files still load there (with a fresh optimizer).
- `.weights.h5` files keep Keras 3's `optimizer/vars` datasets 0, 1, … in the same order.

The engine's optimizers hold their state as flat vectors over all trainable weights in model order
(see engine/optimizers.py), so a slot of weight i is the slice of that vector for weight i.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

HORNBOOK_GROUP = "hornbook_optimizer_state"


# Keras 3 build(): each inner list is one add_optimizer_variables() call, whose slots interleave
# per weight (kernel_momentum, kernel_velocity, bias_momentum, …); calls follow one another.
# Pairs are (Keras slot name, engine state vector).
def _adam(o):
    return [[("momentum", "m"), ("velocity", "v")]] + ([[("velocity_hat", "v_hat")]] if o.amsgrad else [])


def _rmsprop(o):
    return [[("velocity", "velocity")]] + ([[("momentum", "momentums")]] if o.momentum > 0 else []) \
        + ([[("average_gradient", "average_grad")]] if o.centered else [])


KERAS_SLOTS = {
    "SGD": lambda o: [[("momentum", "velocity")]] if o.momentum else [],
    "Adam": _adam,
    "AdamW": _adam,
    "RMSprop": _rmsprop,
    "Adagrad": lambda o: [[("accumulator", "accumulator")]],
    "Adadelta": lambda o: [[("accumulated_grad", "accumulated_grad"),
                            ("accumulated_delta_var", "accumulated_delta_var")]],
    "Adamax": lambda o: [[("momentum", "m"), ("norm", "u")]],
}
# Scalar state some engine optimizers keep besides their vectors (Nadam's momentum-schedule product).
_SCALAR_STATE = ("u_product",)


def slots_of(opt):
    """The Keras slot layout for `opt`, or None when Keras lays its variables out differently
    (optimizers not listed, or EMA / gradient accumulation, which add variables in between)."""
    if getattr(opt, "use_ema", False) or getattr(opt, "gradient_accumulation_steps", None):
        return None
    layout = KERAS_SLOTS.get(type(opt).__name__)
    return layout(opt) if layout else None


def _weights(model) -> list[tuple[str, object]]:
    """(Keras variable path with '/' → '_', variable) for each trainable weight, in model order."""
    if not model.trainable:
        return []
    result = []
    for layer in model.layers:
        nested = getattr(layer, "keras_weight_paths", None)  # RNN cells: 'lstm_cell/kernel'
        paths = dict(zip(map(id, layer.weights), nested(), strict=True)) if nested is not None else {}
        for var in layer.trainable_weights:
            path = paths.get(id(var), var.name.split("/")[-1]).replace("/", "_")
            result.append((f"{model.name}_{layer.name}_{path}", var))
    return result


def _size(model) -> int:
    return sum(math.prod(var.shape) for _, var in _weights(model))


def state_vectors(optimizer, size: int) -> dict[str, np.ndarray]:
    """The optimizer's flat state vectors (one value per trainable parameter), scratch excluded."""
    return {k: v for k, v in vars(optimizer).items() if not k.startswith("_scratch")
            and isinstance(v, np.ndarray) and v.shape == (size,) and size > 0}


def _learning_rate(optimizer) -> np.float32:
    try:
        return np.float32(optimizer.current_learning_rate())
    except (AttributeError, TypeError, ValueError):
        return np.float32(0.0)


def _slices(model):
    """(path, variable, slice of the flat state vectors) for each trainable weight."""
    offset = 0
    for path, var in _weights(model):
        part = slice(offset, offset + math.prod(var.shape))
        offset = part.stop
        yield path, var, part


def keras_variables(model) -> list[tuple[str, np.ndarray]] | None:
    """Keras 3's optimizer variables (name, value), or None when there is no such layout here."""
    opt = getattr(model, "optimizer", None)
    layout = slots_of(opt) if opt is not None else None
    if layout is None or not opt.iterations:
        return None
    vectors = state_vectors(opt, _size(model))
    result = [(f"{opt.name}/iteration", np.array(opt.iterations, np.int64)),
              (f"{opt.name}/learning_rate", np.array(_learning_rate(opt)))]
    for call in layout:
        for path, var, part in _slices(model):
            for keras_slot, attr in call:
                if attr not in vectors:
                    return None
                result.append((f"{opt.name}/{path}_{keras_slot}",
                               vectors[attr][part].reshape(var.shape).copy()))
    return result


def keras_variable_suffixes(model) -> list[str]:
    """How the names of Keras 3's optimizer variables end, in order, for this model."""
    layout = slots_of(model.optimizer)
    if layout is None:
        return []
    names = ["iteration", "learning_rate"]
    for call in layout:
        names += [slot for _ in _weights(model) for slot, _ in call]
    return names


def _fresh(opt, source: str, why: str) -> bool:
    warnings.warn(f"The optimizer state in {source} {why}; training continues with a fresh "
                  f"{type(opt).__name__}.", stacklevel=4)
    return False


def restore_keras_variables(model, names: list[str], values: list[np.ndarray], source: str) -> bool:
    """Put Keras 3 optimizer variables back into the engine optimizer; warn and skip on mismatch."""
    opt = model.optimizer
    expected = keras_variable_suffixes(model)
    if len(values) <= 2 < len(expected):
        return False  # only iteration and learning_rate: Keras had not built its slots yet
    if not expected:
        return _fresh(opt, source, f"has no counterpart for {type(opt).__name__} here")
    if len(expected) != len(values):
        return _fresh(opt, source, f"has {len(values)} variables where this "
                      f"{type(opt).__name__} has {len(expected)}")
    size = _size(model)
    opt.build(size)
    vectors = state_vectors(opt, size)
    index = 2
    for call in slots_of(opt):
        for path, var, part in _slices(model):
            for keras_slot, attr in call:
                value = np.asarray(values[index])
                if not names[index].endswith(keras_slot) or value.shape != var.shape \
                        or attr not in vectors:
                    opt.build(size)
                    return _fresh(opt, source, f"does not fit weight '{path}' (saved "
                                  f"{names[index]} of shape {value.shape})")
                vectors[attr][part] = value.ravel()
                index += 1
    opt.iterations = int(np.asarray(values[0]))
    return True


def write_hornbook_state(h5file, model) -> None:
    """The generic fallback for optimizers Keras lays out differently (see module docstring)."""
    opt = getattr(model, "optimizer", None)
    if opt is None or not opt.iterations:
        return
    group = h5file.create_group(HORNBOOK_GROUP)
    group.attrs["class_name"] = type(opt).__name__
    # The raw step count: with gradient accumulation `iterations` counts accumulated updates only.
    group.attrs["iterations"] = int(getattr(opt, "_iterations", opt.iterations))
    for name, vector in state_vectors(opt, _size(model)).items():
        group.create_dataset(name, data=vector)
    for name in _SCALAR_STATE:
        if isinstance(getattr(opt, name, None), int | float | np.number):
            group.attrs[name] = float(getattr(opt, name))


def read_hornbook_state(group, model, source: str) -> bool:
    opt = model.optimizer
    saved_class = group.attrs.get("class_name")
    if saved_class != type(opt).__name__:
        return _fresh(opt, source, f"belongs to {saved_class}")
    size = _size(model)
    opt.build(size)
    vectors = state_vectors(opt, size)
    saved = {name: np.asarray(group[name]) for name in group}
    if set(saved) != set(vectors) or any(v.shape != (size,) for v in saved.values()):
        opt.build(size)
        return _fresh(opt, source, "does not fit this model")
    for name, value in saved.items():
        vectors[name][...] = value
    for name in _SCALAR_STATE:
        if name in group.attrs:
            setattr(opt, name, float(group.attrs[name]))
    opt.iterations = int(group.attrs["iterations"])
    return True
