"""Utilities reachable as in Keras: `engine.utils.to_categorical`, `engine.utils.np_utils`."""

from engine.backend import set_random_seed
from engine.utils import np_utils
from engine.utils.np_utils import normalize, to_categorical

__all__ = ["np_utils", "normalize", "set_random_seed", "to_categorical"]
