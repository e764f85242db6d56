"""A layer as the builder holds it: the Keras class name and its config, before any weights exist."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from engine.layers import registry


@dataclass
class LayerSpec:
    class_name: str
    config: dict = field(default_factory=dict)

    def create(self):
        """A fresh, unbuilt engine layer; raises the engine's ValueError for bad settings.

        from_config rather than the constructor, so nested configs (the layer inside
        Bidirectional) are rebuilt as Keras rebuilds them.
        """
        return registry.get(self.class_name).from_config(copy.deepcopy(self.config))

    @property
    def name(self) -> str:
        """The Keras layer name ('dense_1'); the class name until the stack has named it."""
        return str(self.config.get("name") or self.class_name)

    def copy(self) -> LayerSpec:
        return LayerSpec(self.class_name, copy.deepcopy(self.config))

    def to_dict(self) -> dict:
        return {"class_name": self.class_name, "config": copy.deepcopy(self.config)}

    @classmethod
    def from_dict(cls, data: dict) -> LayerSpec:
        return cls(str(data["class_name"]), dict(data.get("config") or {}))

    def describe(self) -> str:
        """The card text: type and key settings, e.g. 'Dense 64, relu'."""
        c = self.config
        parts = [_text(v) for k in ("units", "filters", "output_dim", "rate", "pool_size",
                                    "target_shape", "negative_slope", "alpha")
                 if (v := c.get(k)) is not None]
        if "kernel_size" in c:
            k = c["kernel_size"]
            parts.append("×".join(map(str, k)) if isinstance(k, list | tuple) else str(k))
        if c.get("strides") not in (None, 1, [1, 1], (1, 1)):
            parts.append(f"stride {_text(c['strides'])}")
        if c.get("padding") == "same":
            parts.append("same")
        if isinstance(c.get("activation"), str) and c["activation"] != "linear":
            parts.append(str(c["activation"]))
        return self.class_name + (" " + ", ".join(parts) if parts else "")


def _text(value) -> str:
    """(2, 2) → '2×2': sizes read as a person writes them."""
    if isinstance(value, list | tuple):
        return "×".join(map(str, value))
    return str(value)
