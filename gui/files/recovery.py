"""Autosave every minute while the model has unsaved changes, and bring a snapshot back after a
crash. The snapshot itself (what it holds, how it is written) is in autosave.py.

`pending()` and `recover()` never block, so tests drive recovery directly; the modal question
(`offer()`) is asked only at the app's startup (gui/app.py).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from gui import settings
from gui.files.autosave import AutosaveStore, Snapshot
from gui.files.replace import push_replacement

AUTOSAVE_INTERVAL_MS = 60_000


class SessionRecovery(QObject):
    """Owns the autosave timer of one window; `files` is its FileController (path, modified)."""

    def __init__(self, window, files) -> None:
        super().__init__(window)
        self.window, self.files = window, files
        folder = settings.autosave_dir()
        self.store = AutosaveStore(folder) if folder is not None else None
        self.timer = QTimer(self, interval=AUTOSAVE_INTERVAL_MS)
        self.timer.timeout.connect(self.autosave_now)
        if self.store is not None:  # persistence off (tests, scripts): nothing to write to
            self.timer.start()

    def snapshot(self) -> Snapshot:
        w = self.window
        return Snapshot(w.stack.specs, w.compile_panel.state(),
                        w.data_panel.combo.currentText() or None, self.files.path)

    def autosave_now(self) -> None:
        """The timer's slot: keep a recovery copy while there are unsaved changes."""
        if self.store is None or not self.files.is_modified():
            return
        try:
            self.store.write(self.snapshot())
        except OSError as exc:
            self.window.statusBar().showMessage(
                f"Autosave failed ({exc.strerror or exc}); save your model to keep it.", 15000)

    def pending(self) -> Snapshot | None:
        """What a session that did not close cleanly left behind, or None."""
        return self.store.read() if self.store is not None else None

    def recover(self, snapshot: Snapshot | None = None) -> bool:
        """Bring the snapshot back as unsaved changes, in one undoable step."""
        snapshot = snapshot or self.pending()
        if snapshot is None:
            return False
        w = self.window
        if snapshot.dataset and w.data_panel.combo.findText(snapshot.dataset) >= 0:
            w.data_panel.combo.setCurrentText(snapshot.dataset)
        push_replacement(w, snapshot.specs, snapshot.compile, "Recover unsaved model")
        self.files.path = snapshot.path
        self.files.refresh_title()
        w.statusBar().showMessage(f"Recovered the model autosaved at {_clock(snapshot)}. "
                                  "Save it to keep it.", 15000)
        return True

    def discard(self) -> None:
        if self.store is not None:
            self.store.remove()

    def stop(self) -> None:
        self.timer.stop()

    def offer(self) -> None:
        """Ask (modal) whether to bring back an autosave a crash left behind; startup only."""
        snapshot = self.pending()
        if snapshot is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved model?",
                          "Hornbook did not close properly last time. It had autosaved a model "
                          f"with {len(snapshot.specs)} layers ({snapshot.path or 'Untitled'}) at "
                          f"{_clock(snapshot)}.\n\nRecover it? Trained weights are not autosaved; "
                          "the layers and compile settings are.", parent=self.window)
        recover = box.addButton("&Recover", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(recover)
        box.exec()
        if box.clickedButton() is recover:
            self.recover(snapshot)
        else:
            self.discard()


def _clock(snapshot: Snapshot) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(snapshot.saved_at)) \
        if snapshot.saved_at else "an unknown time"
