"""Layers by their Keras names: `from engine.layers import Dense, Flatten, Input`."""

from engine.layers.base import Layer, Variable
from engine.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from engine.layers.registry import deserialize, get, names, serialize

__all__ = [
    "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "Reshape",
    "Variable", "deserialize", "get", "names", "serialize",
]
