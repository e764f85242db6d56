"""Evaluation: shows the test results a training run brought back, and on demand (Evaluate)
evaluates the current model on the test split in an EvaluationWorker on a QThread."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread

from gui import session
from gui.workers.evaluation_worker import Evaluation, EvaluationWorker, snapshot
from gui.workers.thread_exit import end_thread, join_thread


class EvaluationController(QObject):
    """Lives in the GUI thread, so the worker's results arrive queued in the GUI thread."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = window.evaluation
        self.thread: QThread | None = None
        self.closing = False
        self.worker: EvaluationWorker | None = None
        self._source = ""
        self._data = None  # the data set being evaluated, for the thumbnails and class names
        self.panel.evaluate_button.clicked.connect(self.evaluate)

    @property
    def running(self) -> bool:
        return self.thread is not None

    def _problem(self) -> str | None:
        training = self.window.training_controller
        if training.running:
            return "Training is running: its test results show here when it ends."
        if training.model is None:
            return "No model yet: train one, or open a model file."
        if self.window.data_panel.dataset is None:
            return "No data loaded."
        return "Evaluating…" if self.running else None

    def update_enabled(self) -> None:
        problem = self._problem()
        self.panel.evaluate_button.setEnabled(problem is None)
        self.panel.evaluate_button.setToolTip(
            problem or "Run the current model on the test set, in the background.")

    def show(self, evaluation: Evaluation, data, name: str) -> None:
        """Results computed elsewhere (the training worker, after a run)."""
        self.panel.show_evaluation(evaluation, data.x_test, data.class_names,
                                   f"{name} on the {data.name} test set", _sentences(data))

    def evaluate(self) -> None:
        """The current model on the current data's test split, without blocking the GUI."""
        window = self.window
        if self.closing or self._problem() is not None:
            return
        data, model = window.data_panel.dataset, window.training_controller.model
        try:
            # A copy: the predict panel may use the model meanwhile, and Continue may train it.
            copy = snapshot(model)
            if not copy.compiled:
                copy.compile(**window.compile_panel.options())
            x = session.model_inputs(data, data.x_test, copy.input_shape[1:])
            y_for_loss = data.labels_for(copy.loss.name, data.y_test)
        except (ValueError, TypeError) as exc:
            self.panel.show_message(f"Can't evaluate: {exc}")
            return
        run = window.training_controller.run
        self._source = (f"{run.name if run and run.model is model else 'the opened model'} on the "
                        f"{data.name} test set")
        self._data = data
        self.worker = EvaluationWorker(copy, x, y_for_loss)
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.panel.show_message(f"Evaluating {self._source}…")
        self.thread.start()
        self.update_enabled()

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Window closing: cancel after the current batch and wait for the thread, briefly."""
        if self.worker is not None:
            self.worker.cancel()
        # Results that arrive after this (queued before the thread ended) are dropped: the window
        # is going, and must not start anything new.
        self.closing = True
        end_thread(self.thread, self.worker, timeout_ms)

    def _end_thread(self) -> None:
        join_thread(self.thread)
        self.thread = self.worker = None
        self.update_enabled()

    def _on_finished(self, evaluation: Evaluation) -> None:
        if self.closing:
            return
        self._end_thread()
        data = self._data
        self.panel.show_evaluation(evaluation, data.x_test, data.class_names, self._source,
                                   _sentences(data))
        run = self.window.training_controller.run
        if run is not None and run.model is self.window.training_controller.model:
            run.test = evaluation.metrics
            self.window.training.run_list.update_run(run)

    def _on_failed(self, message: str) -> None:
        if self.closing:
            return
        self._end_thread()
        self.panel.show_message(message)


def _sentences(data) -> list[str] | None:
    """A text set's test sentences, shown in the gallery instead of its word indices."""
    return data.text.texts_test if data.is_text else None
