"""Loading a data set off the GUI thread: reading files and tokenizing 50,000 reviews takes seconds.

`DataLoadWorker` (a QObject moved to a QThread) runs a load's steps — e.g. "reading the files",
then "tokenizing the texts" — and reports with plain-data signals. `DataLoader` lives in the GUI
thread: it starts one worker per load, drops the result of a load that was cancelled or superseded
by a newer one, and ends its threads when the window closes.

Why each step runs on a daemon `threading.Thread` inside the worker: a step is one long call into
the engine (imdb.load_data, Tokenizer.fit_on_texts) that cannot stop half-way. Waiting on it in
short slices lets Cancel and closing the window end the QThread at once; an abandoned step
finishes (or dies with the process) on its own, its result unused. A QThread still running at exit
would abort the process instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine.datasets import DatasetError

POLL_SECONDS = 0.05   # how often a waiting worker looks at the cancel flag
Step = tuple[str, Callable[[object], object]]  # (what it does, for the progress row; previous result -> next)


class LoadCancelledError(Exception):
    """The step was abandoned: Cancel, a newer load, or the window closing."""


def run_interruptibly(call: Callable[[], object], cancelled: Callable[[], bool]) -> object:
    """`call()` on a daemon thread; its result, its exception, or LoadCancelledError as soon as
    `cancelled()` turns true (the call then runs on, unobserved)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, which decides
            outcome["error"] = exc

    step = threading.Thread(target=target, name="hornbook-data-step", daemon=True)
    step.start()
    while step.is_alive():
        if cancelled():
            raise LoadCancelledError
        step.join(POLL_SECONDS)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class DataLoadWorker(QObject):
    """Runs `steps` in order, each given the previous one's result (None for the first)."""

    stepStarted = Signal(int, str)   # ticket, what the step does
    loaded = Signal(int, object)     # ticket, the last step's result (a Dataset)
    failed = Signal(int, str)        # ticket, a message for the user
    cancelled = Signal(int)          # ticket

    def __init__(self, ticket: int, name: str, steps: Sequence[Step]) -> None:
        super().__init__()
        self.ticket, self.name, self.steps = ticket, name, list(steps)
        self._cancel = threading.Event()

    def request_cancel(self) -> None:
        """Thread-safe; the worker stops within POLL_SECONDS."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        result: object = None
        try:
            for what, step in self.steps:
                if self._cancel.is_set():
                    raise LoadCancelledError
                self.stepStarted.emit(self.ticket, what)
                result = run_interruptibly(lambda s=step, r=result: s(r), self._cancel.is_set)
        except LoadCancelledError:
            self.cancelled.emit(self.ticket)
        except (DatasetError, OSError, ValueError, MemoryError) as exc:
            self.failed.emit(self.ticket, f"Could not load {self.name}: {exc}")
        except Exception as exc:  # keep the app up whatever a reader raised
            self.failed.emit(self.ticket, f"Could not load {self.name} ({type(exc).__name__}): {exc}")
        else:
            self.loaded.emit(self.ticket, result)


class DataLoader(QObject):
    """One load at a time from the GUI's point of view: `start` supersedes the load under way.
    Must live in the GUI thread, so the workers' signals run its slots there."""

    stepStarted = Signal(str)   # what the current load is doing now
    loaded = Signal(object)     # the current load's Dataset
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._current: DataLoadWorker | None = None
        self._threads: dict[int, tuple[QThread, DataLoadWorker]] = {}  # every thread not yet ended
        self.closing = False

    @property
    def threads(self) -> list[QThread]:
        """The threads not yet ended, a dropped load's included."""
        return [thread for thread, _ in self._threads.values()]

    def start(self, name: str, steps: Sequence[Step]) -> None:
        self.cancel()  # a newer choice wins; the older load's result is dropped
        self._ticket += 1
        worker = DataLoadWorker(self._ticket, name, steps)
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.stepStarted.connect(self._on_step)
        worker.loaded.connect(self._on_loaded)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._end)
        self._threads[self._ticket] = (thread, worker)
        self._current = worker
        thread.start()

    def cancel(self) -> None:
        """Abandon the current load (its worker stops within POLL_SECONDS); nothing it makes is used."""
        if self._current is not None:
            self._current.request_cancel()
            self._current = None

    def shutdown(self, timeout_ms: int = 1000) -> None:
        """Window closing: stop every worker and wait for its thread."""
        self.closing = True
        self.cancel()
        for thread, worker in list(self._threads.values()):
            worker.request_cancel()
            thread.quit()
            thread.wait(timeout_ms)
        self._threads.clear()

    def _is_current(self, ticket: int) -> bool:
        return not self.closing and self._current is not None and self._current.ticket == ticket

    def _on_step(self, ticket: int, what: str) -> None:
        if self._is_current(ticket):
            self.stepStarted.emit(what)

    def _on_loaded(self, ticket: int, dataset: object) -> None:
        current = self._is_current(ticket)
        self._end(ticket)
        if current:
            self.loaded.emit(dataset)

    def _on_failed(self, ticket: int, message: str) -> None:
        current = self._is_current(ticket)
        self._end(ticket)
        if current:
            self.failed.emit(message)

    def _end(self, ticket: int) -> None:
        if self._current is not None and self._current.ticket == ticket:
            self._current = None
        thread, worker = self._threads.pop(ticket, (None, None))
        if thread is not None:
            thread.quit()
            thread.wait()  # its run() has returned: only the event loop is left to end
            thread.deleteLater()
            worker.deleteLater()
