"""Drawing on the predict view: the pretrained model reads clear strokes, the pen width control,
and the bars following the pen."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSlider, QSpinBox

from gui.canvas.draw_canvas import DEFAULT_PEN_WIDTH
from tests.gui.predict_support import ONE, SEVEN, ZERO, draw_digit, pretrained_model, to_widget

DIGITS = [str(d) for d in range(10)]



@pytest.fixture(scope="module")
def model():
    return pretrained_model()


def wait_prediction(panel, qtbot):
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None, timeout=2000)
    return panel.current_probabilities()


@pytest.mark.parametrize(("strokes", "digit"), [(ONE, 1), (ZERO, 0), (SEVEN, 7)])
def test_pretrained_model_reads_drawn_digits(panel, qtbot, model, strokes, digit):
    panel.set_model(model, DIGITS)
    draw_digit(panel.canvas, strokes)
    probs = wait_prediction(panel, qtbot)
    assert int(np.argmax(probs)) == digit, np.round(probs, 3)
    assert panel.predicted_label.text().startswith(f"{digit} — ")


def stroke_width(canvas) -> int:
    """Width in px of a vertical stroke, measured across the canvas' middle row."""
    arr = canvas.to_array()
    return int(np.count_nonzero(arr[arr.shape[0] // 2] > 127))


def test_pen_width_control_changes_stroke_thickness(panel, qtbot):
    spin = panel.findChild(QSpinBox, "penWidthSpin")
    slider = panel.findChild(QSlider, "penWidthSlider")
    assert spin.value() == slider.value() == DEFAULT_PEN_WIDTH
    widths = {}
    for pen in (8, 40):
        spin.setValue(pen)
        assert slider.value() == pen and panel.canvas.pen_width() == pen
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
        draw_digit(panel.canvas, ONE)
        widths[pen] = stroke_width(panel.canvas)
    side = min(panel.canvas.width(), panel.canvas.height())
    # The pen is in px of a 280 px canvas; the stroke scales with the canvas' real side.
    for pen, width in widths.items():
        assert abs(width - pen * side / 280) <= 3, widths
    slider.setValue(20)  # the slider drives the same setting
    assert spin.value() == 20 and panel.canvas.pen_width() == 20


def test_every_move_of_the_pen_updates_the_probabilities(panel, qtbot, model):
    """The bars follow the pen move by move (how fast is benchmarks/bench_gui.py's part 3): each
    move brings one update, and the bars then show the model's output for the input as drawn."""
    panel.set_model(model, DIGITS)
    canvas = panel.canvas
    start = to_widget(canvas, (0.5, 0.15))
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    wait_prediction(panel, qtbot)
    updates = []
    panel.predictionUpdated.connect(lambda: updates.append(panel.current_probabilities().copy()))
    for i in range(1, 11):
        point = to_widget(canvas, (0.5 + 0.004 * i, 0.15 + 0.06 * i))
        with qtbot.waitSignal(panel.predictionUpdated, timeout=2000):
            QTest.mouseMove(canvas, point)
        assert len(updates) == i
        expected = model.predict(panel.current_input()[None], verbose=0)[0]
        np.testing.assert_allclose(updates[-1], expected, atol=1e-5)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(point))
    assert not np.allclose(updates[0], updates[-1])  # a growing stroke changes the answer
