"""One QUndoCommand per user action on the stack; each calls LayerStackModel methods only."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from gui.stack.layer_spec import LayerSpec
from gui.stack.stack_model import LayerStackModel


class AddLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, row: int, spec: LayerSpec) -> None:
        super().__init__(f"Add {spec.class_name}")
        self.model, self.row, self.spec = model, row, spec

    def redo(self):
        self.model.insert(self.row, self.spec.copy())

    def undo(self):
        self.model.remove(self.row)


class RemoveLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, row: int) -> None:
        self.model, self.row = model, row
        self.spec = model.specs[row].copy()
        super().__init__(f"Remove {self.spec.class_name}")

    def redo(self):
        self.model.remove(self.row)

    def undo(self):
        self.model.insert(self.row, self.spec.copy())


class MoveLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, source: int, target: int) -> None:
        super().__init__(f"Move {model.specs[source].class_name}")
        self.model, self.source, self.target = model, source, target

    def redo(self):
        self.model.move(self.source, self.target)

    def undo(self):
        self.model.move(self.target, self.source)


class EditLayerCommand(QUndoCommand):
    """Change one setting of one layer ("Change units of Dense")."""

    def __init__(self, model: LayerStackModel, row: int, key: str, value) -> None:
        self.model, self.row, self.key = model, row, key
        self.before = model.specs[row].copy()
        self.after = self.before.copy()
        self.after.config[key] = value
        super().__init__(f"Change {key} of {self.before.class_name}")

    def redo(self):
        self.model.replace(self.row, self.after.copy())

    def undo(self):
        self.model.replace(self.row, self.before.copy())


class ResetStackCommand(QUndoCommand):
    """Replace the whole stack (a template or an opened file)."""

    def __init__(self, model: LayerStackModel, specs: list[LayerSpec], text: str) -> None:
        super().__init__(text)
        self.model = model
        self.before = [s.copy() for s in model.specs]
        self.after = [s.copy() for s in specs]

    def redo(self):
        self.model.reset([s.copy() for s in self.after])

    def undo(self):
        self.model.reset([s.copy() for s in self.before])
