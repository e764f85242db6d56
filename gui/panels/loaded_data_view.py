"""What the data panel shows of the set training gets: its sizes (split as training, validation
and test), then the image preview or, for a text set, the TextDataView."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.panels.data_preview import ImagePreview
from gui.panels.text_data_view import TextDataView


def counts_text(data, validation_split: float) -> str:
    """'3,600 training · 400 validation · 1,000 test samples\\nsamples 28×28 (uint8), 10 classes'."""
    n = len(data.x_train)
    val = int(n * validation_split)
    shape = "×".join(map(str, data.input_shape))
    what = (f"texts as {data.text.maxlen} word indices" if data.is_text
            else f"samples {shape}") + f" ({data.x_train.dtype})"
    return (f"{n - val:,} training · {val:,} validation · {len(data.x_test):,} test samples\n"
            f"{what}, {data.num_classes} classes")


class LoadedDataView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counts = QLabel(objectName="dataCounts", wordWrap=True)
        self.preview = ImagePreview()
        self.text_view = TextDataView()
        self.text_view.setVisible(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.counts)
        column.addWidget(self.preview)
        column.addWidget(self.text_view)

    def show_counts(self, data, validation_split: float) -> None:
        self.counts.setText("" if data is None else counts_text(data, validation_split))

    def show_dataset(self, data, validation_split: float) -> None:
        """Only the page shown is filled: the image preview for images, the text view for text."""
        self.show_counts(data, validation_split)
        self.preview.setVisible(not data.is_text)
        self.text_view.setVisible(data.is_text)
        (self.text_view if data.is_text else self.preview).set_dataset(data)
