"""Edits the selected layer's settings. Every value is checked by constructing the engine layer,
so the engine's own message ("Received: units=0") is what the user reads when a value is refused.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.stack import catalog
from gui.stack.layer_spec import LayerSpec


def _parse_text(text: str):
    """'3, 3' → [3, 3]; '' → None; '2' → 2; anything else stays text."""
    text = text.strip()
    if not text or text.lower() == "none":
        return None
    parts = [p.strip() for p in text.strip("()[]").split(",") if p.strip()]
    try:
        numbers = [float(p) if "." in p else int(p) for p in parts]
    except ValueError:
        return text
    return numbers[0] if len(numbers) == 1 and "," not in text else numbers


class LayerInspector(QWidget):
    """Emits `editRequested(key, value)` only for values the engine accepts."""

    editRequested = Signal(str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerInspector")
        self.title = QLabel("Select a layer to edit it.")
        self.title.setObjectName("inspectorTitle")
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("inspectorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
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
        self.title.setText(f"<b>{spec.class_name}</b> — {catalog.describe(spec.class_name)}")
        self.title.setWordWrap(True)
        for key, value in catalog.editable_params(spec.class_name, spec.config):
            editor = self._editor_for(key, value)
            editor.setObjectName(f"inspector_{key}")
            self.editors[key] = editor
            self.form.addRow(key.replace("_", " "), editor)

    def _editor_for(self, key: str, value) -> QWidget:
        choices = catalog.choices_for(key)
        if choices is not None:
            combo = QComboBox()
            combo.addItems(choices)
            combo.setCurrentText(str(value or "linear") if key == "activation" else str(value))
            combo.currentTextChanged.connect(lambda text, k=key: self._propose(k, text))
            return combo
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            box.toggled.connect(lambda checked, k=key: self._propose(k, checked))
            return box
        if isinstance(value, int):
            spin = QSpinBox()
            # A wide range on purpose: out-of-range values reach the engine, which says why.
            spin.setRange(-1, 1_000_000)
            spin.setValue(value)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, k=key: self._propose(k, v))
            return spin
        if isinstance(value, float):
            spin = QDoubleSpinBox()
            spin.setRange(-1000.0, 1000.0)
            spin.setDecimals(4)
            spin.setSingleStep(0.05)
            spin.setValue(value)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, k=key: self._propose(k, v))
            return spin
        line = QLineEdit("" if value is None else ", ".join(map(str, value))
                         if isinstance(value, list | tuple) else str(value))
        line.editingFinished.connect(lambda k=key, w=line: self._propose(k, _parse_text(w.text())))
        return line

    def _propose(self, key: str, value) -> None:
        if self.spec is None:
            return
        if self.spec.config.get(key) == value:
            return
        candidate = self.spec.copy()
        candidate.config[key] = value
        try:
            candidate.create()
        except (ValueError, TypeError) as exc:
            self.error.setText(f"Not applied — {exc}")
            return
        self.error.clear()
        self.spec = candidate
        self.editRequested.emit(key, value)
