"""Layers by their Keras names: `from engine.layers import Dense, Flatten, Input`."""

from engine.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from engine.layers.base import Layer, Variable
from engine.layers.convolutional import Conv1D, Conv2D
from engine.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from engine.layers.normalization import BatchNormalization
from engine.layers.pooling import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)
from engine.layers.registry import deserialize, get, names, serialize
from engine.layers.reshaping import ZeroPadding2D

__all__ = [
    "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "Reshape",
    "Variable", "deserialize", "get", "names", "serialize",
    "BatchNormalization", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax",
    "AveragePooling2D", "Conv1D", "Conv2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
    "MaxPooling2D", "ZeroPadding2D",
]
