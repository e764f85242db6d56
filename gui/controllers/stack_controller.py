"""Stack editing: add, remove, move and edit layers through undo commands; keep the inspector and
Train's enabled state in step with the stack."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence

from gui.stack import catalog, commands


class StackController:
    def __init__(self, window) -> None:
        self.window = window
        self.stack, self.view = window.stack, window.stack_view
        self.undo_stack = window.undo_stack
        window.palette_panel.addRequested.connect(self.add_layer)
        self.stack.dropRequested.connect(self._on_drop)
        self.view.deleteRequested.connect(self.remove_layers)
        self.view.selectionModel().currentChanged.connect(lambda *_: self.show_selected())
        self.stack.stackChanged.connect(self._on_stack_changed)
        window.inspector.editRequested.connect(self._on_edit)

    def install_menu(self, menu_bar) -> None:
        edit = menu_bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self.window, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self.window, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        edit.addActions([undo, redo])
        edit.addSeparator()
        delete = QAction("&Delete layer", self.window, shortcut=QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.triggered.connect(lambda: self.remove_layers(self.view.selected_rows()))
        self.view.addAction(delete)
        edit.addAction(delete)
        self.edit_menu = edit

    # --- edits ----------------------------------------------------------------------------------
    def add_layer(self, class_name: str, row: int | None = None) -> None:
        if row is None:
            selected = self.view.selected_rows()
            row = selected[-1] + 1 if selected else len(self.stack.specs)
        self.undo_stack.push(commands.AddLayerCommand(self.stack, row, catalog.default_spec(class_name)))
        self.select_row(row)

    def remove_layers(self, rows: list[int]) -> None:
        if not rows:
            return
        self.undo_stack.beginMacro("Remove layers" if len(rows) > 1 else "Remove layer")
        for row in sorted(rows, reverse=True):
            self.undo_stack.push(commands.RemoveLayerCommand(self.stack, row))
        self.undo_stack.endMacro()

    def _on_drop(self, payload: dict, row: int) -> None:
        if "add" in payload:
            self.add_layer(payload["add"], row)
        elif payload.get("move_rows"):
            source = payload["move_rows"][0]
            target = row - 1 if row > source else row
            target = max(0, min(target, len(self.stack.specs) - 1))
            if target != source:
                self.undo_stack.push(commands.MoveLayerCommand(self.stack, source, target))
                self.select_row(target)

    def select_row(self, row: int) -> None:
        self.view.selectionModel().setCurrentIndex(
            self.stack.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def show_selected(self) -> None:
        index, specs = self.view.currentIndex(), self.stack.specs
        valid = index.isValid() and index.row() < len(specs)
        self.window.inspector.show_spec(specs[index.row()] if valid else None)

    def _on_edit(self, key: str, value) -> None:
        row = self.view.currentIndex().row()
        if row >= 0:
            self.undo_stack.push(commands.EditLayerCommand(self.stack, row, key, value))

    def _on_stack_changed(self) -> None:
        self.window.training_controller.update_enabled()
        index, inspector = self.view.currentIndex(), self.window.inspector
        specs = self.stack.specs
        if not index.isValid() or index.row() >= len(specs):
            inspector.show_spec(None)
        elif inspector.spec is None or specs[index.row()].to_dict() != inspector.spec.to_dict():
            self.show_selected()
