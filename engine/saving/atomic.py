"""Atomic file writes: a model file is either the complete new one or the old one, never half.

The writer fills a temporary file in the same folder (so the final rename never crosses file
systems), flushes it to disk with fsync, then `os.replace`s it over the target in one step. On any
error the temporary file is removed and an existing file at the target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

from engine.saving.errors import ModelFileError


def check_writable_folder(path: str) -> str:
    """The absolute target path, after checking that its folder exists and accepts new files."""
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise ModelFileError(f"Cannot save to '{path}': it is a folder. Give a file name, "
                             f"e.g. '{os.path.join(path, 'model.h5')}'.")
    if not os.path.isdir(folder):
        raise ModelFileError(f"Cannot save to '{path}': the folder '{folder}' does not exist. "
                             "Create it first or choose another folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ModelFileError(f"Cannot save to '{path}': the folder '{folder}' is not writable. "
                             "Choose a folder you can write to.")
    return target


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[str]:
    """Yield a temporary path to write; on success it replaces `path` atomically.

    Usage: `with atomic_write("model.h5") as tmp: write_everything(tmp)`.
    """
    target = check_writable_folder(path)
    folder, name = os.path.split(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ModelFileError(f"Cannot save to '{path}': the folder '{folder}' does not accept new "
                             f"files ({exc.strerror or exc}). Choose a folder you can write to.") \
            from exc
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if os.path.exists(target):
            # mkstemp creates the file 0600; keep the permissions the old file had.
            with contextlib.suppress(OSError):
                os.chmod(tmp, os.stat(target).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Persist the rename itself (POSIX); harmless to skip where folders cannot be opened."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
