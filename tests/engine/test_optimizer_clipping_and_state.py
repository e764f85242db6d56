"""What optimizers do around their update rule, as Keras 3 does: gradient clipping, rebuilding state
for a new model size, gradient accumulation, loss scaling and the weights' moving average (EMA)."""

from __future__ import annotations

import numpy as np
import pytest

from engine import optimizers

# --- clipping ----------------------------------------------------------------------------------
SEGMENTS = [slice(0, 2), slice(2, 6)]


def sgd_step(grad, segments=None, **clip):
    """With SGD(lr=1) the update is exactly −(the clipped gradient)."""
    opt = optimizers.SGD(learning_rate=1.0, **clip)
    w = np.zeros(6)
    opt.apply(w, grad.copy(), segments)
    return -w


def test_clipnorm_clips_each_weight_separately():
    g = np.array([3.0, 4.0, 0.1, 0.1, 0.1, 0.1])  # first weight has norm 5, second norm 0.2
    clipped = sgd_step(g, SEGMENTS, clipnorm=1.0)
    np.testing.assert_allclose(clipped[:2], [0.6, 0.8])
    np.testing.assert_allclose(clipped[2:], g[2:])


def test_clipnorm_without_segments_treats_the_vector_as_one_weight():
    g = np.array([3.0, 4.0, 0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(sgd_step(g, clipnorm=2.5), g / 2)


def test_global_clipnorm_scales_everything_by_the_total_norm():
    g = np.array([3.0, 4.0, 0.0, 12.0, 0.0, 0.0])  # global norm 13
    np.testing.assert_allclose(sgd_step(g, SEGMENTS, global_clipnorm=6.5), g / 2)
    np.testing.assert_allclose(sgd_step(g, SEGMENTS, global_clipnorm=20.0), g)


def test_clipvalue_clips_elementwise():
    g = np.array([-3.0, 0.2, 0.7, -0.1, 5.0, 0.0])
    np.testing.assert_allclose(sgd_step(g, clipvalue=0.5), np.clip(g, -0.5, 0.5))


def test_clipping_leaves_the_models_gradient_untouched():
    g = np.array([3.0, 4.0, 0.1, 0.1, 0.1, 0.1])
    before = g.copy()
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply(np.zeros(6), g, SEGMENTS)
    np.testing.assert_array_equal(g, before)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)


# --- state, accumulation, scaling, EMA -------------------------------------------------------------
def test_state_is_rebuilt_when_the_model_changes_size():
    opt = optimizers.Adam()
    opt.apply(np.zeros(4, np.float32), np.ones(4, np.float32))
    w = np.zeros(7, np.float32)
    opt.apply(w, np.ones(7, np.float32))
    assert opt.m.shape == (7,) and np.all(w < 0)


def test_gradient_accumulation_applies_the_mean_every_k_steps():
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    w = np.zeros(2)
    opt.apply(w, np.array([1.0, 2.0]))
    np.testing.assert_array_equal(w, [0.0, 0.0])
    opt.apply(w, np.array([3.0, 0.0]))
    np.testing.assert_allclose(w, [-2.0, -1.0])
    assert opt.iterations == 1


def test_loss_scale_factor_divides_the_gradient():
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    w = np.zeros(2)
    opt.apply(w, np.array([4.0, -8.0]))
    np.testing.assert_allclose(w, [-1.0, 2.0])


def test_ema_tracks_the_weights_and_finalizes():
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    w = np.zeros(1)
    opt.apply(w, np.array([-1.0]))  # w = 1, average = 1 (first step copies)
    opt.apply(w, np.array([-1.0]))  # w = 2, average = 0.5·1 + 0.5·2
    opt.finalize_variable_values(w)
    np.testing.assert_allclose(w, [1.5])
