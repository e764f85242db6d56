"""Data sets for the command line, prepared for a given model as the app prepares them.

`--dataset` takes mnist, fashion_mnist, cifar10, sample (the bundled 5,000 MNIST digits) or a path
to a data file or folder (read by engine.datasets.load_path). Images become float32 in 0..1 with
the model's input shape; labels stay class indices for sparse losses and become one-hot rows for
the others, the rule the app's data panel follows.
"""

from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass

import numpy as np

from engine import datasets
from engine.utils import to_categorical
from gui.cli.common import CliError

NAMES = ("mnist", "fashion_mnist", "cifar10", "sample")
DATASET_HELP = "mnist, fashion_mnist, cifar10, sample (bundled, offline) or a path to a data file/folder"


@dataclass
class Data:
    name: str
    x_train: np.ndarray  # (n, height, width[, channels]) as stored, usually uint8
    y_train: np.ndarray  # (n,) class indices
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    class_names: list[str]


def load(spec: str) -> Data:
    """The data set named or located by `spec`; CliError or DatasetError when it cannot be had."""
    if spec in NAMES:
        module = _module(spec)
        (x_train, y_train), (x_test, y_test) = module.load_data()
        return Data(spec, x_train, _labels(y_train), x_test, _labels(y_test), _names(module, y_train))
    if not os.path.exists(spec):
        raise CliError(f"Unknown dataset '{spec}': use {', '.join(NAMES)}, or a path to a data file "
                       "or folder.")
    return _from_path(spec)


def class_names(spec: str) -> list[str]:
    """Class names without reading a built-in set's images (they are the module's constants)."""
    if spec in NAMES:
        module = _module(spec)
        names = getattr(module, "CLASS_NAMES", None)
        if names is not None:
            return list(names)
    return load(spec).class_names


def images_for(model, x: np.ndarray, what: str) -> np.ndarray:
    """x (n, …) as float32 in 0..1 shaped (n, *model.input_shape[1:]); integer pixels are /255,
    float data is taken as already scaled. A size mismatch is a CliError naming both shapes."""
    want = tuple(model.input_shape[1:])
    if math.prod(x.shape[1:]) != math.prod(d or 0 for d in want):
        raise CliError(f"The model expects inputs of shape {want} but {what} has images of shape "
                       f"{tuple(x.shape[1:])}; choose a data set that fits the model.")
    x = x.reshape((len(x), *want))
    if x.dtype.kind in "iub":
        return x.astype(np.float32) / np.float32(255.0)
    return x.astype(np.float32, copy=False)


def labels_for(model, y: np.ndarray, data: Data) -> np.ndarray:
    """Class indices for sparse losses, one-hot rows otherwise; the output size must match."""
    units = model.output_shape[-1]
    classes = len(data.class_names)
    if units != classes:
        raise CliError(f"The model has {units} outputs but {data.name} has {classes} classes; its "
                       f"last layer needs {classes} units.")
    loss_name = getattr(model.loss, "name", str(model.loss))
    return y if "sparse" in loss_name else to_categorical(y, classes)


def _module(name: str):
    try:
        return importlib.import_module(f"engine.datasets.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"engine.datasets.{name}":
            raise
        raise CliError(f"The {name} data set is not available in this version of Hornbook's "
                       "engine.") from exc


def _from_path(path: str) -> Data:
    reader = getattr(datasets, "load_path", None)
    if reader is None:
        raise CliError("Reading a data set from a path is not available in this version of "
                       "Hornbook's engine; use one of: " + ", ".join(NAMES) + ".")
    result = reader(path)
    # Accept ((x_train, y_train), (x_test, y_test)), class_names — or a train split only.
    try:
        arrays, names = result
        if len(arrays) == 2 and all(isinstance(part, tuple | list) for part in arrays):
            (x_train, y_train), (x_test, y_test) = arrays
        else:
            (x_train, y_train), x_test, y_test = arrays, None, None
    except (TypeError, ValueError) as exc:
        raise CliError(f"{path}: the data reader returned an unexpected result.") from exc
    y_test = None if y_test is None else _labels(y_test)
    return Data(os.path.basename(os.path.normpath(path)), np.asarray(x_train), _labels(y_train),
                None if x_test is None else np.asarray(x_test), y_test, [str(n) for n in names])


def _labels(y) -> np.ndarray:
    """(n,) integers; CIFAR-10 stores labels as (n, 1)."""
    return np.asarray(y).reshape(-1).astype(np.int64)


def _names(module, y: np.ndarray) -> list[str]:
    names = getattr(module, "CLASS_NAMES", None)
    return list(names) if names is not None else [str(i) for i in range(int(np.max(y)) + 1)]
