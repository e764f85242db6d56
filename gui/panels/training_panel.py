"""The training view: run controls, progress, a plot per logged value (loss and every compiled
metric, training and validation), the run list, and exports of the plots and the numbers.

The panel draws what the controller records in TrainingRun objects. Redraws are coalesced by a
timer (one plot per REDRAW_TICK_MS), so the GUI thread's work does not grow with the rate of
updates and no single stretch of drawing is long.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from gui.controllers.training_run import TrainingRun, history_csv
from gui.panels.live_plot import MetricPlot
from gui.panels.plot_export import tile_plots
from gui.panels.run_list import RunList
from gui.panels.training_progress import TrainingProgress

REDRAW_TICK_MS = 50  # one plot with new points redrawn per tick, in turn: two plots 10×/s each
PLOT_COLUMNS = 2
PAUSE_TEXT, RESUME_TEXT = "P&ause", "Res&ume"
Icon = QStyle.StandardPixmap


def _button(text: str, name: str, tip: str, icon=None, enabled: bool = False) -> QPushButton:
    button = QPushButton(text, objectName=name, toolTip=tip, enabled=enabled)
    if icon is not None:
        button.setIcon(QApplication.style().standardIcon(icon))
    return button


class TrainingPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.epochs = QSpinBox(objectName="epochsSpin", minimum=1, maximum=1000, value=5)
        self.epochs.setToolTip("How many passes over the training data (Continue adds this many).")
        self.batch_size = QSpinBox(objectName="batchSizeSpin", minimum=1, maximum=8192, value=32)
        self.batch_size.setToolTip("Samples per weight update.")
        self.train_button = _button("&Train", "trainButton", "", Icon.SP_MediaPlay, enabled=True)
        self.pause_button = _button(PAUSE_TEXT, "pauseButton", "Pause after this batch; press again "
                                    "to resume.", Icon.SP_MediaPause)
        self.pause_button.setCheckable(True)
        self.stop_button = _button("&Stop", "stopButton", "Stop after this batch.", Icon.SP_MediaStop)
        self.continue_button = _button("Continue", "continueButton", "Train the same model for "
                                       "more epochs, numbering on.", Icon.SP_MediaSeekForward)
        self.reset_button = _button("Reset weights", "resetWeightsButton", "Start a new run from "
                                    "fresh weights, rebuilt from the stack.", Icon.SP_BrowserReload)
        self.progress = TrainingProgress()
        self.alert = QLabel(objectName="trainingAlert", wordWrap=True, visible=False)
        self.alert.setStyleSheet("QLabel { background: #fde8e8; color: #8b1a1a; "
                                 "border: 1px solid #d62728; border-radius: 3px; padding: 4px; }")
        self.status = QLabel("Press Train to start.", objectName="trainingStatus", wordWrap=True)
        # Two lines always (the last epoch, how the run ended): a label that grows re-lays out and
        # repaints every plot below it.
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_scale = QCheckBox("Lo&g scale", objectName="logScaleCheck",
                                   toolTip="Show the values on a logarithmic axis.")
        self.export_png_button = _button("Save plots as PNG…", "exportPngButton",
                                         "Save the plots shown as one PNG image.", enabled=True)
        self.export_csv_button = _button("Save numbers as CSV…", "exportCsvButton",
                                         "Save every epoch's values of the ticked runs.",
                                         enabled=True)
        self.run_list = RunList()
        self.plots: dict[str, MetricPlot] = {}
        self.runs: dict[int, TrainingRun] = {}
        self.current: TrainingRun | None = None
        self._dirty: dict[str, set[int]] = {}  # plot key → runs with points not drawn yet
        self._shown: list[MetricPlot] = []
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_TICK_MS)
        self._redraw.timeout.connect(self._redraw_next)
        self._layout()
        for key in ("loss", "accuracy"):  # the usual pair, in place before the first run
            self._plot(key)
        self._arrange_plots()
        self.log_scale.toggled.connect(self.set_log_scale)
        self.export_png_button.clicked.connect(self._ask_png)
        self.export_csv_button.clicked.connect(self._ask_csv)
        self.run_list.visibilityChanged.connect(self.set_run_visible)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Epoc&hs", self.epochs)
        form.addRow("&Batch size", self.batch_size)
        buttons = QGridLayout()
        for i, button in enumerate((self.train_button, self.pause_button, self.stop_button,
                                    self.continue_button, self.reset_button)):
            buttons.addWidget(button, i // 3, i % 3)
        controls = QHBoxLayout()
        controls.addLayout(form)
        controls.addLayout(buttons)
        controls.addStretch(1)
        options = QHBoxLayout()
        options.addWidget(self.log_scale)
        key = QLabel("Solid: training, smoothed per batch · dots: epoch means · dashed: validation",
                     objectName="plotKey")
        key.setStyleSheet("color: palette(mid);")
        key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # may be cut
        options.addWidget(key, 1, Qt.AlignmentFlag.AlignCenter)
        options.addWidget(self.export_png_button)
        options.addWidget(self.export_csv_button)
        self.plot_area = QWidget(objectName="trainingPlots")
        self.plot_grid = QGridLayout(self.plot_area)
        self.plot_grid.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.plot_area)
        splitter.addWidget(self.run_list)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([600, 120])
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(self.alert)
        layout.addWidget(self.status)
        layout.addLayout(options)
        layout.addWidget(splitter, 1)

    # --- plots -----------------------------------------------------------------------------------
    def _plot(self, key: str) -> MetricPlot:
        plot = self.plots.get(key)
        if plot is None:
            plot = self.plots[key] = MetricPlot(key)
            plot.set_log_y(self.log_scale.isChecked())
            plot.current = self.current
        return plot

    @property
    def loss_plot(self) -> MetricPlot:
        return self.plots["loss"]

    @property
    def accuracy_plot(self) -> MetricPlot:
        return self._plot("accuracy")

    def _arrange_plots(self) -> None:
        """A plot per logged value that a ticked run has (the loss always), two to a row."""
        shown = [plot for key, plot in self.plots.items()
                 if key == "loss" or not self.runs and key == "accuracy"
                 or any(run.visible and plot.has_data(run) for run in self.runs.values())]
        if shown == self._shown:
            return  # a layout pass repaints the whole panel: only when something changed
        self._shown = shown
        for plot in self.plots.values():
            self.plot_grid.removeWidget(plot)
            plot.setVisible(plot in shown)
        for i, plot in enumerate(shown):
            self.plot_grid.addWidget(plot, i // PLOT_COLUMNS, i % PLOT_COLUMNS)

    def shown_plots(self) -> list[MetricPlot]:
        return [plot for plot in self.plots.values() if not plot.isHidden()]

    def set_log_scale(self, on: bool) -> None:
        for plot in self.plots.values():
            plot.set_log_y(on)

    # --- runs ------------------------------------------------------------------------------------
    def add_run(self, run: TrainingRun) -> None:
        """A new run: shown, and earlier runs hidden (tick them in the list to overlay)."""
        for other in self.runs.values():
            if other.visible:
                self.run_list.set_checked(other.number, False)
        self.runs[run.number] = run
        self.run_list.add_run(run)
        self.set_current(run)
        for plot in self.plots.values():  # its curves now, not during training's first redraw
            plot.set_run_visible(run, True)

    def set_current(self, run: TrainingRun) -> None:
        self.current = run
        for plot in self.plots.values():
            plot.current = run
        self._show_alert(run.divergence["message"] if run.divergence else None)

    def set_run_visible(self, number: int, visible: bool) -> None:
        run = self.runs[number]
        run.visible = visible
        for plot in self.plots.values():
            plot.set_run_visible(run, visible)
            plot.refresh(run)
        self._arrange_plots()

    def begin(self, first_epoch: int, last_epoch: int, batch_size: int) -> None:
        end = max([last_epoch, *(run.last_x for run in self.runs.values() if run.visible)])
        for plot in self.plots.values():
            plot.set_x_end(end)
        self.progress.start(first_epoch, last_epoch, batch_size)
        self._show_alert(None)
        self.status.setText("Training…")
        self.pause_button.setChecked(False)

    def end(self) -> None:
        """The run ended: the x axes follow the data again; the last points are drawn in turn by
        the redraw timer, as during the run."""
        for plot in self.plots.values():
            plot.set_x_end(None)

    def record_changed(self, run: TrainingRun) -> None:
        """The run has new points: redraw soon, not now."""
        new_keys = {k.removeprefix("val_") for k in (*run.batches, *run.epochs)} - set(self.plots)
        for key in sorted(new_keys):
            self._plot(key).set_x_end(self.loss_plot.viewRange()[0][1])
        self._arrange_plots()
        for key, plot in self.plots.items():
            if plot.has_data(run):
                self._dirty.setdefault(key, set()).add(run.number)
        if not self._redraw.isActive():
            self._redraw.start()

    def _redraw_next(self) -> None:
        """One plot per tick: the GUI thread's longest stretch of drawing is one plot's, not all
        of them (each still redraws several times a second)."""
        if self._dirty:
            key = next(iter(self._dirty))
            self._refresh(key, self._dirty.pop(key))
        if self._dirty:
            self._redraw.start()

    def is_drawn(self) -> bool:
        """Every point recorded is on the plots."""
        return not self._dirty

    def redraw(self) -> None:
        """Every plot with new points, now."""
        self._redraw.stop()
        while self._dirty:
            key, numbers = self._dirty.popitem()
            self._refresh(key, numbers)

    def _refresh(self, key: str, numbers: set[int]) -> None:
        for number in sorted(numbers):
            self.plots[key].refresh(self.runs[number])

    def show_epoch(self, epoch: int, logs: dict) -> None:
        parts = [f"{k} {v:.4f}" for k, v in sorted(logs.items())]
        self.status.setText(f"Epoch {epoch + 1}: " + ", ".join(parts))

    def show_divergence(self, run: TrainingRun) -> None:
        """The red cross on the loss curve, a line on every plot, and the guard's message here."""
        self.redraw()
        for plot in self.plots.values():
            plot.refresh(run)
        self.status.setText(run.divergence["message"])
        self._show_alert(run.divergence["message"])

    def _show_alert(self, message: str | None) -> None:
        """A red banner in place of the status line (which keeps the same text), or neither."""
        self.alert.setText(message or "")
        self.alert.setVisible(message is not None)
        self.status.setVisible(message is None)

    def set_paused(self, paused: bool) -> None:
        self.pause_button.setText(RESUME_TEXT if paused else PAUSE_TEXT)
        self.pause_button.setIcon(QApplication.style().standardIcon(
            Icon.SP_MediaPlay if paused else Icon.SP_MediaPause))
        (self.progress.pause if paused else self.progress.resume)()

    # --- exports ---------------------------------------------------------------------------------
    def export_csv(self, path: str) -> None:
        runs = [run for run in self.runs.values() if run.visible] or list(self.runs.values())
        with open(path, "w", encoding="utf-8", newline="") as file:
            file.write(history_csv(runs))

    def plots_image(self) -> QImage:
        self.redraw()
        return tile_plots(self.shown_plots(), PLOT_COLUMNS)

    def export_png(self, path: str) -> bool:
        return self.plots_image().save(path, "PNG")

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save plots", "training.png", "PNG image (*.png)")
        if path:
            ok = self.export_png(path)
            self.status.setText(f"Saved the plots to {path}." if ok else
                                f"Could not write {path}: check the folder exists and is writable.")

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save numbers", "training.csv",
                                              "CSV file (*.csv)")
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                self.status.setText(f"Could not write {path}: {exc.strerror or exc}.")
                return
            self.status.setText(f"Saved every epoch's values to {path}.")
