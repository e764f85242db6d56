"""Alt+letter reaches one place only: menus and main tabs share the window's mnemonic space."""

import re

import pytest

from gui.data_sources import available_sources
from gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow(data_sources=[s for s in available_sources() if "sample" in s.name])
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else None


def test_menus_and_main_tabs_have_distinct_mnemonics(window):
    titles = [a.text() for a in window.menuBar().actions() if a.menu()]
    titles += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    letters = [_mnemonic(t) for t in titles]
    assert None not in letters, titles
    assert len(set(letters)) == len(letters), titles
