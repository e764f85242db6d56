"""Hornbook's deep-learning engine: Keras' API on NumPy.

A Keras program runs here after replacing the word `keras` with `engine`.
"""

from engine import (
    activations,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    preprocessing,
    regularizers,
    utils,
)
from engine.models import Sequential, load_model

__version__ = "0.1.0"

__all__ = [
    "Sequential", "load_model", "activations", "callbacks", "constraints", "initializers", "layers",
    "losses", "metrics", "optimizers", "preprocessing", "regularizers", "utils",
]
