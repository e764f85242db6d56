"""Maps Keras layer class names ('Dense', 'Conv2D', …) to the engine's classes."""

from __future__ import annotations

from engine.utils.registry import Registry

LAYERS = Registry("layer")


def register(*names: str):
    return LAYERS.register(*names)


def get(class_name: str) -> type:
    return LAYERS.lookup(class_name)


def names() -> list[str]:
    return LAYERS.names()


def deserialize(config: dict):
    """A layer from Keras' `{"class_name": …, "config": …}` dict."""
    if "class_name" not in config:
        raise ValueError(f"A layer config needs 'class_name'. Received keys: {sorted(config)}")
    return get(config["class_name"]).from_config(config.get("config", {}))


def serialize(layer) -> dict:
    return {"module": "keras.layers", "class_name": type(layer).__name__,
            "config": layer.get_config(), "registered_name": None}
