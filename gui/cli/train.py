"""`hornbook train MODEL.h5 --dataset mnist --epochs 5 --batch-size 32`: keep training a model file.

Prints Keras' progress bar for every epoch, evaluates on the test split and saves the model
(atomically) back to MODEL.h5, or to --output.
"""

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
        "train", help="train a model file on a data set and save it",
        description="Train a Keras model file on a data set, evaluate it on the test split and save "
                    "it back (or to --output). Images are scaled to 0..1 and reshaped to the "
                    "model's input; labels are one-hot unless the loss is a sparse one.")
    add_model_argument(parser)
    parser.add_argument("--dataset", required=True, help=data.DATASET_HELP)
    parser.add_argument("--epochs", type=int, default=1, metavar="N", help="default: 1")
    parser.add_argument("--batch-size", type=int, default=32, metavar="B", help="default: 32")
    parser.add_argument("--validation-split", type=float, default=0.0, metavar="F",
                        help="fraction of the training data held out to validate on (e.g. 0.1)")
    parser.add_argument("--output", metavar="OUT.h5", help="save here instead of over MODEL.h5")
    add_compile_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.epochs < 1 or args.batch_size < 1:
        raise CliError("--epochs and --batch-size must be at least 1.")
    if not 0.0 <= args.validation_split < 1.0:
        raise CliError("--validation-split must be at least 0 and below 1 (e.g. 0.1).")
    model = open_model(args.model)
    require_compiled(model, args, args.model)
    dataset = data.load(args.dataset)
    x = data.images_for(model, dataset.x_train, dataset.name)
    y = data.labels_for(model, dataset.y_train, dataset)
    model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size,
              validation_split=args.validation_split, verbose=1)
    if dataset.x_test is not None and len(dataset.x_test):
        logs = model.evaluate(data.images_for(model, dataset.x_test, dataset.name),
                              data.labels_for(model, dataset.y_test, dataset),
                              batch_size=args.batch_size, verbose=0, return_dict=True)
        print(f"Test: {format_logs(logs)}")
    output = args.output or args.model
    model.save(output)
    print(f"Saved to {output}")
    return 0
