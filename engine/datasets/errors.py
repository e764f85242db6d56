"""Errors a data set can raise; each message says what is wrong and what to do."""


class DatasetError(ValueError):
    """A data file is missing, malformed or inconsistent."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """None of the places searched holds the file."""


class DownloadError(DatasetError):
    """A download failed (offline, refused, cut off, timed out, or its checksum did not match)."""


class DownloadCancelledError(DownloadError):
    """The caller asked to stop; the partial `.part` file stays so that the download can resume."""
