"""The layer palette: every engine layer, grouped, filterable; drag onto the stack or double-click."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from gui.stack import catalog
from gui.stack.stack_model import LAYER_MIME

_CLASS_ROLE = Qt.ItemDataRole.UserRole


class _PaletteTree(QTreeWidget):
    def mimeData(self, items):  # noqa: N802 (Qt name)
        names = [i.data(0, _CLASS_ROLE) for i in items if i.data(0, _CLASS_ROLE)]
        mime = QMimeData()
        if names:
            mime.setData(LAYER_MIME, QByteArray(json.dumps({"add": names[0]}).encode()))
        return mime

    def mimeTypes(self):  # noqa: N802
        return [LAYER_MIME]


class LayerPalette(QWidget):
    """Emits `addRequested(class_name)` on double-click or Enter."""

    addRequested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerPalette")
        self.filter = QLineEdit(placeholderText="Filter layers…")
        self.filter.setObjectName("paletteFilter")
        self.filter.setClearButtonEnabled(True)
        self.tree = _PaletteTree()
        self.tree.setObjectName("paletteTree")
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._populate()
        self.filter.textChanged.connect(self._apply_filter)
        self.tree.itemActivated.connect(self._activated)

    def _populate(self) -> None:
        for group, names in catalog.available_layers().items():
            top = QTreeWidgetItem([group])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for name in names:
                item = QTreeWidgetItem([name])
                item.setData(0, _CLASS_ROLE, name)
                item.setToolTip(0, catalog.describe(name) + "\nDouble-click or drag onto the stack.")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()

    def item_for(self, class_name: str) -> QTreeWidgetItem | None:
        found = self.tree.findItems(class_name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    def _apply_filter(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                match = not text or text in child.text(0).lower()
                child.setHidden(not match)
                visible += match
            group.setHidden(visible == 0)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, _CLASS_ROLE)
        if name:
            self.addRequested.emit(name)
