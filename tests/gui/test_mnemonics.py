"""Alt+letter reaches one place only: menus and main tabs share the window's mnemonic space."""

import re


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else None


def test_menus_and_main_tabs_have_distinct_mnemonics(window):
    titles = [a.text() for a in window.menuBar().actions() if a.menu()]
    titles += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    letters = [_mnemonic(t) for t in titles]
    assert None not in letters, titles
    assert len(set(letters)) == len(letters), titles
