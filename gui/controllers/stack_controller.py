"""Stack editing: add, remove, move, duplicate, copy/paste, edit and quick-fix layers through undo
commands; keep the inspector and Train's enabled state in step with the stack."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from engine.layers import registry
from gui.stack import catalog, commands, naming
from gui.stack.layer_spec import LayerSpec
from gui.stack.stack_model import specs_from_mime, specs_to_mime


class StackController:
    def __init__(self, window) -> None:
        self.window = window
        self.stack, self.view = window.stack, window.stack_view
        self.undo_stack = window.undo_stack
        window.palette_panel.addRequested.connect(self.add_layer)
        self.stack.dropRequested.connect(self._on_drop)
        self.view.deleteRequested.connect(self.remove_layers)
        self.view.fixRequested.connect(self.apply_fix)
        self.view.selectionModel().currentChanged.connect(lambda *_: self.show_selected())
        self.stack.stackChanged.connect(self._on_stack_changed)
        window.inspector.editRequested.connect(self._on_edit)
        self.actions = self._make_actions()
        self.view.context_actions = list(self.actions.values())

    def _make_actions(self) -> dict[str, QAction]:
        """Editing actions, active while the stack has focus so Ctrl+C in a text field still copies."""
        made = {}
        for key, text, shortcut, slot in (
                ("fix", "Apply &quick fix", "Ctrl+.", self.apply_current_fix),
                ("duplicate", "D&uplicate layer", "Ctrl+D", self.duplicate),
                ("copy", "&Copy layers", QKeySequence.StandardKey.Copy, self.copy),
                ("cut", "Cu&t layers", QKeySequence.StandardKey.Cut, self.cut),
                ("paste", "&Paste layers", QKeySequence.StandardKey.Paste, self.paste),
                ("delete", "&Delete layer", QKeySequence.StandardKey.Delete,
                 lambda: self.remove_layers(self.view.selected_rows()))):
            action = QAction(text, self.window, shortcut=QKeySequence(shortcut))
            action.setObjectName(f"{key}LayerAction")
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)
            made[key] = action
        made["fix"].setToolTip("Apply the first quick fix of the selected layer (or of the first "
                               "layer with a problem).")
        return made

    def install_menu(self, menu_bar) -> None:
        edit = menu_bar.addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self.window, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self.window, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        undo.setObjectName("undoAction")
        redo.setObjectName("redoAction")
        edit.addActions([undo, redo])
        edit.addSeparator()
        edit.addActions([self.actions[k] for k in ("cut", "copy", "paste", "duplicate", "delete")])
        edit.addSeparator()
        edit.addAction(self.actions["fix"])
        self.edit_menu = edit

    # --- edits ----------------------------------------------------------------------------------
    def _insert_row(self) -> int:
        selected = self.view.selected_rows()
        return selected[-1] + 1 if selected else len(self.stack.specs)

    def add_layer(self, class_name: str, row: int | None = None) -> None:
        row = self._insert_row() if row is None else row
        spec = catalog.default_spec(class_name)
        spec.config["name"] = naming.unique_name(class_name, self.stack.names)
        self.undo_stack.push(commands.AddLayerCommand(self.stack, row, spec))
        self.select_row(row)

    def insert_specs(self, row: int, specs: list[LayerSpec], verb: str) -> None:
        """Insert copies of `specs` at `row` as one undo step ("Paste dense_2"), renamed where a
        name is taken."""
        source = specs[0].name
        specs = naming.assign_names([s.copy() for s in specs], keep=self.stack.names)
        # A duplicate is named after its original ("Duplicate dense"), anything else after itself.
        what = (source if verb == "Duplicate" else specs[0].name) if len(specs) == 1 \
            else f"{len(specs)} layers"
        self.undo_stack.push(commands.InsertLayersCommand(self.stack, row, specs, f"{verb} {what}"))
        self.select_rows(range(row, row + len(specs)))

    def remove_layers(self, rows: list[int]) -> None:
        if not rows:
            return
        specs = self.stack.specs
        text = f"Remove {specs[rows[0]].name}" if len(rows) == 1 else f"Remove {len(rows)} layers"
        self.undo_stack.beginMacro(text)
        for row in sorted(rows, reverse=True):
            self.undo_stack.push(commands.RemoveLayerCommand(self.stack, row))
        self.undo_stack.endMacro()

    def duplicate(self) -> None:
        rows = self.view.selected_rows()
        if rows:
            specs = self.stack.specs
            self.insert_specs(rows[-1] + 1, [specs[r] for r in rows], "Duplicate")

    def copy(self) -> None:
        rows = self.view.selected_rows()
        if rows:
            specs = self.stack.specs
            QGuiApplication.clipboard().setMimeData(specs_to_mime([specs[r] for r in rows]))
            self._status(f"Copied {len(rows)} layer{'s' if len(rows) > 1 else ''}.")

    def cut(self) -> None:
        self.copy()
        self.remove_layers(self.view.selected_rows())

    def paste(self) -> None:
        try:
            specs = specs_from_mime(QGuiApplication.clipboard().mimeData())
            unknown = sorted({s.class_name for s in specs} - set(registry.names()))
            if unknown:
                raise ValueError(f"The clipboard has layers this engine does not know: "
                                 f"{', '.join(unknown)}.")
        except ValueError as exc:
            self._status(f"Nothing pasted: {exc}")
            return
        self.insert_specs(self._insert_row(), specs, "Paste")

    def apply_fix(self, row: int, number: int = 0) -> None:
        fixes = self.stack.fixes.get(row, [])
        if not 0 <= number < len(fixes):
            return
        fix = fixes[number]
        if fix.kind == "insert":
            spec = fix.spec.copy()
            spec.config["name"] = naming.unique_name(spec.class_name, self.stack.names)
            self.undo_stack.push(commands.AddLayerCommand(self.stack, fix.row, spec, fix.label))
            self.select_row(fix.row + 1)
        elif fix.kind == "remove":
            self.undo_stack.push(commands.RemoveLayerCommand(self.stack, fix.row, fix.label))
        else:
            self.undo_stack.push(commands.EditLayerCommand(self.stack, fix.row, "", None, fix.label,
                                                           changes=fix.changes))
            self.select_row(fix.row)
        self._status(f"{fix.label}. Undo with Ctrl+Z.")

    def apply_current_fix(self) -> None:
        row = self.view.currentIndex().row()
        if row not in self.stack.fixes:
            row = min(self.stack.fixes, default=-1)
        if row >= 0:
            self.apply_fix(row, 0)
        else:
            self._status("No layer needs a fix.")

    def _on_drop(self, payload: dict, row: int) -> None:
        if "add" in payload:
            self.add_layer(payload["add"], row)
        elif payload.get("move_rows"):
            self._move(payload["move_rows"], row)
        elif payload.get("specs"):  # from another window
            self.insert_specs(row, [LayerSpec.from_dict(d) for d in payload["specs"]], "Drop")

    def _move(self, rows: list[int], row: int) -> None:
        """Move `rows` so they sit, in order, where the drop indicator was (before `row`)."""
        specs = self.stack.specs
        if len(rows) == 1:
            source = rows[0]
            target = max(0, min(row - 1 if row > source else row, len(specs) - 1))
            if target != source:
                self.undo_stack.push(commands.MoveLayerCommand(self.stack, source, target))
                self.select_row(target)
            return
        moved = [specs[r] for r in rows]
        before = [s for r, s in enumerate(specs[:row]) if r not in rows]
        after = [s for r, s in enumerate(specs) if r >= row and r not in rows]
        if before + moved + after != specs:
            self.undo_stack.push(commands.ResetStackCommand(
                self.stack, before + moved + after, f"Move {len(rows)} layers"))
            self.select_rows(range(len(before), len(before) + len(moved)))

    # --- selection and inspector ------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        self.view.selectionModel().setCurrentIndex(
            self.stack.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def select_rows(self, rows) -> None:
        rows = list(rows)
        if not rows:
            return
        selection = QItemSelection(self.stack.index(rows[0]), self.stack.index(rows[-1]))
        model = self.view.selectionModel()
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        model.setCurrentIndex(self.stack.index(rows[-1]), QItemSelectionModel.SelectionFlag.NoUpdate)
        self.show_selected()

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

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)
