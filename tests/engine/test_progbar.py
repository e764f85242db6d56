"""The progress bar prints Keras 3's lines: count, bar, time, time per step, values to 4 decimals."""

from __future__ import annotations

import io
import re

import pytest

from engine.utils import progbar as progbar_module
from engine.utils.progbar import Progbar, format_eta, format_time_per_unit, format_value

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Clock:
    """A stand-in for time.time so that elapsed and per-step times are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progbar_module.time, "time", clock)
    return clock


def test_value_format_is_four_decimals_or_scientific():
    assert format_value(0.68912345) == "0.6891"
    assert format_value(12.5) == "12.5000"
    # Keras switches to scientific notation at or below 1e-3 (and for zero).
    assert format_value(0.0001) == "1.0000e-04"
    assert format_value(0) == "0.0000e+00"
    assert format_value(-0.5) == "-0.5000"


def test_time_per_step_units_and_eta():
    assert format_time_per_unit(2.4) == "2s/step"
    assert format_time_per_unit(0.0013) == "1ms/step"
    assert format_time_per_unit(0.000641) == "641us/step"
    assert format_time_per_unit(0) == "0s/step"
    assert format_time_per_unit(0.5, "sample") == "500ms/sample"
    assert format_eta(42.7) == "42s"
    assert format_eta(61) == "1:01"
    assert format_eta(3725) == "1:02:05"


def test_final_line_verbose_1(clock):
    stream = io.StringIO()  # not a terminal: only the finished line is printed
    bar = Progbar(1875, verbose=1, stream=stream, stateful_metrics=["accuracy", "loss"])
    clock.now += 1.5  # the first step takes 1.5 s; the other 1874 take 1.1 ms each
    bar.update(1, {"accuracy": 0.1, "loss": 2.0})
    for step in range(2, 1876):
        clock.now += 0.0011
        bar.update(step, {"accuracy": 0.8237, "loss": 0.6891}, finalize=step == 1875)
    # elapsed = 1.5 + 1874 · 1.1 ms = 3.56 s → "4s"; per step leaves out the slow first one → 1 ms.
    expected = "1875/1875 ━━━━━━━━━━━━━━━━━━━━ 4s 1ms/step - accuracy: 0.8237 - loss: 0.6891\n"
    assert stream.getvalue() == expected


def test_verbose_2_prints_one_line_at_the_end(clock):
    stream = io.StringIO()
    bar = Progbar(32, verbose=2, stream=stream, stateful_metrics=["loss"])
    for step in range(1, 33):
        clock.now += 0.004
        bar.update(step, {"loss": 2.2861})
        if step < 32:
            assert stream.getvalue() == ""
    assert stream.getvalue() == "32/32 - 0s - 4ms/step - loss: 2.2861\n"


def test_count_is_padded_to_the_width_of_the_target(clock):
    stream = Terminal()
    bar = Progbar(1875, verbose=1, stream=stream, interval=0)
    clock.now += 0.01
    bar.update(7)
    text = ANSI.sub("", stream.getvalue())
    assert text.startswith("\r   7/1875 ")


def test_terminal_redraws_in_place_with_colours_and_eta(clock):
    stream = Terminal()
    bar = Progbar(10, verbose=1, stream=stream, interval=0, stateful_metrics=["loss"])
    clock.now += 1.0
    bar.update(1, {"loss": 1.5})
    clock.now += 1.0
    bar.update(2, {"loss": 1.25})
    out = stream.getvalue()
    assert out.startswith("\r\x1b[1m 1/10\x1b[0m ")  # bold count
    assert "\x1b[32m━━━━\x1b[0m" in out  # 2 of 10 steps: 4 of 20 cells green
    last = ANSI.sub("", out.split("\r")[-1])
    # 8 steps left at 1 s per step (the first step excluded) → an ETA of 8s.
    assert last == " 2/10 " + "━" * 20 + " 8s 1s/step - loss: 1.2500"
    assert not out.endswith("\n")
    clock.now += 8
    bar.update(10, {"loss": 1.0})
    assert stream.getvalue().endswith("\n")
    assert ANSI.sub("", stream.getvalue().split("\r")[-1]).startswith("10/10 ")


def test_redraws_are_throttled_by_interval(clock):
    stream = Terminal()
    bar = Progbar(100, verbose=1, stream=stream, interval=0.05)
    for step in range(1, 50):
        clock.now += 0.001  # 49 updates within 49 ms: only the first draws
        bar.update(step)
    assert stream.getvalue().count("\r") == 1


def test_unknown_target_shows_count_over_unknown(clock):
    stream = Terminal()
    bar = Progbar(None, verbose=1, stream=stream, interval=0)
    clock.now += 0.5
    bar.update(3)
    assert ANSI.sub("", stream.getvalue()).lstrip("\b\r").startswith("      3/Unknown")


def test_stateless_values_are_averaged_over_steps(clock):
    stream = io.StringIO()
    bar = Progbar(4, verbose=2, stream=stream)
    for step, loss in enumerate([1.0, 2.0, 3.0], start=1):
        clock.now += 0.1
        bar.update(step, {"loss": loss})
    assert bar._values["loss"] == [6.0, 3]  # Keras' running mean: (1 + 2 + 3) / 3
    clock.now += 0.1
    bar.update(4, {"loss": 4.0})  # the final update shows the value given, as Keras does
    assert stream.getvalue().endswith("- loss: 4.0000\n")


def test_verbose_0_prints_nothing(clock):
    stream = io.StringIO()
    bar = Progbar(3, verbose=0, stream=stream)
    for step in range(1, 4):
        bar.update(step, {"loss": 1.0})
    assert stream.getvalue() == ""


def test_add_advances_by_n(clock):
    stream = io.StringIO()
    bar = Progbar(10, verbose=2, stream=stream)
    bar.add(4)
    bar.add(6)
    assert stream.getvalue().startswith("10/10 - ")
