"""The `hornbook` command line: train, evaluate, predict, summary and export without the app.

`main(argv)` parses the subcommand and runs it. A mistake the user can fix (a missing or foreign
file, an unknown data set, data that does not fit the model, an unreadable image) ends in one line
on stderr and exit code 2, never a traceback. This package imports the engine, NumPy and Pillow
only — no Qt — so it runs on servers without a display.
"""

from __future__ import annotations

import argparse
import sys

from engine.datasets import DatasetError
from engine.saving import ModelFileError
from gui.cli import evaluate, export, predict, summary, train
from gui.cli.common import CliError

SUBCOMMANDS = (train, evaluate, predict, summary, export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hornbook",
        description="Build, train and probe neural networks. Without a subcommand, hornbook opens "
                    "the app; with one, it works on model files from the command line.")
    subparsers = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand (argv without the program name); returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    try:
        return args.run(args)
    except (CliError, ModelFileError, DatasetError, ValueError, OSError) as exc:
        # ModelFileError and DatasetError are ValueErrors; the engine's other ValueErrors are
        # Keras-style messages about the data or the model, which the user can act on too.
        print(f"hornbook {argv_command(args)}: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hornbook: interrupted", file=sys.stderr)
        return 130


def argv_command(args: argparse.Namespace) -> str:
    return args.run.__module__.rsplit(".", 1)[-1]


def one_line(message: str) -> str:
    """Fold a multi-line engine message ("Looked for … in:\\n  - /a\\n  - /b") onto one line."""
    text, in_list = "", False
    for line in message.strip().splitlines():
        part = line.strip()
        if not part:
            continue
        item = part.startswith("- ")
        part = part.removeprefix("- ")
        if not text:
            text = part
        elif item:
            text += f" {part}" if text.endswith(":") else f", {part}"
        else:
            text += f"; {part}" if in_list else f" {part}"
        in_list = item
    return text.strip("'\"")
