"""Keras-style layer names for the builder: 'dense', 'dense_1', 'conv2d', 'max_pooling2d'.

Keras 3 derives a layer's default name from its class name (keras.src.utils.naming.to_snake_case)
and numbers repeats with a suffix. Its rule splits before a capital that starts a lower-case word
and between a lower-case letter and a capital — never after a digit, so Conv2D is 'conv2d' (not
'conv2_d') and LeakyReLU is 'leaky_re_lu'. Names here are unique within one stack rather than one
Python session, which is what a saved model needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gui.stack.layer_spec import LayerSpec


def keras_snake_case(class_name: str) -> str:
    """Keras' to_snake_case: 'Conv2D' → 'conv2d', 'MaxPooling2D' → 'max_pooling2d'."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _suffix(name: str, prefix: str) -> int | None:
    """0 for 'dense', 3 for 'dense_3', None for a name that is not from this prefix."""
    if name == prefix:
        return 0
    match = re.fullmatch(re.escape(prefix) + r"_(\d+)", name)
    return int(match.group(1)) if match else None


def unique_name(class_name: str, taken: Iterable[str]) -> str:
    """The next free name for `class_name`: after the highest number already used, as Keras counts."""
    prefix = keras_snake_case(class_name)
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
