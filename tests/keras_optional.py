"""Real Keras, for the tests that compare the engine with it: imported once, quietly, on the torch
backend. Keras is a development-only extra (`pip install torch==2.13.0 keras`); without it `keras`
is None and tests marked `needs_keras` skip — CI runs without it."""

from __future__ import annotations

import os
import warnings

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras' own notices on import
        import keras
except ImportError:  # the usual case outside development
    keras = None

needs_keras = pytest.mark.skipif(keras is None, reason="keras is not installed (pip install "
                                 "torch==2.13.0 keras; KERAS_BACKEND=torch) — a dev-only check")
