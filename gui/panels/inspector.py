"""Edits the selected layer's settings. Every value is checked by constructing the engine layer,
so the engine's own message ("Received: units=0") is what the user reads when a value is refused.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui.panels.inspector_editors import make_editor
from gui.stack import catalog
from gui.stack.layer_spec import LayerSpec
from gui.stack.validation import CONFIG_ERRORS


class LayerInspector(QWidget):
    """Emits `editRequested(key, value)` only for values the engine accepts."""

    editRequested = Signal(str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerInspector")
        self.title = QLabel("Select a layer to edit it.")
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(self.form_host)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.error = QLabel()
        self.error.setObjectName("inspectorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        self.spec: LayerSpec | None = None
        self.editors: dict[str, QWidget] = {}

    def show_spec(self, spec: LayerSpec | None) -> None:
        self.spec = spec.copy() if spec else None
        self.error.clear()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        if spec is None:
            self.title.setText("Select a layer to edit it.")
            return
        self.title.setText(f"<b>{spec.name}</b> · {spec.class_name} — {catalog.describe(spec.class_name)}")
        for key, value in catalog.editable_params(spec.class_name, spec.config):
            editor = make_editor(spec.class_name, key, value, lambda v, k=key: self._propose(k, v))
            editor.setObjectName(f"inspector_{key}")
            editor.setAccessibleName(key.replace("_", " "))
            self.editors[key] = editor
            self.form.addRow(key.replace("_", " "), editor)

    def _propose(self, key: str, value) -> None:
        if self.spec is None or self.spec.config.get(key) == value:
            return
        candidate = self.spec.copy()
        candidate.config[key] = value
        try:
            candidate.create()
        except CONFIG_ERRORS as exc:
            self.error.setText(f"Not applied — {exc}")
            return
        self.error.clear()
        self.spec = candidate
        self.editRequested.emit(key, value)
