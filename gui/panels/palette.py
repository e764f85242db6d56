"""The layer palette: every engine layer, grouped, filterable; drag onto the stack or double-click."""

from __future__ import annotations

import json
from html import escape

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from gui.stack import catalog
from gui.stack.stack_model import LAYER_MIME

_CLASS_ROLE = Qt.ItemDataRole.UserRole


class _PaletteTree(QTreeWidget):
    def mimeData(self, items):
        names = [i.data(0, _CLASS_ROLE) for i in items if i.data(0, _CLASS_ROLE)]
        mime = QMimeData()
        if names:
            mime.setData(LAYER_MIME, QByteArray(json.dumps({"add": names[0]}).encode()))
        return mime

    def mimeTypes(self):
        return [LAYER_MIME]


class LayerPalette(QWidget):
    """Emits `addRequested(class_name)` on double-click or Enter (in the list, or in the filter box
    when the filter leaves one layer)."""

    addRequested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerPalette")
        self.filter = QLineEdit(placeholderText="Filter layers… (name or purpose)")
        self.filter.setObjectName("paletteFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter layers")
        self.tree = _PaletteTree()
        self.tree.setObjectName("paletteTree")
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setAccessibleName("Layer palette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._populate()
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._add_single_match)
        self.tree.itemActivated.connect(self._activated)

    def _populate(self) -> None:
        for group, names in catalog.available_layers().items():
            top = QTreeWidgetItem([group])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for name in names:
                item = QTreeWidgetItem([name])
                item.setData(0, _CLASS_ROLE, name)
                item.setToolTip(0, f"<b>{name}</b><br>{escape(catalog.describe(name))}"
                                   "<br><i>Double-click, press Enter or drag onto the stack.</i>")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                top.addChild(item)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()

    def item_for(self, class_name: str) -> QTreeWidgetItem | None:
        found = self.tree.findItems(class_name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    def visible_layers(self) -> list[str]:
        return [group.child(j).text(0) for i in range(self.tree.topLevelItemCount())
                if not (group := self.tree.topLevelItem(i)).isHidden()
                for j in range(group.childCount()) if not group.child(j).isHidden()]

    def _apply_filter(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                name = child.text(0)
                match = not text or text in name.lower() or text in group.text(0).lower() \
                    or text in catalog.describe(name).lower()
                child.setHidden(not match)
                visible += match
            group.setHidden(visible == 0)

    def _add_single_match(self) -> None:
        visible = self.visible_layers()
        if len(visible) == 1:
            self.addRequested.emit(visible[0])

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, _CLASS_ROLE)
        if name:
            self.addRequested.emit(name)
