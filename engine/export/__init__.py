"""Exports of an engine model to other tools: `keras_script` writes a runnable Keras 3 program."""

from engine.export.keras_script import keras_script

__all__ = ["keras_script"]
