"""LayerStackModel: a Qt list model over a plain Python list of LayerSpec.

Views and drag-and-drop go through this model; edits that the user makes go through the undo
commands in commands.py, which call the plain methods below (insert, remove, move, replace).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, Qt, Signal

from gui.stack import naming
from gui.stack.layer_spec import LayerSpec
from gui.stack.quick_fixes import QuickFix, fixes_for
from gui.stack.validation import StackCheck, check_stack

LAYER_MIME = "application/x-hornbook-layer"
ErrorRole = Qt.ItemDataRole.UserRole + 1
ShapeRole = Qt.ItemDataRole.UserRole + 2
ParamsRole = Qt.ItemDataRole.UserRole + 3
NameRole = Qt.ItemDataRole.UserRole + 4
FixesRole = Qt.ItemDataRole.UserRole + 5  # labels of the quick fixes, most likely first
BlockedRole = Qt.ItemDataRole.UserRole + 6  # True below a failing layer: no shape to show


def specs_to_mime(specs: list[LayerSpec], extra: dict | None = None) -> QMimeData:
    """Layers for the clipboard or a drag: our MIME type for Hornbook, JSON text for anything else
    (another Hornbook window reads either; a text editor shows Keras-style layer configs)."""
    mime = QMimeData()
    payload = {"specs": [s.to_dict() for s in specs], **(extra or {})}
    mime.setData(LAYER_MIME, QByteArray(json.dumps(payload).encode()))
    mime.setText(json.dumps([s.to_dict() for s in specs], indent=2))
    return mime


def specs_from_mime(mime: QMimeData) -> list[LayerSpec]:
    """The layers in `mime`; raises ValueError when it holds none we can read."""
    if mime.hasFormat(LAYER_MIME):
        data = json.loads(bytes(mime.data(LAYER_MIME).data()).decode()).get("specs")
    elif mime.hasText():
        try:
            data = json.loads(mime.text())
        except ValueError:
            raise ValueError("The clipboard holds text, not layers.") from None
    else:
        raise ValueError("The clipboard holds no layers.")
    items = data if isinstance(data, list) else [data]
    try:
        return [LayerSpec.from_dict(item) for item in items]
    except (KeyError, TypeError, AttributeError):
        raise ValueError("The clipboard text is not a list of layer configs "
                         '({"class_name": …, "config": {…}}).') from None


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


class LayerStackModel(QAbstractListModel):
    """Rows are layers, top (input side) first. `checked` re-runs after every change."""

    stackChanged = Signal()
    dropRequested = Signal(object, int)  # (action dict, row): the window turns it into an undo command

    def __init__(self, specs: list[LayerSpec] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._specs: list[LayerSpec] = naming.assign_names(list(specs or []))
        self.input_shape: tuple = (28, 28)
        self.num_classes: int | None = 10
        self.vocabulary_size: int | None = None  # text data: the word indices an Embedding must take
        self.source_token = str(id(self))  # tells our own drags from another window's
        self._recheck()

    # --- plain list operations (used by undo commands) --------------------------------------
    @property
    def specs(self) -> list[LayerSpec]:
        return list(self._specs)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self._specs]

    def insert(self, row: int, spec: LayerSpec) -> None:
        """Insert `spec` at `row`; a spec without a unique name gets the next Keras-style one."""
        if spec.config.get("name") in (None, "", *self.names):
            spec.config["name"] = naming.unique_name(spec.class_name, self.names)
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
        self._specs = naming.assign_names(list(specs))
        self.endResetModel()
        self._changed()

    def set_data_shape(self, input_shape: tuple, num_classes: int | None) -> None:
        self.input_shape, self.num_classes = tuple(input_shape), num_classes
        self._changed()

    def set_vocabulary_size(self, size: int | None) -> None:
        if size != self.vocabulary_size:
            self.vocabulary_size = size
            self._changed()

    def _recheck(self) -> None:
        self.check: StackCheck = check_stack(self._specs, self.input_shape, self.num_classes,
                                             self.vocabulary_size)
        self.fixes: dict[int, list[QuickFix]] = {
            row: fixes_for(self._specs, self.check, row, self.input_shape, self.num_classes,
                           self.vocabulary_size)
            for row, layer in enumerate(self.check.layers) if layer.error}

    def _changed(self) -> None:
        self._recheck()
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
        if role == NameRole:
            return spec.name
        if role == FixesRole:
            return [f.label for f in self.fixes.get(index.row(), [])]
        if role == BlockedRole:
            return check is not None and check.input_shape is None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), spec, check)
        return None

    def _tooltip(self, row: int, spec: LayerSpec, check) -> str:
        lines = [f"{spec.name}: {spec.describe()}"]
        if check and check.error:
            lines.append("⚠ " + check.error)
            fixes = self.fixes.get(row, [])
            if fixes:
                lines.append("Quick fixes (click the link, right-click, or Ctrl+.): "
                             + "; ".join(f.label for f in fixes))
        return "\n".join(lines)

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
        """Rows to move within this stack, and the layers themselves for another window."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return specs_to_mime([self._specs[r] for r in rows],
                             {"move_rows": rows, "source": self.source_token})

    def canDropMimeData(self, data, action, row, column, parent):  # noqa: N802
        return data.hasFormat(LAYER_MIME)

    def dropMimeData(self, data, action, row, column, parent):  # noqa: N802
        """Palette drops carry {"add": class_name}; stack drags carry {"move_rows": [...]} and
        the layers as {"specs": [...]}, which is what counts when they come from another window.

        The change itself is made by the window through an undo command, so we only announce it
        and return False: Qt must not remove the dragged source row itself.
        """
        if not data.hasFormat(LAYER_MIME):
            return False
        payload = json.loads(bytes(data.data(LAYER_MIME).data()).decode())
        if payload.get("source") != self.source_token:
            payload.pop("move_rows", None)
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._specs)
        self.dropRequested.emit(payload, row)
        return False
