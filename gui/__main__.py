"""`hornbook` / `python -m gui`: opens the app; `hornbook SUBCOMMAND …` runs the command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # A word first is a subcommand (or a mistyped one, which the CLI reports); other options
    # starting with '-' stay Qt's (-style, -platform) and go to the app.
    if args and (not args[0].startswith("-") or args[0] in ("-h", "--help")):
        from gui.cli import main as cli_main

        return cli_main(args)
    from gui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
