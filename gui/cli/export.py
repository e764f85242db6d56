"""`hornbook export MODEL.h5 --keras script.py`: a runnable Keras 3 program for the model."""

from __future__ import annotations

import argparse

from engine.export import keras_script
from gui.cli.common import CliError, add_model_argument, open_model


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the model as a runnable Keras program",
        description="Write a Python program for real Keras 3 that rebuilds the model, compiles it "
                    "as it was compiled, loads the weights from MODEL.h5 and, when run, keeps "
                    "training on keras.datasets.")
    add_model_argument(parser)
    parser.add_argument("--keras", required=True, metavar="SCRIPT.py", help="the program to write")
    parser.add_argument("--dataset", choices=("mnist", "fashion_mnist", "cifar10"),
                        help="what the program trains on (default: chosen from the input shape)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.keras.endswith(".py"):
        raise CliError(f"{args.keras}: the Keras program needs a name ending in .py.")
    model = open_model(args.model)
    # An .h5 model file already holds what Keras' load_weights reads, so the program loads it
    # from there; for a .keras file the weights go to SCRIPT.h5 next to the program.
    h5 = args.model.lower().endswith((".h5", ".hdf5"))
    path = keras_script(model, args.keras, weights_path=args.model if h5 else None,
                        dataset=args.dataset)
    print(f"Wrote {path}; it loads its weights from {args.model if h5 else path.with_suffix('.h5')}")
    return 0
