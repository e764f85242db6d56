"""A place in a view's layout for a widget the predict views share (the predicted label, the bars):
the predict panel moves each into the slot of whichever view it shows, so one widget keeps its
state and object name however the views change."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


class WidgetSlot(QWidget):
    """Holds at most one shared widget, filling the slot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, widget: QWidget) -> None:
        """Move `widget` here from whichever slot had it."""
        old = widget.parentWidget()
        if old is self:
            return
        if isinstance(old, WidgetSlot):
            old.layout().removeWidget(widget)  # else that layout would keep a dangling item
        self.layout().addWidget(widget)
        widget.show()  # reparenting hides a widget; Qt would show it only on the next event turn
