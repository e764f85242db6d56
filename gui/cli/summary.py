"""`hornbook summary MODEL.h5`: the layer table and parameter counts, as model.summary() prints."""

from __future__ import annotations

import argparse

from gui.cli.common import add_model_argument, open_model


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("summary", help="print a model's layers and parameter counts",
                                   description="Print model.summary() for a Keras model file.")
    add_model_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    open_model(args.model).summary()
    return 0
