"""Errors a data set can raise; each message says what is wrong and what to do."""


class DatasetError(ValueError):
    """A data file is missing, malformed or inconsistent."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """None of the places searched holds the file."""
