"""Utilities reachable as in Keras: `engine.utils.to_categorical`, `engine.utils.np_utils`."""

from engine.backend import set_random_seed
from engine.preprocessing.sequence import pad_sequences
from engine.utils import np_utils
from engine.utils.model_visualization import model_to_dot, plot_model
from engine.utils.np_utils import normalize, to_categorical
from engine.utils.progbar import Progbar

__all__ = [
    "Progbar", "model_to_dot", "np_utils", "normalize", "pad_sequences", "plot_model", "set_random_seed",
    "to_categorical",
]
