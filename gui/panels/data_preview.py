"""What an image set looks like: a grid of sample images with their labels, and how many samples
each class has. Both paint straight from the arrays; neither keeps more than a few thumbnails."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QWidget

COLUMNS, ROWS = 8, 4  # at most: fewer rows and columns show when the panel is small
MIN_THUMB = 34        # below this a thumbnail and its caption are unreadable: show fewer instead
LABEL_HEIGHT = 14
MAX_BARS = 20


def sample_indices(labels: np.ndarray, count: int) -> np.ndarray:
    """Up to `count` indices taking the classes in turn (first samples of each), so every class
    shows in the grid; deterministic, so the grid does not change between looks."""
    labels = np.asarray(labels).reshape(-1)
    per_class = [np.flatnonzero(labels == c)[:count] for c in np.unique(labels)]
    chosen = []
    for rank in range(count):
        chosen += [idx[rank] for idx in per_class if rank < len(idx)]
        if len(chosen) >= count:
            break
    return np.asarray(chosen[:count], np.int64)


def to_qimage(image: np.ndarray) -> QImage | None:
    """One sample (h, w), (h, w, 1), (h, w, 3) or (h, w, 4) as a QImage; float data is stretched to
    its own range. None for samples that are not images (flat feature vectors)."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        return None
    if array.dtype != np.uint8:
        low, high = float(np.min(array)), float(np.max(array))
        array = ((array - low) * (255.0 / (high - low or 1.0))).astype(np.uint8)
    pixels = np.ascontiguousarray(array)
    height, width = pixels.shape[:2]
    formats = {2: QImage.Format.Format_Grayscale8, 3: QImage.Format.Format_RGB888,
               4: QImage.Format.Format_RGBA8888}
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    fmt = formats[2] if pixels.ndim == 2 else formats[channels]
    return QImage(pixels.data, width, height, channels * width, fmt).copy()  # copy: owns its pixels


