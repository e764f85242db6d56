"""Drawing canvas and predict panel, driven by real mouse events."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from gui.canvas.draw_canvas import DEFAULT_PEN_WIDTH, DrawCanvas
from gui.panels.predict_panel import NO_MODEL_TEXT, OPEN_HINT_TEXT, PredictPanel
from gui.panels.probability_bars import ProbabilityBars


def draw_stroke(widget, points):
    """Press at the first point, move through the rest, release at the last."""
    first = QPoint(*points[0])
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    for p in points[1:]:
        QTest.mouseMove(widget, QPoint(*p))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(*points[-1]))


def vertical_line(x=140, y0=50, y1=230, step=10):
    return [(x, y) for y in range(y0, y1 + 1, step)]


def horizontal_line(y=140, x0=50, x1=230, step=10):
    return [(x, y) for x in range(x0, x1 + 1, step)]


@pytest.fixture
def canvas(qtbot):
    widget = DrawCanvas()
    qtbot.addWidget(widget)
    widget.resize(280, 280)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_canvas_starts_empty(canvas):
    assert canvas.objectName() == "drawCanvas"
    assert canvas.is_empty()
    arr = canvas.to_array()
    assert arr.dtype == np.uint8 and arr.ndim == 2 and arr.shape[0] == arr.shape[1]
    assert not arr.any()


def test_mouse_stroke_draws_and_signals(canvas, qtbot):
    with qtbot.waitSignal(canvas.drawingChanged, timeout=1000):
        draw_stroke(canvas, vertical_line())
    assert not canvas.is_empty()
    arr = canvas.to_array()
    assert arr.shape == (280, 280)
    assert arr[140, 140] == 255  # on the stroke
    assert arr[140, 40] == 0  # far from it
    cols = np.flatnonzero(arr.any(axis=0))
    # Stroke width ≈ default pen (20 px at 280) with antialiased edges.
    assert 16 <= cols[-1] - cols[0] + 1 <= 26


def test_drawing_changed_fires_per_move(canvas):
    count = []
    canvas.drawingChanged.connect(lambda: count.append(1))
    draw_stroke(canvas, vertical_line())
    assert len(count) >= len(vertical_line()) - 1


def test_pen_width_is_adjustable(canvas):
    canvas.set_pen_width(6)
    assert canvas.penWidth == 6
    draw_stroke(canvas, vertical_line())
    cols = np.flatnonzero(canvas.to_array().any(axis=0))
    assert cols[-1] - cols[0] + 1 <= 10


def test_clear_empties_and_signals(canvas, qtbot):
    draw_stroke(canvas, vertical_line())
    with qtbot.waitSignal(canvas.drawingChanged, timeout=1000):
        canvas.clear()
    assert canvas.is_empty()
    assert not canvas.to_array().any()


def test_resize_keeps_square_drawing(canvas, qtbot):
    draw_stroke(canvas, vertical_line())
    canvas.resize(420, 360)
    qtbot.waitUntil(lambda: canvas.to_array().shape == (360, 360))
    arr = canvas.to_array()
    # The stroke at x=140/280 is re-rendered at the same relative place, pen scaled.
    assert arr[180, 180] == 255
    cols = np.flatnonzero(arr.any(axis=0))
    assert 24 <= cols[-1] - cols[0] + 1 <= 34


# ---- predict panel -------------------------------------------------------------------


@pytest.fixture
def panel(qtbot):
    widget = PredictPanel()
    qtbot.addWidget(widget)
    widget.resize(640, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def parts(panel):
    return (
        panel.findChild(DrawCanvas, "drawCanvas"),
        panel.findChild(QPushButton, "clearCanvasButton"),
        panel.findChild(ProbabilityBars, "predictionBars"),
        panel.findChild(QLabel, "predictedLabel"),
    )


def test_panel_without_model(panel, qtbot):
    canvas, clear, bars, label = parts(panel)
    assert panel.findChild(QLabel, "modelInputView") is not None
    assert label.text() == NO_MODEL_TEXT
    draw_stroke(canvas, vertical_line())
    qtbot.wait(10)  # let the coalescing timer run; there must still be no prediction
    assert label.text() == NO_MODEL_TEXT
    assert panel.current_probabilities() is None
    assert "C" in clear.text() and clear.text().startswith("&")


def test_clear_button_empties_canvas(panel, qtbot):
    canvas, clear, _, _ = parts(panel)
    draw_stroke(canvas, vertical_line())
    assert not canvas.is_empty()
    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    assert canvas.is_empty()


@pytest.fixture
def make_model():
    """Factory for real engine models (skips while the engine is not importable yet)."""
    models = pytest.importorskip("engine.models")
    L = pytest.importorskip("engine.layers")

    def build(input_shape=(28, 28)):
        layers = [L.Input(input_shape)]
        if len(input_shape) > 1:
            layers.append(L.Flatten())
        layers.append(L.Dense(10, activation="softmax"))
        return models.Sequential(layers)

    return build


def wait_prediction(panel, qtbot, previous=None):
    """Wait until the panel shows a prediction different from ``previous``."""

    def ready():
        p = panel.current_probabilities()
        return p is not None and (previous is None or not np.allclose(p, previous))

    qtbot.waitUntil(ready, timeout=2000)
    return panel.current_probabilities()


@pytest.mark.parametrize("input_shape", [(28, 28), (784,), (28, 28, 1)])
def test_prediction_follows_drawing(panel, qtbot, make_model, input_shape):
    canvas, clear, bars, label = parts(panel)
    model = make_model(input_shape)
    assert model.input_shape == (None, *input_shape)
    panel.set_model(model)
    assert "Draw" in label.text()

    draw_stroke(canvas, vertical_line())
    first = wait_prediction(panel, qtbot)
    np.testing.assert_allclose(bars.probabilities(), first)
    assert first.shape == (10,)
    assert abs(first.sum() - 1.0) <= 1e-5
    top = int(np.argmax(first))
    assert label.text() == f"{top} — {100 * first[top]:.1f}%"

    # A second, different stroke (crossing the first) changes the prediction.
    draw_stroke(canvas, horizontal_line())
    second = wait_prediction(panel, qtbot, previous=first)
    np.testing.assert_allclose(bars.probabilities(), second)
    assert abs(second.sum() - 1.0) <= 1e-5
    top = int(np.argmax(second))
    assert label.text() == f"{top} — {100 * second[top]:.1f}%"

    qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.current_probabilities() is None, timeout=2000)
    assert canvas.is_empty()
    assert not bars.probabilities().any()
    assert "Draw" in label.text()


def test_many_moves_coalesce_into_few_predictions(panel, qtbot, make_model):
    canvas, _, _, _ = parts(panel)
    model = make_model()
    calls = []

    def counted(method):
        def run(x, *args, **kwargs):
            calls.append(np.shape(x))
            return method(x, *args, **kwargs)

        return run

    # Count forward passes of the real model, whichever entry point the panel uses.
    for name in ("predict", "predict_on_batch"):
        if callable(getattr(model, name, None)):
            setattr(model, name, counted(getattr(model, name)))
    panel.set_model(model)
    calls.clear()
    draw_stroke(canvas, vertical_line(step=2))  # ~90 move events, no event loop between
    wait_prediction(panel, qtbot)
    qtbot.wait(20)
    assert 1 <= len(calls) <= 3
    assert calls[0] == (1, 28, 28)


def test_class_names_are_shown(panel, qtbot, make_model):
    canvas, _, bars, label = parts(panel)
    names = [f"digit {i}" for i in range(10)]
    panel.set_model(make_model(), class_names=names)
    draw_stroke(canvas, vertical_line())
    wait_prediction(panel, qtbot)
    assert bars.class_names() == names
    assert label.text().startswith(names[int(np.argmax(bars.probabilities()))])


def test_non_image_model_shows_message(panel, qtbot, make_model):
    canvas, _, _, label = parts(panel)
    panel.set_model(make_model((5,)))
    assert "784" in label.text()  # says which input shapes would work
    draw_stroke(canvas, vertical_line())
    qtbot.wait(10)
    assert panel.current_probabilities() is None
    assert "784" in label.text()


def test_other_image_size_disables_drawing(panel, qtbot, make_model):
    canvas, _, _, label = parts(panel)
    panel.set_model(make_model((32, 32)))
    draw_stroke(canvas, vertical_line())
    qtbot.wait(10)
    assert canvas.is_empty()  # a 28x28 drawing can't feed a 32x32 model
    assert panel.current_probabilities() is None
    assert label.text() == OPEN_HINT_TEXT


def test_set_model_none(panel, make_model):
    panel.set_model(make_model())
    panel.set_model(None)
    _, _, _, label = parts(panel)
    assert label.text() == NO_MODEL_TEXT


# ---- the default pen against real MNIST --------------------------------------------------


def mnist_stroke_width(img: np.ndarray) -> float:
    """Mean stroke width in px of a 28×28 digit in 0..1: ink area over half its outline length
    (a stroke of length L and width w has area L·w and an outline of about 2·L)."""
    ink = img > 0.5
    outline = np.sum(ink[:, 1:] != ink[:, :-1]) + np.sum(ink[1:, :] != ink[:-1, :])
    return float(img.sum() / (outline / 2))


@pytest.mark.parametrize("digit", [0, 1, 7])
def test_default_pen_draws_mnist_like_strokes(canvas, digit):
    """A digit drawn two thirds of the canvas tall with the default pen, once preprocessed, has
    the stroke width and the amount of ink of the real MNIST digits of its class."""
    from engine.datasets import sample
    from gui.canvas.preprocess import drawing_to_mnist
    from tests.gui.predict_support import ONE, SEVEN, ZERO, draw_digit

    (x, y), _ = sample.load_data()
    real = x[y == digit].astype(np.float64) / 255.0
    real_width = float(np.median([mnist_stroke_width(img) for img in real]))
    real_ink = float(real.mean())
    strokes = {0: ZERO, 1: ONE, 7: SEVEN}[digit]

    def drawn(pen: float) -> np.ndarray:
        canvas.clear()
        canvas.set_pen_width(pen)
        draw_digit(canvas, strokes)
        return drawing_to_mnist(canvas.to_array())

    img = drawn(DEFAULT_PEN_WIDTH)
    assert 0.8 <= mnist_stroke_width(img) / real_width <= 1.2
    assert 0.75 <= img.mean() / real_ink <= 1.25
    thin = drawn(DEFAULT_PEN_WIDTH / 2)  # the measure tells thin strokes from MNIST's
    assert mnist_stroke_width(thin) / real_width < 0.8
