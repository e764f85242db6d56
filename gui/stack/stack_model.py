"""LayerStackModel: a Qt list model over a plain Python list of LayerSpec.

Views and drag-and-drop go through this model; edits that the user makes go through the undo
commands in commands.py, which call the plain methods below (insert, remove, move, replace).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, Qt, Signal

from gui.stack.layer_spec import LayerSpec
from gui.stack.validation import StackCheck, check_stack

LAYER_MIME = "application/x-hornbook-layer"
ErrorRole = Qt.ItemDataRole.UserRole + 1
ShapeRole = Qt.ItemDataRole.UserRole + 2
ParamsRole = Qt.ItemDataRole.UserRole + 3


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


class LayerStackModel(QAbstractListModel):
    """Rows are layers, top (input side) first. `checked` re-runs after every change."""

    stackChanged = Signal()
    dropRequested = Signal(object, int)  # (action dict, row): the window turns it into an undo command

    def __init__(self, specs: list[LayerSpec] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._specs: list[LayerSpec] = list(specs or [])
        self.input_shape: tuple = (28, 28)
        self.num_classes: int | None = 10
        self.check: StackCheck = check_stack(self._specs, self.input_shape, self.num_classes)

    # --- plain list operations (used by undo commands) --------------------------------------
    @property
    def specs(self) -> list[LayerSpec]:
        return list(self._specs)

    def insert(self, row: int, spec: LayerSpec) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._specs.insert(row, spec)
        self.endInsertRows()
        self._changed()

    def remove(self, row: int) -> LayerSpec:
        self.beginRemoveRows(QModelIndex(), row, row)
        spec = self._specs.pop(row)
        self.endRemoveRows()
        self._changed()
        return spec

    def move(self, source: int, target: int) -> None:
        """Move the row at `source` so that it ends up at index `target`."""
        if source == target:
            return
        destination = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), destination)
        self._specs.insert(target, self._specs.pop(source))
        self.endMoveRows()
        self._changed()

    def replace(self, row: int, spec: LayerSpec) -> None:
        self._specs[row] = spec
        self._changed()

    def reset(self, specs: list[LayerSpec]) -> None:
        self.beginResetModel()
        self._specs = list(specs)
        self.endResetModel()
        self._changed()

    def set_data_shape(self, input_shape: tuple, num_classes: int | None) -> None:
        self.input_shape, self.num_classes = tuple(input_shape), num_classes
        self._changed()

    def _changed(self) -> None:
        self.check = check_stack(self._specs, self.input_shape, self.num_classes)
        if self._specs:
            self.dataChanged.emit(self.index(0), self.index(len(self._specs) - 1))
        self.stackChanged.emit()

    # --- Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._specs)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._specs):
            return None
        spec = self._specs[index.row()]
        check = self.check.layers[index.row()] if index.row() < len(self.check.layers) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.describe()
        if role == ShapeRole:
            return _shape_text(check.output_shape) if check and check.output_shape else ""
        if role == ParamsRole:
            return check.params if check else 0
        if role == ErrorRole:
            return check.error if check else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return check.error if check and check.error else spec.describe()
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def supportedDropActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self):  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self):  # noqa: N802
        return [LAYER_MIME]

    def mimeData(self, indexes):  # noqa: N802
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(LAYER_MIME, QByteArray(json.dumps({"move_rows": rows}).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent):  # noqa: N802
        return data.hasFormat(LAYER_MIME)

    def dropMimeData(self, data, action, row, column, parent):  # noqa: N802
        """Palette drops carry {"add": class_name}; stack drags carry {"move_rows": [...]}.

        The change itself is made by the window through an undo command, so we only announce it
        and return False: Qt must not remove the dragged source row itself.
        """
        if not data.hasFormat(LAYER_MIME):
            return False
        payload = json.loads(bytes(data.data(LAYER_MIME).data()).decode())
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._specs)
        self.dropRequested.emit(payload, row)
        return False
