"""A helper the convolution test files share: a layer built in float64 with random weights."""

from __future__ import annotations

import numpy as np

from tests.engine.gradcheck import to_float64


def built(layer, input_shape):
    """Build `layer` for `input_shape`, cast it to float64 and fill every weight with N(0, 1) values."""
    layer.build(input_shape)
    to_float64(layer)
    rng = np.random.default_rng(7)
    for var in layer.weights:  # non-zero bias so a missing bias term would show
        var.value[...] = rng.standard_normal(var.shape)
    return layer
