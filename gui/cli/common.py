"""What the subcommands share: user errors, opening a model file, compile options.

Nothing here imports Qt: the command line must work on a machine without a display.
"""

from __future__ import annotations

import argparse
import os
import warnings

from engine import losses, optimizers
from engine.models import load_model
from engine.utils.progbar import format_value

MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


class CliError(Exception):
    """A problem the user can fix; `main` prints it as one line on stderr and exits with 2."""


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL.h5", help="a Keras model file (.h5 or .keras)")


def open_model(path: str):
    """The model in `path`, compiled when the file says how; CliError / ModelFileError otherwise."""
    if not os.path.exists(path):
        raise CliError(f"{path}: no such file.")
    if os.path.isdir(path):
        raise CliError(f"{path}: is a folder; give a model file (.h5 or .keras).")
    if not path.lower().endswith(MODEL_SUFFIXES):
        raise CliError(f"{path}: not a Keras model file; expected a name ending in .h5 or .keras.")
    with warnings.catch_warnings():
        # An uncompiled file is reported by `require_compiled` where it matters, in our words.
        warnings.simplefilter("ignore")
        return load_model(path)


def add_compile_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "compile options", "override the file's training settings, or give them when the model "
                           "was saved uncompiled")
    group.add_argument("--optimizer", help=f"one of: {', '.join(optimizers.names())}")
    group.add_argument("--loss", help=f"one of: {', '.join(losses.names())}")
    group.add_argument("--metrics", nargs="+", metavar="METRIC", help="e.g. accuracy")


def require_compiled(model, args: argparse.Namespace, path: str, training: bool = True) -> None:
    """Compile with the --optimizer/--loss/--metrics given, keeping the file's settings for the
    rest. A model left without a loss (or, to train, without an optimizer) is a CliError saying
    which options to pass. Evaluating needs no optimizer, so any stands in for a missing one."""
    given = args.optimizer is not None or args.loss is not None or args.metrics is not None
    optimizer = args.optimizer or model.optimizer or (None if training else "sgd")
    loss = args.loss or model.loss
    if optimizer is None or loss is None:
        needed = "--optimizer adam --loss sparse_categorical_crossentropy" if training else \
            "--loss sparse_categorical_crossentropy"
        raise CliError(f"{path} has no training configuration (it was saved uncompiled); pass "
                       f"compile options, e.g. {needed} --metrics accuracy.")
    if not given and model.optimizer is not None:
        return
    metrics = args.metrics if args.metrics is not None else getattr(model, "_metric_specs", None)
    try:
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    except (KeyError, ValueError) as exc:
        raise CliError(str(exc).strip("'\"")) from exc


def format_logs(logs: dict) -> str:
    """'loss: 0.2345 - accuracy: 0.9310', as Keras prints logs."""
    return " - ".join(f"{name}: {format_value(value)}" for name, value in logs.items())
