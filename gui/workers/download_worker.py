"""DownloadWorker: fetches a data set on a QThread, reporting progress and honouring Cancel.

The engine does the work (engine.datasets.download: a `.part` file, resumed next time, verified
against the pinned sha256, then renamed). This worker only turns its callbacks into signals with
plain values and reads a cancel flag the GUI sets; it never touches a widget.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from engine.datasets import DatasetError, DownloadCancelledError

PROGRESS_INTERVAL = 0.05  # seconds between progress signals


class DownloadWorker(QObject):
    progress = Signal(object, object)  # bytes so far, total bytes or None (Python ints: may pass 2**31)
    finished = Signal(str)             # the data set's name, now on this machine
    cancelled = Signal(str)            # a message: what was kept for resuming
    failed = Signal(str)               # a message for the user, saying where to put the files by hand

    def __init__(self, source, timeout: float | None = None) -> None:
        super().__init__()
        self.source, self.timeout = source, timeout
        self._cancel = threading.Event()
        self._last = 0.0

    def request_cancel(self) -> None:
        """Thread-safe; takes effect at the next chunk."""
        self._cancel.set()

    def _report(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL or (total is not None and done >= total):
            self._last = now
            self.progress.emit(int(done), None if total is None else int(total))

    @Slot()
    def run(self) -> None:
        name = self.source.name
        try:
            self.source.download(self._report, self._cancel.is_set, self.timeout)
        except DownloadCancelledError as exc:
            self.cancelled.emit(str(exc))
        except (DatasetError, OSError) as exc:
            where = _manual_hint(self.source)
            self.failed.emit(f"Downloading {name} failed: {exc}\n\n{where}".strip())
        except Exception as exc:  # keep the app up whatever happened
            self.failed.emit(f"Downloading {name} failed unexpectedly ({type(exc).__name__}): {exc}")
        else:
            self.finished.emit(name)


def _manual_hint(source) -> str:
    """Where the files may be put by hand: the not-found message of the module's own search."""
    try:
        source.module.find_files()
    except DatasetError as missing:
        text = str(missing)
        return "To install it by hand instead: " + text.split(" was not found. ", 1)[-1]
    return ""
