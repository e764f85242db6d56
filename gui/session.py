"""Turns the builder's state into an engine model and a worker: no widgets here, so tests and the
window share one path from specs to a running fit."""

from __future__ import annotations

import math

import numpy as np

from engine.layers import Input
from engine.models import Sequential
from gui.data_sources import Dataset
from gui.scaled_images import ScaledImages
from gui.stack.layer_spec import LayerSpec
from gui.workers.training_worker import TrainingWorker


def build_model(specs: list[LayerSpec], input_shape: tuple, compile_options: dict) -> Sequential:
    """A compiled Sequential for `input_shape` (without the batch dimension)."""
    model = Sequential([Input(shape=input_shape), *[spec.create() for spec in specs]])
    model.compile(**compile_options)
    return model


def fit_images(x: np.ndarray, input_shape: tuple, data_name: str, max_batch: int = 32) -> np.ndarray:
    """`x` (n, *sample shape) as the model's input, read as float32 in 0..1: integer images (uint8
    as stored) are wrapped so that each batch is scaled when the engine takes it (no float copy of
    the whole set); float data is taken as already scaled. Only the layout may differ
    (28×28 ⇄ 28×28×1 ⇄ 784): a view, no copy. Otherwise a message the user can act on.
    `max_batch`: the largest batch the engine will take from it."""
    target = tuple(input_shape)
    if tuple(x.shape[1:]) != target:
        if None in target or math.prod(target) != math.prod(x.shape[1:]):
            shown = "×".join(map(str, x.shape[1:]))
            raise ValueError(
                f"The model takes inputs of shape {'×'.join(map(str, target))}, but {data_name} has "
                f"{shown} images. Choose matching data, or start the model with a layer that takes "
                f"{shown} inputs.")
        x = x.reshape(len(x), *target)
    return ScaledImages.wrap(x, max_batch) if x.dtype.kind in "iub" else x


def model_inputs(data: Dataset, x: np.ndarray, input_shape: tuple, max_batch: int = 32) -> np.ndarray:
    """`x` (a part of `data`) as the model takes it: word indices as they are (scaling them like
    pixels would turn every word into 0), images through `fit_images`."""
    if data.is_text:
        if tuple(x.shape[1:]) != tuple(input_shape):
            raise ValueError(
                f"The model takes inputs of shape {'×'.join(map(str, input_shape))}, but {data.name} "
                f"is encoded as {x.shape[1]} words per text. Set the sequence length to "
                f"{input_shape[0] if len(input_shape) == 1 else 'the model’s'} in the data panel, "
                f"or start the model with an Input of shape ({x.shape[1]},).")
        return x
    return fit_images(x, input_shape, data.name, max_batch)


def make_worker(model: Sequential, data: Dataset, *, epochs: int, batch_size: int,
                validation_split: float) -> TrainingWorker:
    loss_name = model.loss.name
    shape = model.input_shape[1:]
    # A user's folder or CSV may come without a test part: then there is nothing to evaluate.
    test_data = None if len(data.x_test) == 0 else (
        model_inputs(data, data.x_test, shape), data.labels_for(loss_name, data.y_test))
    return TrainingWorker(model, model_inputs(data, data.x_train, shape),
                          data.labels_for(loss_name, data.y_train),
                          epochs=epochs, batch_size=batch_size, validation_split=validation_split,
                          test_data=test_data)
