"""One QUndoCommand per user action on the stack or the compile options; each calls model methods
(LayerStackModel, CompileOptions) only, never widgets. Texts name the layer ("Change units of
dense_1"), so the Edit menu says what Undo will undo."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from gui.stack.compile_options import CompileOptions
from gui.stack.layer_spec import LayerSpec
from gui.stack.stack_model import LayerStackModel


class AddLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, row: int, spec: LayerSpec, text: str | None = None) -> None:
        super().__init__(text or f"Add {spec.name}")
        self.model, self.row, self.spec = model, row, spec

    def redo(self):
        self.model.insert(self.row, self.spec.copy())

    def undo(self):
        self.model.remove(self.row)


class InsertLayersCommand(QUndoCommand):
    """Several layers at once, in order from `row` (paste, duplicate, a drop from another window)."""

    def __init__(self, model: LayerStackModel, row: int, specs: list[LayerSpec], text: str) -> None:
        super().__init__(text)
        self.model, self.row, self.specs = model, row, [s.copy() for s in specs]

    def redo(self):
        for offset, spec in enumerate(self.specs):
            self.model.insert(self.row + offset, spec.copy())

    def undo(self):
        for _ in self.specs:
            self.model.remove(self.row)


class RemoveLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, row: int, text: str | None = None) -> None:
        self.model, self.row = model, row
        self.spec = model.specs[row].copy()
        super().__init__(text or f"Remove {self.spec.name}")

    def redo(self):
        self.model.remove(self.row)

    def undo(self):
        self.model.insert(self.row, self.spec.copy())


class MoveLayerCommand(QUndoCommand):
    def __init__(self, model: LayerStackModel, source: int, target: int) -> None:
        super().__init__(f"Move {model.specs[source].name}")
        self.model, self.source, self.target = model, source, target

    def redo(self):
        self.model.move(self.source, self.target)

    def undo(self):
        self.model.move(self.target, self.source)


class EditLayerCommand(QUndoCommand):
    """Change settings of one layer ("Change units of dense_1")."""

    def __init__(self, model: LayerStackModel, row: int, key: str, value,
                 text: str | None = None, changes: dict | None = None) -> None:
        self.model, self.row = model, row
        self.before = model.specs[row].copy()
        self.after = self.before.copy()
        self.after.config.update(changes if changes is not None else {key: value})
        super().__init__(text or f"Change {key.replace('_', ' ')} of {self.before.name}")

    def redo(self):
        self.model.replace(self.row, self.after.copy())

    def undo(self):
        self.model.replace(self.row, self.before.copy())


class ResetStackCommand(QUndoCommand):
    """Replace the whole stack (a template, an opened file, a reorder of several layers)."""

    def __init__(self, model: LayerStackModel, specs: list[LayerSpec], text: str) -> None:
        super().__init__(text)
        self.model = model
        self.before = [s.copy() for s in model.specs]
        self.after = [s.copy() for s in specs]

    def redo(self):
        self.model.reset([s.copy() for s in self.after])

    def undo(self):
        self.model.reset([s.copy() for s in self.before])


class ChangeCompileOptionsCommand(QUndoCommand):
    """One edit in the compile panel. Edits of one setting in a row merge into one undo step, and
    one that ends where it started disappears (adam, then back to sgd: nothing to undo)."""

    ID = 0x4B43  # any constant; QUndoStack only merges commands with the same id

    def __init__(self, options: CompileOptions, after: dict, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.options, self.before, self.after = options, options.state, after
        self.merge_key = merge_key

    def id(self) -> int:
        return self.ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ChangeCompileOptionsCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setText(other.text())
        self.setObsolete(self.after == self.before)
        return True

    def redo(self):
        self.options.set_state(self.after)

    def undo(self):
        self.options.set_state(self.before)


class CompositeCommand(QUndoCommand):
    """Several commands as one undo step (loading a template: the stack and the compile options).

    Holds its parts in Python rather than as Qt child commands: a child known only to Qt loses its
    Python half to garbage collection, and Qt would then call redo() on nothing.
    """

    def __init__(self, text: str, parts: list[QUndoCommand]) -> None:
        super().__init__(text)
        self.parts = parts

    def redo(self):
        for part in self.parts:
            part.redo()

    def undo(self):
        for part in reversed(self.parts):
            part.undo()
