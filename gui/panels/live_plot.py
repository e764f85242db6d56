"""One logged value (the loss, or one metric) over epochs, for every run shown: the smoothed
per-batch training curve, per-epoch training points, per-epoch validation; a marker where a run
diverged; a crosshair with a read-out of the nearest point.

Curves are created once per run and fed NumPy views with setData; long batch curves are
downsampled to the pixels they cover (peak method, clipped to the view), so a redraw stays cheap
however long training runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.controllers.training_run import Series, TrainingRun
from gui.panels.plot_grid import AxisGrid

DIVERGENCE_COLOR = "#d62728"


def title_for(key: str) -> str:
    return key.replace("_", " ").capitalize()


@dataclass
class _RunCurves:
    run: TrainingRun
    batch: pg.PlotDataItem
    epoch: pg.PlotDataItem
    val: pg.PlotDataItem
    marker: pg.PlotDataItem
    marker_line: pg.InfiniteLine | None = None


class MetricPlot(pg.PlotWidget):
    def __init__(self, key: str) -> None:
        super().__init__(background="w")
        self.key = key
        self.setObjectName(f"{key}Plot")
        self.setTitle(title_for(key), color="#333")
        # Redraws happen ten times a second while training, so they are kept cheap: our own grid
        # (see plot_grid), one-pixel curve pens (Qt's fast path), and a fixed x range during a
        # run (see set_x_end), so the axes need not be redrawn as points arrive.
        self.addItem(AxisGrid(self.getPlotItem()), ignoreBounds=True)
        self.setLabel("bottom", "epoch")
        self.setMouseEnabled(x=False, y=False)
        self.legend = self.addLegend(offset=(-10, 10) if key == "loss" else (-10, -30),
                                     labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200))
        self._curves: dict[int, _RunCurves] = {}
        self._log_y = False
        self.current: TrainingRun | None = None
        crosshair = pg.mkPen("#888", width=1, style=Qt.PenStyle.DashLine)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=crosshair)
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=crosshair)
        self.readout = pg.TextItem(color="#222", fill=pg.mkBrush(255, 255, 255, 220), anchor=(0, 1))
        for item in (self.vline, self.hline, self.readout):
            item.setZValue(20)
            item.hide()
            self.addItem(item, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # --- runs ------------------------------------------------------------------------------------
    def _curves_for(self, run: TrainingRun) -> _RunCurves:
        curves = self._curves.get(run.number)
        if curves is None:
            train, val = run.colors
            batch = self.plot(pen=pg.mkPen(train, width=1), name=self._label(run, "batch"))
            batch.setDownsampling(auto=True, method="peak")
            batch.setClipToView(True)
            epoch = self.plot(pen=pg.mkPen(train, width=1, style=Qt.PenStyle.DotLine), symbol="o",
                              symbolBrush=train, symbolPen="w", symbolSize=7)
            val_curve = self.plot(pen=pg.mkPen(val, width=2, style=Qt.PenStyle.DashLine),
                                  symbol="o", symbolBrush=val, symbolPen="w", symbolSize=7,
                                  name=self._label(run, "val"))
            marker = self.plot(pen=None, symbol="x", symbolSize=16, symbolPen=pg.mkPen(
                DIVERGENCE_COLOR, width=3), symbolBrush=DIVERGENCE_COLOR)
            marker.setZValue(10)
            curves = self._curves[run.number] = _RunCurves(run, batch, epoch, val_curve, marker)
            for item in (batch, epoch, val_curve, marker):
                item.setLogMode(False, self._log_y)
        return curves

    def refresh(self, run: TrainingRun) -> None:
        """Redraw `run`'s curves from its series (views of its buffers: no copies)."""
        curves = self._curves_for(run)
        for item, series in ((curves.batch, run.batches.get(self.key)),
                             (curves.epoch, run.epochs.get(self.key)),
                             (curves.val, run.epochs.get(f"val_{self.key}"))):
            if series is None or not len(series):
                item.setData([], [])
            else:
                item.setData(series.x, series.y, connect="finite")
        self._draw_divergence(curves)

    def _draw_divergence(self, curves: _RunCurves) -> None:
        mark = curves.run.divergence
        if mark is None:
            curves.marker.setData([], [])
            return
        if mark["key"] == self.key and np.isfinite(mark["y"]):
            curves.marker.setData([mark["x"]], [mark["y"]])
        if curves.marker_line is None:
            curves.marker_line = pg.InfiniteLine(
                pos=mark["x"], angle=90, movable=False, label="diverged",
                pen=pg.mkPen(DIVERGENCE_COLOR, width=1.5, style=Qt.PenStyle.DashLine),
                labelOpts={"position": 0.9, "color": DIVERGENCE_COLOR})
            curves.marker_line.setVisible(curves.run.visible)
            self.addItem(curves.marker_line, ignoreBounds=True)

    def divergence_marker(self, run: TrainingRun) -> tuple[float, float] | None:
        """Where the red cross is drawn for `run`, or None."""
        curves = self._curves.get(run.number)
        if curves is None:
            return None
        x, y = curves.marker.getOriginalDataset()
        return None if x is None or not len(x) else (float(x[0]), float(y[0]))

    def set_run_visible(self, run: TrainingRun, visible: bool) -> None:
        curves = self._curves_for(run)
        for item in (curves.batch, curves.epoch, curves.val, curves.marker, curves.marker_line):
            if item is not None:
                item.setVisible(visible)
        # The legend lists only what is shown.
        for item, kind in ((curves.batch, "batch"), (curves.val, "val")):
            self.legend.removeItem(item)
            if visible:
                self.legend.addItem(item, self._label(run, kind))

    @staticmethod
    def _label(run: TrainingRun, kind: str) -> str:
        return f"{run.name} " + {"batch": "training", "epoch": "training (epoch mean)",
                                 "val": "validation"}[kind]

    def has_data(self, run: TrainingRun) -> bool:
        return self.key in run.batches or self.key in run.epochs or f"val_{self.key}" in run.epochs

    def visible_runs(self) -> list[TrainingRun]:
        return [c.run for c in self._curves.values() if c.batch.isVisible()]

    def set_x_end(self, end: float | None) -> None:
        """Fix the x axis to 0…end epochs (while a run goes: the axis then need not be redrawn as
        points arrive, and shows where training will end), or follow the data again (None)."""
        if end is None:
            self.enableAutoRange(x=True)
        else:
            self.setXRange(0, end, padding=0.02)

    # --- scale and read-out ----------------------------------------------------------------------
    def set_log_y(self, on: bool) -> None:
        self._log_y = on
        self.setLogMode(x=False, y=on)

    @property
    def log_y(self) -> bool:
        return self._log_y

    def _sources(self):
        for curves in self._curves.values():
            if not curves.batch.isVisible():
                continue
            run = curves.run
            yield self._label(run, "batch") + " (smoothed)", run.batches.get(self.key)
            yield self._label(run, "epoch"), run.epochs.get(self.key)
            yield self._label(run, "val"), run.epochs.get(f"val_{self.key}")

    def nearest(self, x: float, y_shown: float) -> tuple[str, float, float] | None:
        """The point drawn nearest to (x, y_shown) — y in the axis' own units, log10 of the value
        on a log scale — as (curve label, x, value); distances count in fractions of the view."""
        (x0, x1), (y0, y1) = self.viewRange()
        width, height = (x1 - x0) or 1.0, (y1 - y0) or 1.0
        best = None
        for label, series in self._sources():
            if not isinstance(series, Series) or not len(series):
                continue
            with np.errstate(all="ignore"):
                shown = np.log10(series.y) if self._log_y else series.y
                distance = np.hypot((series.x - x) / width, (shown - y_shown) / height)
            distance[~np.isfinite(distance)] = np.inf
            i = int(np.argmin(distance))
            if np.isfinite(distance[i]) and (best is None or distance[i] < best[0]):
                best = (distance[i], label, float(series.x[i]), float(series.y[i]))
        return None if best is None else best[1:]

    def _on_mouse_moved(self, scene_pos) -> None:
        view = self.getPlotItem().vb
        if not view.sceneBoundingRect().contains(scene_pos):
            self.hide_readout()
            return
        point = view.mapSceneToView(scene_pos)
        self.show_readout(point.x(), point.y())

    def show_readout(self, x: float, y_shown: float) -> str:
        """Crosshair on the point nearest to (x, y_shown) and its text; returns the text."""
        found = self.nearest(x, y_shown)
        if found is None:
            self.hide_readout()
            return ""
        label, px, value = found
        shown = np.log10(value) if self._log_y and value > 0 else value
        text = f"{label}\nepoch {px:.2f}: {self.key} {value:.4g}"
        self.vline.setPos(px)
        self.hline.setPos(shown)
        self.readout.setText(text)
        self.readout.setPos(px, shown)
        for item in (self.vline, self.hline, self.readout):
            item.show()
        return text

    def hide_readout(self) -> None:
        for item in (self.vline, self.hline, self.readout):
            item.hide()

    # --- what the run records say, for tests and the status line --------------------------------
    def point_count(self) -> int:
        """Finite points drawn for the current run."""
        run = self.current
        if run is None:
            return 0
        return sum(int(np.isfinite(s.y).sum()) for s in (
            run.batches.get(self.key), run.epochs.get(self.key), run.epochs.get(f"val_{self.key}"))
            if s is not None)

    @property
    def epoch_y(self) -> list[float]:
        """The current run's per-epoch training values."""
        series = self.current.epochs.get(self.key) if self.current else None
        return [] if series is None else series.y.tolist()
