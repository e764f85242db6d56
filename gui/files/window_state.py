"""The window's layout and last data set, kept in the settings between sessions."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

GEOMETRY, DOCK_STATE, DATASET = "window/geometry", "window/state", "data/lastDataset"


def save_window_state(window, store: QSettings) -> None:
    store.setValue(GEOMETRY, window.saveGeometry())
    store.setValue(DOCK_STATE, window.saveState())
    if window.data_panel.combo.currentText():
        store.setValue(DATASET, window.data_panel.combo.currentText())
    store.sync()


def restore_window_state(window, store: QSettings) -> None:
    """Geometry and docks as they were; the last data set if it is still offered here (a full
    data set found last time may since have been deleted)."""
    geometry, state = store.value(GEOMETRY), store.value(DOCK_STATE)
    if isinstance(geometry, QByteArray | bytes):
        window.restoreGeometry(QByteArray(geometry))
    if isinstance(state, QByteArray | bytes):
        window.restoreState(QByteArray(state))
    dataset = store.value(DATASET)
    combo = window.data_panel.combo
    if isinstance(dataset, str) and combo.findText(dataset) >= 0:
        combo.setCurrentText(dataset)
