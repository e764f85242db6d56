"""Training: builds the model from the stack, runs the TrainingWorker on a QThread, records its
signals in TrainingRun objects that the training panel draws, and hands the trained model to the
predict and evaluation views.

Train starts a new run from fresh weights; Continue trains the current model further, with fit's
initial_epoch so epochs number on and the run's history and curves carry on; Reset weights starts a
new, untrained run from the stack.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread
from PySide6.QtGui import QAction, QKeySequence

from gui import session
from gui.controllers.training_run import TrainingRun
from gui.workers.evaluation_worker import snapshot
from gui.workers.thread_exit import end_thread, join_thread

IDLE_TIPS = {"train": "Train a new model on the chosen data (F5).",
             "continue": "Train the current model for more epochs, numbering on (Ctrl+F5).",
             "reset": "A new run with fresh weights from the stack, untrained."}


class TrainingController(QObject):
    """A QObject living in the GUI thread, so the worker's signals reach its slots queued, in the
    GUI thread — a plain Python object would be called directly on the worker thread."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.training
        self.thread: QThread | None = None
        self.closing = False
        self.worker = None
        self.model = None            # the model Save writes and Continue trains (also set by Open)
        self.run: TrainingRun | None = None
        self._run_count = 0
        panel = self.panel
        panel.train_button.clicked.connect(self.start)
        panel.stop_button.clicked.connect(self.stop)
        panel.pause_button.toggled.connect(self.set_paused)
        panel.continue_button.clicked.connect(self.continue_training)
        panel.reset_button.clicked.connect(self.reset_weights)

    def install_menu(self, menu_bar) -> None:
        w, run = self.window, menu_bar.addMenu("&Run")
        self.train_action = QAction("&Train", w, shortcut=QKeySequence("F5"))
        self.pause_action = QAction("&Pause", w, shortcut=QKeySequence("F6"), checkable=True)
        self.stop_action = QAction("&Stop", w, shortcut=QKeySequence("Shift+F5"))
        self.continue_action = QAction("&Continue", w, shortcut=QKeySequence("Ctrl+F5"))
        self.reset_action = QAction("&Reset weights", w)
        self.train_action.triggered.connect(self.start)
        self.pause_action.toggled.connect(self.panel.pause_button.setChecked)
        self.stop_action.triggered.connect(self.stop)
        self.continue_action.triggered.connect(self.continue_training)
        self.reset_action.triggered.connect(self.reset_weights)
        actions = [self.train_action, self.pause_action, self.stop_action, self.continue_action,
                   self.reset_action]
        run.addActions(actions)
        toolbar = w.addToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.addActions(actions[:4])
        self.update_enabled()

    @property
    def running(self) -> bool:
        return self.thread is not None

    def _continue_problem(self) -> str | None:
        if self.model is None:
            return "Nothing to continue: press Train first."
        if self.run is not None and self.run.model is self.model and self.run.divergence:
            return "This run diverged: lower the learning rate and press Train."
        return None if self.window.data_panel.dataset else "No data loaded."

    def update_enabled(self) -> None:
        """Buttons and their Run-menu actions: enabled when they may start now, else the reason
        why not as their tooltip."""
        stack_problem = self.window.stack.check.problem or (
            None if self.window.data_panel.dataset else "No data loaded.")
        busy = "Training is running." if self.running else None
        reasons = {"train": busy or stack_problem, "continue": busy or self._continue_problem(),
                   "reset": busy or stack_problem}
        for name, reason in reasons.items():
            for widget in (getattr(self.panel, f"{name}_button"), getattr(self, f"{name}_action", None)):
                if widget is not None:
                    widget.setEnabled(reason is None)
                    widget.setToolTip(reason or IDLE_TIPS[name])
        for name in ("stop", "pause"):
            for widget in (getattr(self.panel, f"{name}_button"), getattr(self, f"{name}_action", None)):
                if widget is not None:
                    widget.setEnabled(self.running)
        evaluation = getattr(self.window, "evaluation_controller", None)
        if evaluation is not None:
            evaluation.update_enabled()

    # --- starting ------------------------------------------------------------------------------
    def _build(self):
        """A fresh compiled model from the stack, or None after telling the user why not."""
        window = self.window
        try:
            # The stack's input shape: the data's, or that of a model the user opened.
            return session.build_model(window.stack.specs, window.stack.input_shape,
                                       window.compile_panel.options())
        except (ValueError, TypeError) as exc:
            window.show_error(f"Training can't start: {exc}")
            return None

    def _new_run(self, model) -> TrainingRun:
        self._run_count += 1
        optimizer = model.optimizer
        data = self.window.data_panel.dataset
        settings = (f"{type(optimizer).__name__} {optimizer.current_learning_rate():g}, "
                    f"{model.loss.name}, batch {self.panel.batch_size.value()}, "
                    f"{model.count_params():,} params, {data.name if data else 'no data'}")
        self.run = TrainingRun(self._run_count, settings, model)
        self.panel.add_run(self.run)
        return self.run

    def start(self) -> None:
        """Train: a new run from fresh weights."""
        if self.running or not self.panel.train_button.isEnabled():
            return
        model = self._build()
        if model is not None:
            self._launch(model, None, first_epoch=0)

    def continue_training(self) -> None:
        """More epochs of the current model and optimizer, numbered on from where it stopped."""
        if self.running or self._continue_problem():
            return
        model = self.model
        if not getattr(model, "compiled", False) or model.loss is None:
            try:  # a model opened without its training settings takes the compile panel's
                model.compile(**self.window.compile_panel.options())
            except (ValueError, TypeError) as exc:
                self.window.show_error(f"Training can't continue: {exc}")
                return
        run = self.run if self.run is not None and self.run.model is model else None
        self._launch(model, run, first_epoch=run.epochs_done if run else 0)

    def reset_weights(self) -> None:
        """A new run with fresh weights rebuilt from the stack; Continue trains it."""
        if self.running:
            return
        model = self._build()
        if model is None:
            return
        model.build(model.input_shape)
        self.model = model
        self._new_run(model)
        self.panel.status.setText("Fresh, untrained weights. Press Continue to train them, or "
                                  "Evaluate to see how a model guesses before training.")
        self.update_enabled()

    def _launch(self, model, run: TrainingRun | None, first_epoch: int) -> None:
        window = self.window
        data = window.data_panel.dataset
        last_epoch = first_epoch + self.panel.epochs.value()
        chosen = getattr(window.compile_panel, "callbacks", None)
        try:
            callbacks = list(chosen()) if chosen else []
            worker = session.make_worker(
                model, data, epochs=last_epoch, batch_size=self.panel.batch_size.value(),
                validation_split=window.data_panel.validation_split.value())
            worker.initial_epoch, worker.callbacks = first_epoch, callbacks
        except (ValueError, TypeError) as exc:
            window.show_error(f"Training can't start: {exc}")
            return
        if run is None:
            run = self._new_run(model)
        run.data = data
        # Save writes it beside the model file, so a reopened model still reads sentences.
        model.text_encoding, model.text_class_names = data.text, list(data.class_names)
        self.run, self.model, self.worker = run, model, worker
        self.thread = QThread(window)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        worker.batchEnded.connect(self._on_batch)
        worker.epochEnded.connect(self._on_epoch)
        worker.pausedAt.connect(self._on_paused)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self.panel.set_current(run)
        self.panel.begin(first_epoch, last_epoch, self.panel.batch_size.value())
        window.tabs.setCurrentWidget(self.panel)
        self.thread.start()
        self.update_enabled()
        verb = "Continuing" if first_epoch else "Training"
        window.statusBar().showMessage(f"{verb} {run.name} on {data.name}…")

    # --- while it runs --------------------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        if self.worker is None:
            return
        self.worker.set_paused(paused)
        self.panel.set_paused(paused)
        if hasattr(self, "pause_action"):
            self.pause_action.setChecked(paused)
        self.window.statusBar().showMessage(
            "Pausing after this batch…" if paused else "Training resumed.")

    def _on_paused(self, epoch: int, batch: int) -> None:
        self.panel.progress.bar.setFormat(f"Paused after epoch {epoch + 1}, batch {batch + 1}")
        self.window.statusBar().showMessage(
            f"Paused after epoch {epoch + 1}, batch {batch + 1}: press Resume to go on.")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.request_stop()
            self.window.statusBar().showMessage("Stopping after this batch…")

    def _on_batch(self, epoch: int, batch: int, steps: int, logs: dict, points: dict) -> None:
        if self.run is None:
            return
        self.run.add_batches(epoch, steps, points)
        self.panel.progress.on_batch(epoch, batch, steps)
        self.panel.record_changed(self.run)

    def _on_epoch(self, epoch: int, logs: dict) -> None:
        if self.run is None:
            return
        self.run.add_epoch(epoch, logs)
        self.panel.show_epoch(epoch, logs)
        self.panel.run_list.update_run(self.run, "training")
        self.panel.record_changed(self.run)

    # --- ending ---------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Window closing: stop the worker and wait for its thread, briefly."""
        if self.worker is not None:
            self.worker.request_stop()
            self.worker.set_paused(False)
        # Results that arrive after this (queued before the thread ended) are dropped: the window
        # is going, and must not start anything new.
        self.closing = True
        end_thread(self.thread, self.worker, timeout_ms)

    def _end_thread(self) -> None:
        join_thread(self.thread)
        self.thread = self.worker = None
        self.panel.pause_button.setChecked(False)
        self.panel.end()
        self.update_enabled()

    def _on_finished(self, result: dict) -> None:
        if self.closing:
            return
        self._end_thread()
        run, window = self.run, self.window
        data = run.data or window.data_panel.dataset  # what it trained on, whatever is shown now
        if result.get("diverged"):
            where = result["diverged"]
            message = where["message"]
            run.mark_divergence(message, where["epoch"] + (where["batch"] + 1) / where["steps"])
            self.panel.show_divergence(run)
            self.panel.progress.finish("Diverged")
            self.panel.run_list.update_run(run, "diverged")
            self.update_enabled()
            window.show_error(message)
            return
        evaluation = result.get("evaluation")
        text = "Training stopped." if result.get("stopped") else "Training finished."
        if evaluation is not None:
            run.test = evaluation.metrics
            test = evaluation.metrics
            text += f" Test loss {test['loss']:.4f}" + (
                f", test accuracy {test['accuracy']:.2%}." if "accuracy" in test else ".")
        self.panel.status.setText(self.panel.status.text() + "\n" + text)
        self.panel.progress.finish(text.split(".")[0])
        self.panel.run_list.update_run(run, "stopped" if result.get("stopped") else "")
        window.statusBar().showMessage(text)
        # The views get a copy: the predict panel may predict while Continue trains this model.
        window.predict.set_model(snapshot(self.model), data.class_names, text=data.text)
        evaluation_controller = getattr(window, "evaluation_controller", None)
        if evaluation_controller is not None:
            if evaluation is not None:
                evaluation_controller.show(evaluation, data, run.name)
            else:
                evaluation_controller.evaluate()

    def _on_failed(self, message: str) -> None:
        if self.closing:
            return
        self._end_thread()
        self.panel.progress.finish("Stopped")
        self.panel.status.setText(message)
        self.window.show_error(message)
