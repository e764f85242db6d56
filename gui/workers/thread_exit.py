"""Ending a worker thread when the window closes, without ever destroying a running QThread
(Qt aborts the process when that happens)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread

# Threads that outlived the wait: unparented from the dying window and kept here until they end.
_outliving: list[tuple[QThread, QObject]] = []


def end_thread(thread: QThread | None, worker: QObject | None, timeout_ms: int) -> bool:
    """Quit `thread` and wait up to `timeout_ms`; True when it has finished. A thread still busy
    (a batch longer than the wait) is detached from its parent, so closing the window cannot
    destroy it mid-run; it ends on its own after its current batch."""
    if thread is None:
        return True
    thread.quit()
    if thread.wait(timeout_ms):
        return True
    thread.setParent(None)
    _outliving.append((thread, worker))
    return False


def join_thread(thread: QThread | None) -> None:
    """End the event loop of a thread whose work has returned, and wait for it (briefly: only
    the loop is left to stop)."""
    if thread is not None:
        thread.quit()
        thread.wait()
