"""The compile panel's state (gui/stack/compile_options.py) of a model loaded from a file: the
optimizer with its settings, the learning rate and the loss, as far as the panel can show them."""

from __future__ import annotations

import numpy as np

from engine import losses, optimizers
from gui.stack import compile_options as co


def optimizer_name(optimizer) -> str | None:
    """The registry name ('adam') of an optimizer instance."""
    for name in optimizers.names():
        if type(optimizers.get(name)) is type(optimizer):
            return name
    return None


def _tidy(value):
    """Keras stores floats as float32: 0.001 comes back as 0.0010000000474974513. Show the
    float32's shortest spelling; leave values that were never float32 as they are."""
    if isinstance(value, float) and float(np.float32(value)) == value:
        return float(str(np.float32(value)))
    return value


def state_from_model(model, base: dict) -> dict | None:
    """`base` changed to what `model` was compiled with; None when the file had no training config
    or names an optimizer or loss the panel cannot offer."""
    optimizer, loss = getattr(model, "optimizer", None), getattr(model, "loss", None)
    name, loss_name = optimizer_name(optimizer), getattr(loss, "name", None)
    if optimizer is None or name is None or loss_name not in losses.names():
        return None
    state = co.with_loss(co.with_optimizer(base, name), loss_name)
    config = optimizer.get_config()
    rate = config.get("learning_rate")
    if isinstance(rate, int | float):  # a schedule's config is a dict: keep the panel's rate
        state["learning_rate"] = _tidy(float(rate))
    tuned = dict(state)
    tuned["hyper"] = {key: _tidy(config.get(key, default)) for key, default in state["hyper"].items()}
    try:
        co.validate(tuned)
    except ValueError:  # a setting the panel cannot express: its defaults rather than nothing
        return state
    return tuned
