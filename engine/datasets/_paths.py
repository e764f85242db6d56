"""Where data files are looked for, in Keras-compatible order, and where downloads go."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from engine.datasets import download as _download
from engine.datasets.errors import DatasetNotFoundError, DownloadError


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


def where_to_put(names: list[str], dirs: list[Path]) -> str:
    """The sentence telling a user how to install the files by hand."""
    looked = "\n".join(f"  - {d}" for d in dirs)
    return (f"Looked for {', '.join(names)} in:\n{looked}\nPut the file(s) in one of these folders, "
            "or set HORNBOOK_DATA_DIR to the folder that holds them.")


def find(names: list[str], dirs: list[Path], what: str) -> Path:
    """The first folder in `dirs` holding every file in `names` (relative paths allowed)."""
    for folder in dirs:
        if all((folder / name).is_file() for name in names):
            return folder
    raise DatasetNotFoundError(f"{what} was not found. {where_to_put(names, dirs)}")


def find_or_download(what: str, find_files: Callable[[], Path], download: Callable[..., object],
                     progress=None, allow_download: bool = True) -> Path:
    """`find_files()`, or else download (unless `allow_download` is False or HORNBOOK_OFFLINE is
    set) and find again.

    A failed download raises DownloadError whose message ends with where the files can be put
    by hand; offline, the not-found message says so.
    """
    try:
        return find_files()
    except DatasetNotFoundError as missing:
        if not allow_download:
            raise
        if _download.offline():
            raise DatasetNotFoundError(f"{missing}\nDownloading is turned off (HORNBOOK_OFFLINE is "
                                       "set).") from None
        try:
            download(progress=progress or _download.TerminalProgress(f"Downloading {what}"))
        except DownloadError as exc:
            raise type(exc)(f"{exc}\nTo install {what} by hand instead: {_after_found(missing)}") from exc
    return find_files()


def _after_found(missing: DatasetNotFoundError) -> str:
    text = str(missing)
    return text.split(" was not found. ", 1)[-1]
