"""Turns the builder's state into an engine model and a worker: no widgets here, so tests and the
window share one path from specs to a running fit."""

from __future__ import annotations

from engine.layers import Input
from engine.models import Sequential
from gui.data_sources import Dataset
from gui.stack.layer_spec import LayerSpec
from gui.workers.training_worker import TrainingWorker


def build_model(specs: list[LayerSpec], input_shape: tuple, compile_options: dict) -> Sequential:
    """A compiled Sequential for `input_shape` (without the batch dimension)."""
    model = Sequential([Input(shape=input_shape), *[spec.create() for spec in specs]])
    model.compile(**compile_options)
    return model


def make_worker(model: Sequential, data: Dataset, *, epochs: int, batch_size: int,
                validation_split: float) -> TrainingWorker:
    loss_name = model.loss.name
    return TrainingWorker(model, data.x_train, data.labels_for(loss_name, data.y_train),
                          epochs=epochs, batch_size=batch_size, validation_split=validation_split,
                          test_data=(data.x_test, data.labels_for(loss_name, data.y_test)))
