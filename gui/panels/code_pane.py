"""The model as a Keras program, read-only and highlighted, with Copy and Export…."""

from __future__ import annotations

import keyword
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.saving.atomic import atomic_write
from engine.saving.errors import ModelFileError


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, names after def, numbers, strings and comments; triple-quoted strings may span
    lines (block state 1 = inside one)."""

    def __init__(self, document) -> None:
        super().__init__(document)
        words = "|".join(keyword.kwlist + ["True", "False", "None"])
        self.rules = [
            (QRegularExpression(rf"\b({words})\b"), _format("#7b1fa2", bold=True)),
            (QRegularExpression(r"\bdef\s+(\w+)"), _format("#1565c0", bold=True)),
            (QRegularExpression(r"\bkeras(\.\w+)*"), _format("#00695c")),
            (QRegularExpression(r"\b\d+(\.\d*)?([eE][-+]?\d+)?\b"), _format("#e65100")),
            (QRegularExpression(r"\"[^\"\n]*\"|'[^'\n]*'"), _format("#2e7d32")),
            (QRegularExpression(r"#[^\n]*"), _format("#757575", italic=True)),
        ]
        self.docstring = _format("#2e7d32", italic=True)

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self.rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)
        self._docstrings(text)

    def _docstrings(self, text: str) -> None:
        start = 0
        inside = self.previousBlockState() == 1
        self.setCurrentBlockState(0)
        while True:
            if not inside:
                start = text.find('"""', start)
                if start < 0:
                    return
            end = text.find('"""', start + (0 if inside else 3))
            if end < 0:
                self.setFormat(start, len(text) - start, self.docstring)
                self.setCurrentBlockState(1)
                return
            self.setFormat(start, end + 3 - start, self.docstring)
            start, inside = end + 3, False


class CodePane(QWidget):
    """Shows the program the controller gives it; emits failed(message) when an export fails."""

    failed = Signal(str)
    exported = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("codePane")
        self.editor = QPlainTextEdit(objectName="kerasCode")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setAccessibleName("Keras program for this model")
        self.highlighter = PythonHighlighter(self.editor.document())
        self.note = QLabel("The model, compile options and training settings as a Keras 3 program. "
                           "It follows every edit.", wordWrap=True)
        self.copy_button = QPushButton("&Copy", objectName="copyCodeButton")
        self.export_button = QPushButton("E&xport…", objectName="exportCodeButton")
        self.export_button.setToolTip("Save the program as a .py file.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.editor)
        self.copy_button.clicked.connect(self.copy)
        self.export_button.clicked.connect(self._export_dialog)

    def code(self) -> str:
        return self.editor.toPlainText()

    def set_code(self, text: str) -> None:
        if text == self.code():
            return
        bar = self.editor.verticalScrollBar()
        position = bar.value()  # the reader keeps their place while the code follows the edits
        self.editor.setPlainText(text)
        bar.setValue(position)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code())

    def export_to(self, path: str | Path) -> Path:
        """Write the program to `path` atomically; raises ModelFileError or OSError."""
        path = Path(path)
        with atomic_write(str(path)) as tmp:
            Path(tmp).write_text(self.code(), encoding="utf-8")
        return path

    def export(self, path: str | Path) -> bool:
        """Export, reporting the outcome through `exported` or `failed` (never raising)."""
        try:
            self.export_to(path)
        except (ModelFileError, OSError) as exc:
            self.failed.emit(f"Could not export the program: {exc}")
            return False
        self.exported.emit(str(path))
        return True

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export Keras program", "model.py",
                                              "Python files (*.py)")
        if path:
            self.export(path)
