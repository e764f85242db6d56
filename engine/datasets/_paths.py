"""Where data files are looked for, in Keras-compatible order."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.datasets.errors import DatasetNotFoundError


def user_cache_dir() -> Path:
    """Hornbook's own cache folder for downloaded data sets."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "Hornbook" / "Cache" / "datasets"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Hornbook" / "datasets"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hornbook" / "datasets"


def keras_cache_dir() -> Path:
    """Keras' cache: `$KERAS_HOME/datasets`, else `~/.keras/datasets`."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


def search_dirs(system_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """$HORNBOOK_DATA_DIR, Keras' cache, system copies, then Hornbook's cache."""
    dirs = []
    if os.environ.get("HORNBOOK_DATA_DIR"):
        dirs.append(Path(os.environ["HORNBOOK_DATA_DIR"]).expanduser())
    dirs.append(keras_cache_dir())
    dirs.extend(system_dirs)
    dirs.append(user_cache_dir())
    return dirs


def find(names: list[str], dirs: list[Path], what: str) -> Path:
    """The first folder in `dirs` holding every file in `names` (relative paths allowed)."""
    for folder in dirs:
        if all((folder / name).is_file() for name in names):
            return folder
    looked = "\n".join(f"  - {d}" for d in dirs)
    files = ", ".join(names)
    raise DatasetNotFoundError(
        f"{what} was not found. Looked for {files} in:\n{looked}\n"
        f"Put the file(s) in one of these folders, or set HORNBOOK_DATA_DIR to the folder "
        f"that holds them."
    )
