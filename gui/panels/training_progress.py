"""The progress line of a run: a bar with epoch and batch counters, samples per second, time left."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class RateMeter:
    """Batches per second over the time spent training: paused time does not count."""

    def __init__(self) -> None:
        self.start(0)

    def start(self, total_batches: int, now: float | None = None) -> None:
        self.total, self.done = total_batches, 0
        self.active = 0.0
        self._since: float | None = time.monotonic() if now is None else now

    def update(self, done: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if self._since is not None:
            self.active += now - self._since
            self._since = now
        self.done = done

    def pause(self, now: float | None = None) -> None:
        self.update(self.done, now)
        self._since = None

    def resume(self, now: float | None = None) -> None:
        self._since = time.monotonic() if now is None else now

    @property
    def batches_per_second(self) -> float:
        return self.done / self.active if self.active > 0 and self.done else 0.0

    @property
    def seconds_left(self) -> float | None:
        rate = self.batches_per_second
        return (self.total - self.done) / rate if rate else None


class TrainingProgress(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(objectName="trainingProgress")
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setFormat("Ready")
        self.rate = QLabel(objectName="trainingRate")
        # A fixed width: text changing 20 times a second must not re-lay out the whole view.
        self.rate.setFixedWidth(self.rate.fontMetrics().horizontalAdvance(
            "888,888 samples/s · 8:88:88 left") + 8)
        self.rate.setToolTip("Training speed, and the time left at that speed.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.rate)
        self.meter = RateMeter()
        self.batch_size = 1
        self.first_epoch = self.last_epoch = 0
        self._counters = ""

    def start(self, first_epoch: int, last_epoch: int, batch_size: int) -> None:
        """Epochs first_epoch … last_epoch − 1 (0-based) are about to run."""
        self.first_epoch, self.last_epoch, self.batch_size = first_epoch, last_epoch, batch_size
        self.meter.start(0)
        self.bar.setValue(0)
        self.bar.setFormat("Starting…")
        self.rate.setText("")

    def on_batch(self, epoch: int, batch: int, steps: int) -> None:
        epochs = max(1, self.last_epoch - self.first_epoch)
        done = (epoch - self.first_epoch) * steps + batch + 1
        self.meter.total = epochs * steps
        self.meter.update(done)
        self.bar.setValue(int(1000 * done / self.meter.total))
        self._counters = (f"Epoch {epoch + 1}/{self.last_epoch} · batch {batch + 1}/{steps}")
        self.bar.setFormat(self._counters)
        rate, left = self.meter.batches_per_second, self.meter.seconds_left
        if rate:
            self.rate.setText(f"{rate * self.batch_size:,.0f} samples/s · "
                              f"{format_duration(left or 0)} left")

    def pause(self) -> None:
        self.meter.pause()
        self.bar.setFormat(f"Paused — {self._counters}" if self._counters else "Paused")
        self.rate.setText("paused")

    def resume(self) -> None:
        self.meter.resume()
        self.bar.setFormat(self._counters or "Resuming…")
        self.rate.setText("")

    def finish(self, text: str) -> None:
        self.bar.setFormat(text)
        if self.meter.batches_per_second:
            self.rate.setText(f"{self.meter.batches_per_second * self.batch_size:,.0f} samples/s")
