"""`hornbook predict MODEL.h5 IMAGE…`: the class and probability the model gives each image."""

from __future__ import annotations

import argparse
import os

import numpy as np

from gui.cli import data
from gui.cli.common import add_model_argument, open_model
from gui.cli.images import image_geometry, read_image


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict", help="classify image files with a model",
        description="Print, for each image, the predicted class and its probability. Images are "
                    "converted to grey or RGB as the model's input has 1 or 3 channels and "
                    "resized to its input size. For 28x28 grey (MNIST-style) models, an image "
                    "with a light border (dark ink on light paper) is inverted, because MNIST "
                    "digits are white on black.")
    add_model_argument(parser)
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, … files")
    parser.add_argument("--dataset", help="take class names from this data set ("
                                          + data.DATASET_HELP + "); default: class indices")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model(args.model)
    geometry = image_geometry(model.input_shape)
    names = data.class_names(args.dataset) if args.dataset else None
    x = np.stack([read_image(path, geometry) for path in args.images])
    probabilities = _probabilities(model.predict(x.reshape((len(x), *model.input_shape[1:])),
                                                 verbose=0))
    width = max(len(os.path.basename(p)) for p in args.images)
    for path, row in zip(args.images, probabilities, strict=True):
        index = int(np.argmax(row))
        label = names[index] if names and index < len(names) else str(index)
        print(f"{os.path.basename(path):<{width}}  {label}  {row[index]:.4f}")
    return 0


def _probabilities(outputs: np.ndarray) -> np.ndarray:
    """(n, classes) probabilities: softmax outputs as they are, raw scores (a model ending without
    softmax) through softmax, and one sigmoid unit p as the two classes (1 - p, p)."""
    outputs = outputs.reshape(len(outputs), -1).astype(np.float64)
    if outputs.shape[1] == 1:
        p = outputs if np.all((outputs >= 0) & (outputs <= 1)) else 1 / (1 + np.exp(-outputs))
        return np.concatenate([1 - p, p], axis=1)
    if np.all(outputs >= 0) and np.allclose(outputs.sum(axis=1), 1.0, atol=1e-3):
        return outputs
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
