"""`hornbook` / `python -m gui`: opens the app."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from gui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
