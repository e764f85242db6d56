"""The recently opened or saved model files, most recent first, kept in the settings."""

from __future__ import annotations

import os

from gui import settings

KEY = "files/recent"
LIMIT = 8


class RecentFiles:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        store = settings.open_settings()
        self._paths = settings.read_string_list(store, KEY)[:limit] if store is not None else []

    @property
    def paths(self) -> list[str]:
        return list(self._paths)

    def add(self, path: str) -> None:
        """Put `path` first; the same file reached by another spelling counts once."""
        path = os.path.abspath(path)
        self._paths = [path, *[p for p in self._paths if not _same(p, path)]][: self.limit]
        self._store()

    def remove(self, path: str) -> None:
        self._paths = [p for p in self._paths if not _same(p, path)]
        self._store()

    def clear(self) -> None:
        self._paths = []
        self._store()

    def _store(self) -> None:
        store = settings.open_settings()
        if store is not None:
            store.setValue(KEY, self._paths)
            store.sync()


def _same(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def fill_recent_menu(menu, recent: RecentFiles, open_path, changed) -> None:
    """Rebuild `menu`: '&1 name.h5' … (the full path as tip), then 'Clear list'; disabled when
    empty. `open_path(path)` opens an entry; `changed()` runs after the list is cleared."""
    menu.clear()
    for number, path in enumerate(recent.paths, start=1):
        action = menu.addAction(f"&{number} {os.path.basename(path)}")
        action.setData(path)
        action.setStatusTip(path)
        action.setToolTip(path)
        action.triggered.connect(lambda _=False, p=path: open_path(p))
    if recent.paths:
        menu.addSeparator()
        menu.addAction("&Clear list", lambda: (recent.clear(), changed()))
    menu.setToolTipsVisible(True)
    menu.setEnabled(bool(recent.paths))
