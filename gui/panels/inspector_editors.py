"""Editor widgets for layer and optimizer settings, chosen from a setting's name and value.

Every editor calls `commit(value)` once per finished change (spin boxes without keyboard
tracking, line edits on Enter or focus out); checking the value is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from engine.backend import to_snake_case
from gui.stack import catalog

Commit = Callable[[object], None]
_WIDE_INT = (-1_000_000, 1_000_000)
_WIDE_FLOAT = (-1e6, 1e6)


class FloatSpin(QDoubleSpinBox):
    """A spin box that shows 1e-07 as '1e-07' and 0.9 as '0.9', not '0.0000001000'."""

    def __init__(self, parent=None, **properties) -> None:
        super().__init__(parent, **properties)
        self.setDecimals(12)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos


class PairEditor(QWidget):
    """(height, width) as two spin boxes; with `allow_auto`, an 'auto' box stands for None
    (pooling strides default to the pool size)."""

    valueChanged = Signal(object)

    def __init__(self, value, low: int, high: int, allow_auto: bool = False, parent=None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.spins = [QSpinBox(), QSpinBox()]
        for spin, tip in zip(self.spins, ("height", "width"), strict=True):
            spin.setRange(low, high)
            spin.setKeyboardTracking(False)
            spin.setToolTip(tip)
            spin.setAccessibleName(tip)
        self.auto = QCheckBox("auto") if allow_auto else None
        row.addWidget(self.spins[0])
        row.addWidget(QLabel("×"))
        row.addWidget(self.spins[1])
        if self.auto is not None:
            self.auto.setToolTip("Use the layer's own default (for pooling: the pool size).")
            row.addWidget(self.auto)
            self.auto.toggled.connect(self._emit)
        self.setValue(value)
        for spin in self.spins:
            spin.valueChanged.connect(self._emit)

    def value(self):
        if self.auto is not None and self.auto.isChecked():
            return None
        return [spin.value() for spin in self.spins]

    def setValue(self, value) -> None:
        auto = value is None
        if auto:
            value = [1, 1]
        elif isinstance(value, int):
            value = [value, value]
        for spin, v in zip(self.spins, value, strict=False):
            spin.blockSignals(True)
            spin.setValue(int(v))
            spin.blockSignals(False)
        if self.auto is not None:
            self.auto.blockSignals(True)
            self.auto.setChecked(auto)
            self.auto.blockSignals(False)
            self._enable()

    def _enable(self) -> None:
        for spin in self.spins:
            spin.setEnabled(self.auto is None or not self.auto.isChecked())

    def _emit(self, *_args) -> None:
        self._enable()
        self.valueChanged.emit(self.value())


def parse_text(text: str):
    """'3, 3' → [3, 3]; '' → None; '2' → 2; anything else stays text."""
    text = text.strip()
    if not text or text.lower() == "none":
        return None
    parts = [p.strip() for p in text.strip("()[]").split(",") if p.strip()]
    try:
        numbers = [float(p) if "." in p or "e" in p.lower() else int(p) for p in parts]
    except ValueError:
        return text
    return numbers[0] if len(numbers) == 1 and "," not in text else numbers


def _text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def initializer_name(value) -> str:
    """'GlorotUniform', {'class_name': 'GlorotUniform', …} or 'glorot_uniform' → 'glorot_uniform'."""
    if isinstance(value, dict):
        value = value.get("class_name", "")
    text = str(value or "")
    return text if text.islower() else to_snake_case(text)


def _combo(choices: list[str], current: str, commit: Commit) -> QComboBox:
    combo = QComboBox()
    combo.addItems(choices)
    if current not in choices:
        combo.addItem(current)  # a setting from a file that the list does not know: keep it
    combo.setCurrentText(current)
    combo.currentTextChanged.connect(commit)
    return combo


def make_editor(class_name: str, key: str, value, commit: Commit) -> QWidget:
    """The editor that suits `key` of `class_name` holding `value`."""
    choices = catalog.choices_for(key, class_name)
    if choices is not None:
        if key.endswith("_initializer"):
            return _combo(choices, initializer_name(value), commit)
        current = "linear" if key.endswith("activation") and value is None else str(value)
        return _combo(choices, current, commit)
    if catalog.is_pair(class_name, key) and (value is None or isinstance(value, int | list | tuple)):
        editor = PairEditor(value, *catalog.INT_RANGES.get(key, (0, 99)), allow_auto=value is None
                            or key == "strides" and "Pooling" in class_name)
        editor.valueChanged.connect(commit)
        return editor
    if isinstance(value, bool):
        box = QCheckBox()
        box.setChecked(value)
        box.toggled.connect(commit)
        return box
    if isinstance(value, int):
        spin = QSpinBox()
        spin.setRange(*catalog.INT_RANGES.get(key, _WIDE_INT))
        spin.setValue(value)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(commit)
        return spin
    if isinstance(value, float):
        spin = FloatSpin()
        spin.setRange(*catalog.FLOAT_RANGES.get(key, _WIDE_FLOAT))
        spin.setSingleStep(0.05 if abs(value) < 10 else 1.0)
        spin.setValue(value)
        spin.valueChanged.connect(commit)
        return spin
    if isinstance(value, dict):
        inner = value.get("class_name", "?")
        settings = ", ".join(f"{k}={v}" for k, v in (value.get("config") or {}).items() if k != "name")
        label = QLabel(f"{inner}({settings})")
        label.setToolTip("A nested layer; change it in a saved file, or rebuild this layer.")
        return label
    line = QLineEdit(_text_of(value))
    line.setPlaceholderText("none")
    line.editingFinished.connect(lambda: commit(parse_text(line.text())))
    return line


def set_editor_value(editor: QWidget, value) -> None:
    """Show `value` in an editor made by make_editor, without it reporting a change."""
    editor.blockSignals(True)
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox | QDoubleSpinBox | PairEditor):
        editor.setValue(value)
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    elif isinstance(editor, QLineEdit):
        editor.setText(_text_of(value))
    editor.blockSignals(False)
