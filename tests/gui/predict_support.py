"""Shared by the predict view tests: real mouse strokes and the bundled models and digits."""

from __future__ import annotations

import math
import warnings

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from engine.datasets import sample
from engine.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D
from engine.models import Sequential, load_model
from gui.resources import DEFAULT_MODEL

# Digits as a person draws them, in unit coordinates of the canvas (x right, y down), each a list
# of strokes. About two thirds of the canvas tall, like a finger or mouse digit.
ONE = [[(0.52, 0.18), (0.50, 0.50), (0.48, 0.82)]]
ZERO = [[(0.5 + 0.19 * math.sin(t), 0.5 - 0.31 * math.cos(t))
         for t in np.linspace(0.0, 2.0 * math.pi, 41)]]
SEVEN = [[(0.30, 0.21), (0.50, 0.20), (0.71, 0.20), (0.58, 0.50), (0.46, 0.82)]]


def to_widget(canvas, point: tuple[float, float]) -> QPoint:
    """A unit-square point of the drawing as a pixel of the canvas widget."""
    side = min(canvas.width(), canvas.height())
    left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
    return QPoint(round(left + point[0] * side), round(top + point[1] * side))


def draw_polyline(canvas, pixels: list[QPoint], step: float = 6.0) -> None:
    """Press, move every `step` px along the polyline (as a hand-held mouse reports), release."""
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pixels[0])
    for a, b in zip(pixels, pixels[1:], strict=False):
        n = max(1, math.ceil(math.hypot(b.x() - a.x(), b.y() - a.y()) / step))
        for i in range(1, n + 1):
            QTest.mouseMove(canvas, QPoint(round(a.x() + (b.x() - a.x()) * i / n),
                                           round(a.y() + (b.y() - a.y()) * i / n)))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       pixels[-1])


def draw_digit(canvas, strokes) -> None:
    for stroke in strokes:
        draw_polyline(canvas, [to_widget(canvas, p) for p in stroke])


def pretrained_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not compiled": the app only predicts with it
        return load_model(str(DEFAULT_MODEL))


def sample_digits() -> tuple[np.ndarray, np.ndarray]:
    """The bundled MNIST sample's test part: uint8 (1000, 28, 28), labels (1000,)."""
    _, (x, y) = sample.load_data()
    return x, y


def small_cnn(input_shape=(28, 28, 1), classes: int = 10) -> Sequential:
    """An untrained two-convolution CNN, like the default digit CNN but smaller."""
    return Sequential([Input(input_shape), Conv2D(4, 3, activation="relu"), MaxPooling2D(),
                       Conv2D(6, 3, activation="relu"), Flatten(),
                       Dense(classes, activation="softmax")])


def mlp(input_shape=(28, 28)) -> Sequential:
    layers = [Input(input_shape)] + ([Flatten()] if len(input_shape) > 1 else [])
    return Sequential([*layers, Dense(10, activation="softmax")])
