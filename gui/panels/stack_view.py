"""The stack as a column of cards: type and settings, output shape, parameters, and any error."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate

from gui.stack.stack_model import ErrorRole, ParamsRole, ShapeRole

_ERROR = QColor("#c62828")


class LayerCardDelegate(QStyledItemDelegate):
    def sizeHint(self, option, index):  # noqa: N802 (Qt name)
        return QSize(240, 62 if index.data(ErrorRole) else 44)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 3, -4, -3)
        error = index.data(ErrorRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.setPen(QPen(_ERROR if error else palette.mid().color(), 2 if error else 1))
        painter.setBrush(palette.highlight().color().lighter(170) if selected else palette.base())
        painter.drawRoundedRect(rect, 6, 6)
        text_rect = rect.adjusted(10, 4, -10, -4)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        line = QRect(text_rect.left(), text_rect.top(), text_rect.width(), 18)
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{index.row() + 1}. {index.data()}")
        painter.setFont(option.font)
        shape, params = index.data(ShapeRole), index.data(ParamsRole)
        detail = f"{shape}   {params:,} params" if shape else ""
        painter.setPen(palette.placeholderText().color())
        painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, detail)
        if error:
            painter.setPen(_ERROR)
            err_rect = QRect(text_rect.left(), line.bottom() + 2, text_rect.width(), 34)
            metrics = painter.fontMetrics()
            elided = metrics.elidedText("⚠ " + error, Qt.TextElideMode.ElideRight, err_rect.width() * 2)
            painter.drawText(err_rect, Qt.TextFlag.TextWordWrap, elided)
        painter.restore()


class LayerStackView(QListView):
    """Drag from the palette to any position, drag to reorder, Delete removes the selection."""

    deleteRequested = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerStack")
        self.setItemDelegate(LayerCardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setAcceptDrops(True)
        self.setSpacing(1)
        self.setUniformItemSizes(False)
        self.setToolTip("Drag layers here from the palette; drag cards to reorder; Delete removes.")

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.selectionModel().selectedRows())

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            rows = self.selected_rows()
            if rows:
                self.deleteRequested.emit(rows)
                return
        super().keyPressEvent(event)
