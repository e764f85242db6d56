"""Layers by their Keras names: `from engine.layers import Dense, Flatten, Input`."""

from engine.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from engine.layers.base import Layer, Variable
from engine.layers.bidirectional import Bidirectional
from engine.layers.convolutional import Conv1D, Conv2D
from engine.layers.core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from engine.layers.embedding import Embedding
from engine.layers.gru import GRU
from engine.layers.lstm import LSTM
from engine.layers.masking import Masking
from engine.layers.normalization import BatchNormalization
from engine.layers.pooling import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)
from engine.layers.pooling1d import (
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)
from engine.layers.registry import deserialize, get, names, serialize
from engine.layers.reshaping import ZeroPadding2D
from engine.layers.simple_rnn import SimpleRNN

__all__ = [
    "AveragePooling1D", "Bidirectional", "Embedding", "GRU", "GlobalAveragePooling1D",
    "GlobalMaxPooling1D", "LSTM", "Masking", "MaxPooling1D", "SimpleRNN",
    "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer", "Reshape",
    "Variable", "deserialize", "get", "names", "serialize",
    "BatchNormalization", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax",
    "AveragePooling2D", "Conv1D", "Conv2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
    "MaxPooling2D", "ZeroPadding2D",
]
