"""The one error type for model files the engine cannot read or write."""


class ModelFileError(ValueError):
    """A model or weights file is missing, damaged, or does not fit the model.

    The message says which file, what is wrong and, where it helps, what to do. It subclasses
    ValueError because Keras raises ValueError for the same situations.
    """
