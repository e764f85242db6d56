"""`hornbook evaluate MODEL.h5 --dataset mnist`: the loss and metrics on a data set's test split."""

from __future__ import annotations

import argparse

from gui.cli import data
from gui.cli.common import (
    CliError,
    add_compile_options,
    add_model_argument,
    format_logs,
    open_model,
    require_compiled,
)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="print a model's loss and metrics on a data set",
        description="Print the loss and metrics of a Keras model file on the test split of a data "
                    "set (the training split when the data set has no test split).")
    add_model_argument(parser)
    parser.add_argument("--dataset", required=True, help=data.DATASET_HELP)
    parser.add_argument("--batch-size", type=int, default=32, metavar="B", help="default: 32")
    add_compile_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1.")
    model = open_model(args.model)
    require_compiled(model, args, args.model, training=False)
    dataset = data.load(args.dataset)
    has_test = dataset.x_test is not None and len(dataset.x_test) > 0
    x, y = (dataset.x_test, dataset.y_test) if has_test else (dataset.x_train, dataset.y_train)
    logs = model.evaluate(data.images_for(model, x, dataset.name), data.labels_for(model, y, dataset),
                          batch_size=args.batch_size, verbose=0, return_dict=True)
    split = "test" if has_test else "train"
    print(f"{dataset.name} ({split} split, {len(x):,} samples): {format_logs(logs)}")
    return 0
