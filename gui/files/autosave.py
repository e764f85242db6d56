"""Crash recovery: a small JSON snapshot of the builder — layer specs, compile options, data set
name and the file being edited — written while there are unsaved changes and removed on a clean
exit. A snapshot found at startup means the last session ended without closing: offer it back.

Weights are not kept: the snapshot is for what the user built by hand, and stays small enough to
write every minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gui.stack.layer_spec import LayerSpec

FILE_NAME = "autosave.json"
FORMAT = "hornbook-autosave"
VERSION = 1


@dataclass
class Snapshot:
    specs: list[LayerSpec]
    compile: dict  # the compile panel's state (gui/stack/compile_options.py)
    dataset: str | None = None
    path: str | None = None  # the model file being edited, None while untitled
    saved_at: float = 0.0  # time.time() of the write

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, "saved_at": self.saved_at,
                           "specs": [s.to_dict() for s in self.specs],
                           "compile": self.compile, "dataset": self.dataset,
                           "path": self.path}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        """Raises ValueError (or KeyError/TypeError) when the text is not a snapshot."""
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError("not a Hornbook autosave")
        return cls([LayerSpec.from_dict(s) for s in data["specs"]],
                   dict(data["compile"]), data.get("dataset"),
                   data.get("path"), float(data.get("saved_at", 0.0)))


class AutosaveStore:
    """The one snapshot file in `folder` (one running Hornbook at a time is assumed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME

    def write(self, snapshot: Snapshot) -> None:
        """Atomically: a crash mid-write leaves the previous snapshot, never half a file.
        Raises OSError when the folder cannot be written."""
        snapshot.saved_at = time.time()
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".autosave.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(snapshot.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise

    def read(self) -> Snapshot | None:
        """The snapshot left behind, or None. An unreadable one is None too: recovery is a
        courtesy, and a damaged snapshot must not stop the app from starting."""
        try:
            return Snapshot.from_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
