"""Keras-style layer names for the builder: 'dense', 'dense_1', 'conv2d', 'max_pooling2d'.

Keras 3 derives a layer's default name from its class name (engine.backend.to_snake_case follows
its rule) and numbers repeats with a suffix. Names here are unique within one stack rather than one
Python session, which is what a saved model needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.backend import to_snake_case
from gui.stack.layer_spec import LayerSpec


def _suffix(name: str, prefix: str) -> int | None:
    """0 for 'dense', 3 for 'dense_3', None for a name that is not from this prefix."""
    if name == prefix:
        return 0
    match = re.fullmatch(re.escape(prefix) + r"_(\d+)", name)
    return int(match.group(1)) if match else None


def unique_name(class_name: str, taken: Iterable[str]) -> str:
    """The next free name for `class_name`: after the highest number already used, as Keras counts."""
    prefix = to_snake_case(class_name)
    used = [s for s in (_suffix(n, prefix) for n in taken) if s is not None]
    if not used:
        return prefix
    return f"{prefix}_{max(used) + 1}"


def assign_names(specs: list[LayerSpec], keep: Iterable[str] = ()) -> list[LayerSpec]:
    """Give every spec without a name, or with one already used above it (or in `keep`), a fresh
    name. Specs are changed in place and returned, so a pasted copy never shares a name."""
    taken = set(keep)
    for spec in specs:
        name = spec.config.get("name")
        if not isinstance(name, str) or not name or name in taken:
            spec.config["name"] = unique_name(spec.class_name, taken)
        taken.add(spec.config["name"])
    return specs
