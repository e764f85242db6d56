"""The data panel's offer to download a set that is not on this machine: what and how big, a
progress bar, Cancel, and Try again after a failure. For a set that comes as a system package it
says how to install it instead. The row only shows and asks; the DataController downloads."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from gui.data_sources import DataSource


def megabytes(size: int | None) -> str:
    return f"{size / 1e6:,.0f} MB" if size else "size unknown"


class DownloadRow(QWidget):
    downloadClicked = Signal(object)  # DataSource: the set offered
    cancelClicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("downloadRow")
        self.pending: DataSource | None = None  # the set offered, not on this machine
        self.downloading = False
        self.label = QLabel(objectName="downloadLabel", wordWrap=True)
        self.button = QPushButton("Download", objectName="downloadButton")
        self.progress = QProgressBar(objectName="downloadProgress", visible=False)
        self.cancel_button = QPushButton("Cancel", objectName="cancelDownloadButton", visible=False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.button)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.label)
        column.addLayout(buttons)
        self.button.clicked.connect(lambda: self.downloadClicked.emit(self.pending))
        self.cancel_button.clicked.connect(self.cancelClicked)
        self.setVisible(False)

    def offer(self, source: DataSource) -> None:
        self.pending = source
        if not source.downloadable:  # a system package: say how to install it
            self.label.setText(source.missing_message() or f"{source.name} is not on this machine.")
            self.button.setVisible(False)
        else:
            self.label.setText(f"{source.name} is not on this machine. Download it "
                               f"({megabytes(source.download_size)}) into Hornbook's cache?")
            self.button.setVisible(True)
            self.button.setText("Download")
        self.setVisible(True)

    def started(self) -> None:
        self.downloading = True
        self.button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)  # busy until the server says the size
        self.label.setText(f"Downloading {self.pending.name}…")

    def show_progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(done, total) / total))
            self.progress.setFormat(f"%p%  ({done / 1e6:,.1f} of {total / 1e6:,.1f} MB)")
        else:
            self.progress.setRange(0, 0)

    def stopped(self, message: str) -> None:
        """Cancelled or failed: the row stays, offering to try again (a partial file resumes)."""
        self.downloading = False
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.button.setVisible(True)
        self.button.setText("Try again")
        self.label.setText(message)

    def withdraw(self) -> None:
        self.pending, self.downloading = None, False
        self.setVisible(False)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
