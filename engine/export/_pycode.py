"""Python source text for config values: literals, Keras object constructors and calls.

The exported script is meant to be read and edited, so values print the way a person would type
them: tuples for shapes, `keras.initializers.HeNormal()` for a serialized initializer, and one
argument per line only when a call would not fit on one line.
"""

from __future__ import annotations

import json
import math
from typing import Any

LINE_LENGTH = 99


class Code(str):
    """Source text to write as it is (a constructor call built elsewhere)."""


def literal(value: Any, indent: int = 0, used: int | None = None) -> str:
    """Source text that evaluates (with `keras` imported) to `value`; indent and used as in
    `call`, for a Keras object that has to spread over several lines."""
    if isinstance(value, Code):
        return value
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict):
        value = value.item()  # a NumPy scalar
    if isinstance(value, str):
        text = repr(value)
        # Double quotes, as the rest of the script; repr already picked them if the text has a '.
        return f'"{text[1:-1]}"' if text[0] == "'" and '"' not in value else text
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        # inf and nan have no literal; float("inf") reads clearly and needs no import.
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, list | tuple):
        items = [literal(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, dict):
        if "class_name" in value and "config" in value:
            return keras_object(value, indent, used)
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"Cannot write {type(value).__name__} values into a script: {value!r}")


def keras_object(serialized: dict, indent: int = 0, used: int | None = None) -> str:
    """`keras.<module>.<ClassName>(…)` for Keras' {"module", "class_name", "config"} dict."""
    module = serialized.get("module") or ""
    if not module.startswith("keras"):
        # No public constructor path is known; Keras can still rebuild it from the dict.
        plain = {k: serialized[k] for k in ("module", "class_name", "config", "registered_name")
                 if k in serialized}
        return f"keras.saving.deserialize_keras_object({literal(plain)})"
    config = serialized.get("config") or {}
    # Nested Keras objects (initializers, regularizers, schedules) default their optional settings
    # to None, so leaving None out turns `HeNormal(seed=None)` into the readable `HeNormal()`.
    kwargs = {k: v for k, v in config.items() if v is not None}
    return call(f"{module}.{serialized['class_name']}", kwargs, indent, used)


def call(func: str, kwargs: dict[str, Any], indent: int = 0, used: int | None = None) -> str:
    """`func(a=1, b=2)`, or one argument per line when that would pass LINE_LENGTH.

    indent: the indentation of the statement; used: the columns already taken on the first line
    (the indentation plus any text before the call, such as `model.add(`).
    """
    one_line = f"{func}({', '.join(f'{k}={literal(v)}' for k, v in kwargs.items())})"
    # +1 leaves room for the bracket that usually closes an enclosing call.
    if (indent if used is None else used) + len(one_line) + 1 <= LINE_LENGTH or not kwargs:
        return one_line
    pad = indent + 4
    args = [f"{k}={literal(v, pad, pad + len(k) + 1)}" for k, v in kwargs.items()]
    return f"{func}(\n" + "".join(f"{' ' * pad}{arg},\n" for arg in args) + " " * indent + ")"


def same_value(a: Any, b: Any) -> bool:
    """Equal as Keras would save them: tuples and lists alike, NumPy scalars as Python numbers."""
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, tuple | set):
        return list(value)
    return repr(value)