class SampleGrid(QWidget):
    """Up to COLUMNS × ROWS thumbnails with the class name under each; as many as fit at a
    readable size."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("dataSampleGrid")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.note = ""

    def set_samples(self, images: np.ndarray, labels: np.ndarray, class_names: list[str]) -> None:
        """Pick and show COLUMNS × ROWS samples of `images` (n, …) with labels (n,)."""
        picked = sample_indices(labels, COLUMNS * ROWS)
        converted = [to_qimage(images[i]) for i in picked]
        self.images = [q for q in converted if q is not None]
        self.captions = [_name(class_names, int(labels[i])) for i, q in zip(picked, converted, strict=True)
                         if q is not None]
        self.note = "" if self.images or not len(picked) else (
            f"Samples are vectors of {int(np.prod(images.shape[1:]))} values: no picture to show.")
        self.setToolTip(f"The first samples of each class ({len(self.images)} shown).")
        self.updateGeometry()
        self.update()

    def layout_grid(self) -> tuple[int, int, float]:
        """(columns, rows, thumbnail side) for the widget's size."""
        columns = max(1, min(COLUMNS, int(self.width() // (MIN_THUMB + 4))))
        rows = max(1, min(ROWS, int(self.height() // (MIN_THUMB + 4 + LABEL_HEIGHT))))
        side = min(self.width() / columns - 4, self.height() / rows - LABEL_HEIGHT - 4)
        return columns, rows, max(8.0, side)

    def sizeHint(self) -> QSize:
        # Two rows by default: the dock shares its height with the compile panel; more rows show
        # when there is room.
        return QSize(COLUMNS * 40, 2 * (40 + LABEL_HEIGHT + 4))

    def minimumSizeHint(self) -> QSize:  # the dock may be short: thumbnails shrink rather than push
        return QSize(4 * (MIN_THUMB + 4), MIN_THUMB + 4 + LABEL_HEIGHT)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if self.note:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.note)
            return
        columns, rows, thumb = self.layout_grid()
        side = thumb + 4
        left = max(0.0, (self.width() - columns * side) / 2)  # centred when the height limits the size
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        smooth = bool(self.images) and self.images[0].width() >= 32  # photos smooth, digits crisp
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        shown = list(zip(self.images, self.captions, strict=True))[:columns * rows]
        for k, (image, caption) in enumerate(shown):
            row, col = divmod(k, columns)
            x, y = left + col * side + 2, row * (side + LABEL_HEIGHT) + 2
            painter.drawImage(QRectF(x, y, thumb, thumb), image)
            text_rect = QRectF(x - 1, y + thumb, thumb + 2, LABEL_HEIGHT)
            elided = painter.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight, int(thumb + 2))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)


class ClassCounts(QWidget):
    """One bar per class: name, a bar proportional to its count, the count."""

    ROW = 16

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("dataClassCounts")
        self.names: list[str] = []
        self.counts: list[int] = []

    def set_counts(self, labels: np.ndarray, class_names: list[str]) -> None:
        labels = np.asarray(labels).reshape(-1)
        counts = np.bincount(labels, minlength=len(class_names)) if labels.size else np.zeros(0, int)
        self.names = [_name(class_names, i) for i in range(len(counts))]
        self.counts = [int(c) for c in counts]
        shown = ", ".join(f"{n}: {c:,}" for n, c in zip(self.names, self.counts, strict=True))
        self.setToolTip(f"Training samples per class — {shown}")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(280, 12 * min(len(self.counts), 10))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 11 * min(len(self.counts), 4))

    def row_height(self) -> float:
        """Rows shrink to fit the classes (down to 11 px) before the list is cut short."""
        return max(11.0, min(float(self.ROW), self.height() / max(1, min(len(self.counts), MAX_BARS))))

    def paintEvent(self, event) -> None:
        if not self.counts:
            return
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        name_width = min(max(metrics.horizontalAdvance(n) for n in self.names) + 6, self.width() // 3)
        count_width = metrics.horizontalAdvance(f"{max(self.counts):,}") + 6
        bar_space = max(10, self.width() - name_width - count_width)
        top = max(self.counts) or 1
        bar_color = self.palette().color(QPalette.ColorRole.Highlight)
        rows = list(zip(self.names, self.counts, strict=True))
        height = self.row_height()
        fit = min(MAX_BARS, int(self.height() // height))
        if fit < len(rows):
            fit = max(1, fit - 1)  # room for the "… more" line
        for i, (name, count) in enumerate(rows[:fit]):
            y = i * height
            elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_width - 6)
            painter.drawText(QRectF(0, y, name_width - 6, height), Qt.AlignmentFlag.AlignVCenter, elided)
            painter.fillRect(QRectF(name_width, y + 2, bar_space * count / top, height - 4), bar_color)
            painter.drawText(QRectF(name_width + bar_space * count / top + 3, y, count_width, height),
                             Qt.AlignmentFlag.AlignVCenter, f"{count:,}")
        if len(rows) > fit:
            painter.setPen(QColor(self.palette().color(QPalette.ColorRole.PlaceholderText)))
            painter.drawText(QRectF(0, fit * height, self.width(), height), Qt.AlignmentFlag.AlignVCenter,
                             f"… and {len(rows) - fit} more classes (hover for all counts)")


def _name(class_names: list[str], index: int) -> str:
    return class_names[index] if 0 <= index < len(class_names) else str(index)


class ImagePreview(QTabWidget):
    """The data panel's page for an image set: sample thumbnails, and samples per class."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("dataPreviewTabs")
        self.grid = SampleGrid()
        self.class_counts = ClassCounts()
        self.addTab(self.grid, "Samples")
        self.addTab(self.class_counts, "Classes")

    def set_dataset(self, data) -> None:
        self.grid.set_samples(data.x_train, data.y_train, data.class_names)
        self.class_counts.set_counts(data.y_train, data.class_names)
