"""Where Hornbook keeps what outlives a session: settings (window layout, last data set, recent
files) and the autosave folder.

Persistence is off until `enable()` is called. gui/app.py enables the standard per-user locations
before it builds the window; a test enables a tmp folder. A window built any other way (other tests,
scripts) reads and writes nothing, so no test touches the user's settings or autosave and no test
leaks a window layout or data set choice into the next one.

Locations with `enable()` and no folder:
- settings: a per-user INI file through QSettings, organisation and application "Hornbook"
  (~/.config/Hornbook/Hornbook.ini on Linux and macOS, %APPDATA%/Hornbook/Hornbook.ini on Windows);
- autosave: QStandardPaths' GenericDataLocation / "Hornbook" / "autosave"
  (~/.local/share/Hornbook/autosave on Linux). App data rather than a cache folder: the system may
  wipe caches, and this folder holds the user's unsaved work.
With `enable(folder)` both live in `folder` (settings.ini and autosave/).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ORGANIZATION = APPLICATION = "Hornbook"

_enabled = False
_folder: Path | None = None


def enable(folder: str | Path | None = None) -> None:
    """Turn persistence on, in `folder` if given, else in the user's standard locations."""
    global _enabled, _folder
    _enabled, _folder = True, Path(folder) if folder is not None else None


def disable() -> None:
    global _enabled, _folder
    _enabled, _folder = False, None


def is_enabled() -> bool:
    return _enabled


def open_settings() -> QSettings | None:
    """The settings store, or None while persistence is off."""
    if not _enabled:
        return None
    if _folder is not None:
        return QSettings(str(_folder / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def autosave_dir() -> Path | None:
    """The folder for crash-recovery files, or None while persistence is off."""
    if not _enabled:
        return None
    if _folder is not None:
        return _folder / "autosave"
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(data) / APPLICATION / "autosave"


def read_string_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings; QSettings hands back a bare string for one item and None for none."""
    value = settings.value(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]
