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
        """A fresh, unbuilt engine layer; raises the engine's ValueError for bad settings."""
        return registry.get(self.class_name)(**self.config)

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
        parts = [str(v) for k in ("units", "filters", "rate", "pool_size", "target_shape")
                 if (v := c.get(k)) is not None]
        if "kernel_size" in c:
            k = c["kernel_size"]
            parts.append("×".join(map(str, k)) if isinstance(k, list | tuple) else f"{k}×{k}")
        if c.get("activation") not in (None, "linear"):
            parts.append(str(c["activation"]))
        return self.class_name + (" " + ", ".join(parts) if parts else "")
