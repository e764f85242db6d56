"""The File menu: New, Open, Save, Save As, recent files and Quit; the modified marker in the title
and the question before unsaved work is replaced; the autosave every minute and its recovery.

The document is the builder's model: the layer stack, the compile settings and the last trained
model (its weights are what Save writes). It is modified when the undo stack is not clean, the
compile settings differ from those last saved or opened, or a training has run since.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox
from shiboken6 import isValid

from engine.saving import ModelFileError
from gui import settings
from gui.files import model_io, tokenizer_file
from gui.files.compile_state import state_from_model
from gui.files.recent import RecentFiles, fill_recent_menu
from gui.files.recovery import SessionRecovery
from gui.files.replace import push_replacement
from gui.files.window_state import restore_window_state, save_window_state
from gui.workers.evaluation_worker import snapshot

OPEN_FILTER = "Keras models (*.h5 *.hdf5 *.keras);;All files (*)"
SAVE_FILTER = "Keras HDF5 model (*.h5);;Keras 3 archive (*.keras)"
MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


class FileController(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.training = window.training_controller
        self.path: str | None = None
        # Only the app asks (gui/app.py turns this on): a window built by a test or a script must
        # never block on a modal question while it is closed.
        self.ask_to_save = False
        # New starts from what the window started with.
        self._default_specs = [s.copy() for s in window.stack.specs]
        self._default_compile = window.compile_panel.state()
        self.recent = RecentFiles()
        self.recovery = SessionRecovery(window, self)
        window.undo_stack.cleanChanged.connect(self.refresh_title)
        window.compile_panel.changed.connect(self.refresh_title)
        window.training.train_button.clicked.connect(self.refresh_title)
        self._mark_clean()

    def install_menu(self, menu_bar) -> None:
        w = self.window
        menu = menu_bar.addMenu("&File")
        self.new_action = QAction("&New", w, shortcut=QKeySequence("Ctrl+N"),
                                  statusTip="Start again from the default model")
        self.open_action = QAction("&Open…", w, shortcut=QKeySequence("Ctrl+O"),
                                   statusTip="Open a .h5 model saved by Hornbook or Keras")
        self.save_action = QAction("&Save", w, shortcut=QKeySequence("Ctrl+S"))
        self.save_as_action = QAction("Save &As…", w, shortcut=QKeySequence("Ctrl+Shift+S"))
        self.quit_action = QAction("&Quit", w, shortcut=QKeySequence("Ctrl+Q"),
                                   menuRole=QAction.MenuRole.QuitRole)
        self.new_action.triggered.connect(self.new_model)
        self.open_action.triggered.connect(self.open_dialog)
        self.save_action.triggered.connect(self.save)
        self.save_as_action.triggered.connect(self.save_as)
        self.quit_action.triggered.connect(w.close)
        menu.addActions([self.new_action, self.open_action])
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentFilesMenu")
        menu.addSeparator()
        menu.addActions([self.save_action, self.save_as_action])
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self.file_menu = menu
        self._fill_recent_menu()

    def restore_session(self) -> None:
        """Once the window is assembled: layout and data set from last time, and watch the Train
        action (made by the training controller after this one) to mark the model modified."""
        store = settings.open_settings()
        if store is not None:
            restore_window_state(self.window, store)
        action = getattr(self.training, "train_action", None)
        if action is not None:
            action.triggered.connect(self.refresh_title)

    # --- modified state ---------------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        return os.path.basename(self.path) if self.path else "Untitled"

    def is_modified(self) -> bool:
        return (not self.window.undo_stack.isClean()
                or self.window.compile_panel.state() != self._clean_compile
                or self.training.model is not self._clean_model)

    def refresh_title(self) -> None:
        if not isValid(self.window):  # the dying window's undo stack still emits cleanChanged
            return
        self.window.setWindowTitle(f"Hornbook — {self.display_name}[*]")
        self.window.setWindowModified(self.is_modified())

    def _mark_clean(self) -> None:
        self._clean_compile = self.window.compile_panel.state()
        self._clean_model = self.training.model
        self.window.undo_stack.setClean()
        self.refresh_title()

    def maybe_save(self) -> bool:
        """True when the current model may be replaced or closed: it has no unsaved changes, or
        the user saved or discarded them; False when they cancelled (or the save failed)."""
        if not self.ask_to_save or not self.is_modified():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Hornbook", f"The model {self.display_name} has unsaved changes.\n\n"
            "Save them first?", buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    def _refuse_while_training(self, doing: str) -> bool:
        if self.training.running:
            self.window.show_error(f"Training is running: press Stop or wait for it to finish, "
                                   f"then {doing}.")
        return self.training.running

    # --- New / Open -----------------------------------------------------------------------------
    def new_model(self) -> bool:
        if self._refuse_while_training("start a new model") or not self.maybe_save():
            return False
        w = self.window
        if w.data_panel.dataset is not None:
            w.stack.set_data_shape(w.data_panel.dataset.input_shape, w.data_panel.dataset.num_classes)
        push_replacement(w, self._default_specs, self._default_compile, "New model")
        self.training.model = None
        self.path = None
        self._mark_clean()
        self.recovery.discard()  # the unsaved work was saved or deliberately dropped
        w.statusBar().showMessage("New model: the default stack, untrained.", 8000)
        return True

    def open_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open model", self._start_folder(),
                                              OPEN_FILTER)
        return self.open_path(path) if path else False

    def open_path(self, path: str) -> bool:
        """Replace the stack, compile settings and trained model with the model in `path`; on any
        problem say why and leave everything as it was."""
        if self._refuse_while_training("open another model") or not self.maybe_save():
            return False
        name = os.path.basename(path)
        try:
            model, notes = model_io.read_model(path)
            specs = model_io.specs_from_model(model)
        except (ValueError, TypeError, OSError) as exc:
            if not os.path.exists(path):
                self.recent.remove(path)
                self._fill_recent_menu()
            self.window.show_error(f"Could not open {name}.\n\n{exc}")
            return False
        self._show_model(model, specs, name)
        self.path = os.path.abspath(path)
        self.recent.add(self.path)
        self._fill_recent_menu()
        self._mark_clean()
        self.recovery.discard()  # the unsaved work was saved or deliberately dropped
        self.window.statusBar().showMessage(self._opened_message(model, specs, name, notes), 30000)
        return True

    def _show_model(self, model, specs, name: str) -> None:
        w = self.window
        shape = model_io.input_shape_of(model)
        if shape is not None:  # list the model's own shapes, whatever data set is chosen
            w.stack.set_data_shape(shape, w.stack.num_classes)
        compile_state = state_from_model(model, w.compile_panel.state())
        push_replacement(w, specs, compile_state, f"Open {name}")
        self.training.model = model  # so Save keeps its weights until the stack changes
        data = w.data_panel.dataset
        fits_data = data is not None and shape is not None and \
            model.output_shape[-1] == data.num_classes
        # A copy, as after training: Continue may train `model` on the worker thread while the
        # predict view runs its forward pass here, and layers keep per-call state.
        names = data.class_names if fits_data else getattr(model, "text_class_names", None)
        w.predict.set_model(snapshot(model), names, text=getattr(model, "text_encoding", None))

    def _opened_message(self, model, specs, name: str, notes: list[str]) -> str:
        shape = model_io.input_shape_of(model)
        text = f"Opened {name}: {len(specs)} layers" + (
            f", input {shape}." if shape is not None else ".")
        data = self.window.data_panel.dataset
        if data is not None and shape is not None and tuple(data.input_shape) != shape:
            text += (f" The chosen data has samples of shape {tuple(data.input_shape)}, which "
                     "differs from the model's input: the stack shows the model's own shapes; to "
                     "train it on this data, adapt its first layers.")
        if notes:
            more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
            text += f" Note{more}: {notes[0]}"
        return text

    def _start_folder(self) -> str:
        for path in [self.path, *self.recent.paths]:
            if path and os.path.isdir(os.path.dirname(path)):
                return os.path.dirname(path)
        return os.path.expanduser("~")

    def _fill_recent_menu(self) -> None:
        if hasattr(self, "recent_menu"):
            fill_recent_menu(self.recent_menu, self.recent, self.open_path, self._fill_recent_menu)

    # --- Save ---------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        suggested = self.path or os.path.join(self._start_folder(), "model.h5")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save model", suggested, SAVE_FILTER)
        if not path:
            return False
        if not path.endswith(MODEL_SUFFIXES):
            path += ".h5"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the model (with the trained weights when they belong to this stack) to `path`,
        atomically: on failure say why, and any earlier file there stays as it was."""
        w, name = self.window, os.path.basename(path)
        if self._refuse_while_training("save"):
            return False
        try:
            model, trained = model_io.model_for_saving(w.stack.specs, w.stack.input_shape,
                                                       w.compile_panel.state(), self.training.model)
        except (ValueError, TypeError) as exc:
            w.show_error(f"Could not save {name}: the model cannot be built yet. {exc}")
            return False
        try:
            model.save(path)
            encoding = getattr(self.training.model, "text_encoding", None) if trained else None
            if encoding is not None:  # a text model is useless for sentences without its tokenizer
                tokenizer_file.write(path, encoding, getattr(self.training.model, "text_class_names", None))
        except ModelFileError as exc:  # folder missing or not writable: the engine says which
            w.show_error(str(exc))
            return False
        except (OSError, RuntimeError) as exc:  # h5py reports a full disk as RuntimeError
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            w.show_error(f"Could not write {name} ({reason}). The disk may be full. "
                         "Any earlier file with this name is unchanged.")
            return False
        self.path = os.path.abspath(path)
        self.recent.add(self.path)
        self._fill_recent_menu()
        self._mark_clean()
        self.recovery.discard()  # the unsaved work was saved or deliberately dropped
        w.statusBar().showMessage(self._saved_message(name, trained), 15000)
        return True

    def _saved_message(self, name: str, trained: bool) -> str:
        if trained:
            return f"Saved {name} with the trained weights."
        if self.training.model is None:
            return f"Saved {name} untrained (nothing trained yet): train it, then save again."
        return (f"Saved {name} with fresh, untrained weights: the stack has changed since the last "
                "training, so those weights do not fit it. Train again to save learned weights.")

    # --- closing ------------------------------------------------------------------------------
    def may_close(self) -> bool:
        return self.maybe_save()

    def end_session(self) -> None:
        """A clean exit: remember the layout, and leave no autosave to recover."""
        self.recovery.stop()
        store = settings.open_settings()
        if store is not None:
            save_window_state(self.window, store)
        self.recovery.discard()
