"""Optimizer learning rates (floats, schedules, config dicts) and Keras 3's defaults, names and configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import optimizers
from engine.optimizers import schedules


# --- learning rate: floats, schedules, dicts ------------------------------------------------------
def test_schedule_values_at_chosen_steps():
    exp = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert exp(0) == pytest.approx(0.1)
    assert exp(5) == pytest.approx(0.1 * 0.5**0.5)
    assert exp(20) == pytest.approx(0.025)
    stair = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert stair(19) == pytest.approx(0.05)
    piece = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [piece(s) for s in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    cos = schedules.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    assert cos(0) == pytest.approx(1.0)
    assert cos(50) == pytest.approx(0.9 * 0.5 + 0.1)  # cos(π/2) = 0
    assert cos(100) == pytest.approx(0.1) and cos(500) == pytest.approx(0.1)
    warm = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert warm(1) == pytest.approx(0.25)
    assert warm(4) == pytest.approx(1.0)
    assert warm(9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))
    inv = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert inv(4) == pytest.approx(1 / (1 + 0.5 * 2))
    poly = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=2.0)
    assert poly(5) == pytest.approx(0.25) and poly(50) == pytest.approx(0.0)
    restarts = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
    assert restarts(5) == pytest.approx(0.5) and restarts(15) == pytest.approx(0.5)
    doubling = schedules.CosineDecayRestarts(1.0, first_decay_steps=10)  # periods 10, 20, 40…
    assert doubling(20) == pytest.approx(0.5 * (1 + math.cos(math.pi * 10 / 20)))


def test_schedule_validation_messages():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_optimizer_calls_the_schedule_with_its_step_count():
    schedule = schedules.PiecewiseConstantDecay([1], [1.0, 0.25])
    opt = optimizers.SGD(learning_rate=schedule)
    w = np.zeros(1)
    steps = []
    for _ in range(3):
        before = w.copy()
        opt.apply(w, np.ones(1))
        steps.append(float(before[0] - w[0]))
    assert steps == [1.0, 1.0, 0.25]  # iterations 0 and 1 are ≤ the boundary 1


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 100, 0.96, staircase=True),
    schedules.PiecewiseConstantDecay([5, 10], [0.1, 0.01, 0.001]),
    schedules.CosineDecay(0.1, 1000, alpha=0.05, warmup_target=0.2, warmup_steps=10),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
])
def test_schedule_config_round_trip(schedule):
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(s) for s in (0, 7, 50)] == [schedule(s) for s in (0, 7, 50)]


def test_learning_rate_accepts_a_schedule_config_dict():
    config = {"class_name": "ExponentialDecay",
              "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}}
    opt = optimizers.Adam(learning_rate=config)
    assert isinstance(opt._learning_rate, schedules.ExponentialDecay)
    assert opt.learning_rate == pytest.approx(0.1)
    lr_config = opt.get_config()["learning_rate"]
    assert lr_config["class_name"] == "ExponentialDecay"
    assert lr_config["module"] == "keras.optimizers.schedules"


def test_learning_rate_is_settable_unless_scheduled():
    opt = optimizers.SGD()
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5 and opt.get_config()["learning_rate"] == 0.5
    scheduled = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.5


def test_invalid_learning_rate_is_reported():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="learning_rate=-0.1"):
        optimizers.SGD(learning_rate=-0.1)


# --- defaults, names and configs -----------------------------------------------------------------
KERAS_DEFAULTS = {
    "sgd": {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "adam": {"name": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
             "epsilon": 1e-7, "amsgrad": False},
    "adamw": {"name": "adamw", "learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9,
              "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "rmsprop": {"name": "rmsprop", "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                "epsilon": 1e-7, "centered": False},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "adadelta": {"name": "adadelta", "learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
    "adamax": {"name": "adamax", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
               "epsilon": 1e-7},
    "nadam": {"name": "nadam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-7},
}
BASE_KEYS = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
             "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
             "gradient_accumulation_steps"}


@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_defaults_and_config_keys_match_keras(name):
    config = optimizers.get(name).get_config()
    assert config.items() >= KERAS_DEFAULTS[name].items()
    extra = set(KERAS_DEFAULTS[name]) - {"name", "learning_rate", "weight_decay"}
    assert set(config) == BASE_KEYS | extra


def test_adagrad_is_named_like_keras_names_it():
    assert optimizers.Adagrad().name.startswith("adagrad")


@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_config_round_trip(name):
    opt = optimizers.get(name)
    again = optimizers.get(optimizers.serialize(opt))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


def test_a_keras3_training_config_optimizer_loads():
    # The shape Keras 3 stores: module/class_name/config/registered_name, all base keys present.
    config = {"module": "keras.optimizers", "class_name": "RMSprop", "registered_name": None,
              "config": {"name": "rmsprop", "learning_rate": 0.0005, "weight_decay": None,
                         "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                         "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                         "loss_scale_factor": None, "gradient_accumulation_steps": None,
                         "rho": 0.8, "momentum": 0.0, "epsilon": 1e-07, "centered": True}}
    opt = optimizers.get(config)
    assert isinstance(opt, optimizers.RMSprop) and opt.rho == 0.8 and opt.centered
    assert opt.get_config() == config["config"]


def test_a_keras2_optimizer_config_loads():
    config = {"class_name": "Adam", "config": {"name": "Adam", "lr": 0.002, "decay": 0.0,
                                               "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                                               "amsgrad": False}}
    assert optimizers.get(config).learning_rate == pytest.approx(0.002)


def test_lookup_by_snake_and_class_name():
    for name in ("sgd", "SGD", "adam", "Adam", "adamw", "AdamW", "rmsprop", "RMSprop", "adagrad",
                 "Adagrad", "adadelta", "Adadelta", "adamax", "Adamax", "nadam", "Nadam"):
        assert optimizers.get(name).__class__.__name__.lower() == name.lower()
    assert optimizers.names() == ["adadelta", "adagrad", "adam", "adamax", "adamw", "nadam",
                                  "rmsprop", "sgd"]


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid optimizers: adadelta, .*rmsprop, sgd"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer"):
        optimizers.get(3)


def test_unknown_argument_is_rejected():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(betas=(0.9, 0.99))


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay=None"):
        optimizers.AdamW(weight_decay=None)
