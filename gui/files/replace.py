"""Replace the whole model — stack and compile options — in one undoable step (Open, New, Recover):
Edit → Undo brings back what was there before."""

from __future__ import annotations

from gui.stack.commands import ChangeCompileOptionsCommand, ResetStackCommand
from gui.stack.layer_spec import LayerSpec


def push_replacement(window, specs: list[LayerSpec], compile_state: dict | None, text: str) -> None:
    # A macro rather than child commands under one parent: PySide lets the Python side of child
    # commands be collected while Qt still owns them, and undo then crashes.
    stack = window.undo_stack
    stack.beginMacro(text)
    stack.push(ResetStackCommand(window.stack, specs, text))
    if compile_state is not None:
        stack.push(ChangeCompileOptionsCommand(window.compile_panel.model, compile_state, text))
    stack.endMacro()
