"""Shared by the builder tests: a window on the bundled MNIST sample, and a drop onto the stack.

A real drag (QDrag.exec) returns at once on the offscreen platform, so a drop is delivered the way
the window system would deliver it: QDragEnter/QDragMove/QDrop events with the MIME data the
source produced, sent to the stack view's viewport at a point between or on the cards.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from tests.gui.window_support import open_window


def make_window(qtbot) -> MainWindow:
    return open_window(qtbot)


def names(win) -> list[str]:
    return [s.class_name for s in win.stack.specs]


def drop_point(view, row: int) -> QPoint:
    """A point just above the top edge of card `row` (or below the last card): drops go there."""
    model = view.model()
    if row < model.rowCount():
        rect = view.visualRect(model.index(row, 0))
        return QPoint(rect.center().x(), rect.top() + 2)
    rect = view.visualRect(model.index(model.rowCount() - 1, 0))
    return QPoint(rect.center().x(), rect.bottom() + 6)


def drop(view, mime: QMimeData, point: QPoint, action=Qt.DropAction.CopyAction) -> None:
    """Deliver enter, move and drop at `point`. (The model answers a drop with False on purpose —
    the undo command makes the change — so the event's acceptance says nothing; look at the stack.)"""
    viewport = view.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(point, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    event = QDropEvent(QPointF(point), action, mime, buttons, mods)
    QApplication.sendEvent(viewport, event)
