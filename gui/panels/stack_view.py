"""The stack as a column of cards: type and settings, name, output shape, parameters, and — for a
layer that cannot take its input — the reason and a clickable quick fix."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from gui.stack.stack_model import BlockedRole, ErrorRole, FixesRole, NameRole, ParamsRole, ShapeRole

_ERROR = QColor("#c62828")
_LINK = QColor("#1565c0")
_LINE = 18      # height of one text line on a card
_PAD = 6


class LayerCardDelegate(QStyledItemDelegate):
    """Paints a card; a click on its "Fix:" link emits fixClicked(row)."""

    fixClicked = Signal(int)

    def _text_width(self, option) -> int:
        # sizeHint's option may carry no rect; the viewport's width is what the card will get.
        width = option.rect.width() or self.parent().viewport().width()
        return max(120, width - 28)

    def _error_height(self, option, index) -> int:
        error = index.data(ErrorRole)
        if not error:
            return 0
        metrics = QFontMetrics(option.font)
        rect = metrics.boundingRect(QRect(0, 0, self._text_width(option), 10_000),
                                    Qt.TextFlag.TextWordWrap, "⚠ " + error)
        return min(rect.height(), 6 * metrics.lineSpacing()) + 2

    def sizeHint(self, option, index):
        height = 2 * _LINE + self._error_height(option, index) + (_LINE if index.data(FixesRole) else 0)
        return QSize(200, height + 2 * _PAD + 6)

    def fix_rect(self, option, index) -> QRect | None:
        """Where the link to the first quick fix is drawn, or None without one."""
        fixes = index.data(FixesRole)
        if not fixes:
            return None
        left = option.rect.left() + 14
        top = option.rect.top() + 3 + _PAD + 2 * _LINE + self._error_height(option, index)
        width = QFontMetrics(option.font).horizontalAdvance(self._fix_text(fixes)) + 8
        return QRect(left, top, min(width, self._text_width(option)), _LINE)

    @staticmethod
    def _fix_text(fixes: list[str]) -> str:
        more = f"   · {len(fixes) - 1} more on right-click" if len(fixes) > 1 else ""
        return f"Quick fix: {fixes[0]}{more}"

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
        text_rect = rect.adjusted(10, _PAD, -10, -_PAD)
        line = QRect(text_rect.left(), text_rect.top(), text_rect.width(), _LINE)
        shape = index.data(ShapeRole)
        right = shape or ("waits for the layer above" if index.data(BlockedRole) else "")
        painter.setPen(palette.placeholderText().color())
        painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        room = line.width() - QFontMetrics(option.font).horizontalAdvance(right) - 12
        title = painter.fontMetrics().elidedText(f"{index.row() + 1}. {index.data()}",
                                                 Qt.TextElideMode.ElideRight, room)
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(option.font)
        painter.setPen(palette.placeholderText().color())
        second = line.translated(0, _LINE)
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "    " + (index.data(NameRole) or ""))
        if shape:
            painter.drawText(second, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{index.data(ParamsRole):,} params")
        if error:
            painter.setPen(_ERROR)
            err_rect = QRect(text_rect.left(), second.bottom() + 1, self._text_width(option),
                             self._error_height(option, index))
            painter.drawText(err_rect, Qt.TextFlag.TextWordWrap, "⚠ " + error)
        link = self.fix_rect(option, index)
        if link is not None:
            font = QFont(option.font)
            font.setUnderline(True)
            painter.setFont(font)
            painter.setPen(_LINK)
            text = painter.fontMetrics().elidedText(self._fix_text(index.data(FixesRole)),
                                                    Qt.TextElideMode.ElideRight, link.width())
            painter.drawText(link, Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def editorEvent(self, event, model, option, index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            link = self.fix_rect(option, index)
            if link is not None and link.contains(event.position().toPoint()):
                self.fixClicked.emit(index.row())
                return True
        return super().editorEvent(event, model, option, index)


class LayerStackView(QListView):
    """Drag from the palette to any position, drag to reorder, Delete removes the selection, the
    context menu (right-click, Menu key or Shift+F10) offers the quick fixes and editing actions."""

    deleteRequested = Signal(list)
    fixRequested = Signal(int, int)  # (row, which fix)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerStack")
        self.delegate = LayerCardDelegate(self)
        self.delegate.fixClicked.connect(lambda row: self.fixRequested.emit(row, 0))
        self.setItemDelegate(self.delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setAcceptDrops(True)
        self.setSpacing(1)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.setMinimumWidth(300)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # cards re-wrap their error text on resize
        self.setAccessibleName("Layer stack")
        self.setToolTip("Drag layers here from the palette; drag cards to reorder; Delete removes; "
                        "right-click for quick fixes, duplicate, copy and paste.")
        self.context_actions: list = []  # editing actions the controller adds to the context menu

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.selectionModel().selectedRows())

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            rows = self.selected_rows()
            if rows:
                self.deleteRequested.emit(rows)
                return
        super().keyPressEvent(event)

    def viewportEvent(self, event) -> bool:
        # A pointing hand over a fix link says it is clickable.
        if event.type() == QEvent.Type.MouseMove:
            index = self.indexAt(event.position().toPoint())
            over = False
            if index.isValid():
                option = self._option_for(index)
                link = self.delegate.fix_rect(option, index)
                over = link is not None and link.contains(event.position().toPoint())
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over
                                      else Qt.CursorShape.ArrowCursor)
        return super().viewportEvent(event)

    def _option_for(self, index) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return option

    def fix_link_rect(self, row: int) -> QRect | None:
        """The link's rectangle in viewport coordinates (for tests and accessibility tools)."""
        index = self.model().index(row, 0)
        return self.delegate.fix_rect(self._option_for(index), index)

    def build_context_menu(self, row: int) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("stackContextMenu")
        fixes = self.model().index(row, 0).data(FixesRole) if row >= 0 else None
        for number, label in enumerate(fixes or []):
            action = menu.addAction("Quick fix: " + label)
            action.triggered.connect(lambda _=False, r=row, n=number: self.fixRequested.emit(r, n))
        if fixes:
            menu.addSeparator()
        menu.addActions(self.context_actions)
        return menu

    def contextMenuEvent(self, event) -> None:
        by_mouse = event.reason() == event.Reason.Mouse
        index = self.indexAt(event.pos()) if by_mouse else self.currentIndex()
        position = event.globalPos()
        if not by_mouse and index.isValid():  # from the keyboard: open it under the current card
            position = self.viewport().mapToGlobal(self.visualRect(index).bottomLeft())
        self.build_context_menu(index.row() if index.isValid() else -1).exec(position)
