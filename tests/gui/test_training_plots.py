"""The training view's plots on real runs (engine + bundled MNIST sample): a plot per logged value,
log scale, read-out, CSV and PNG export, run overlay, and the divergence marker."""

from __future__ import annotations

import csv
import math
import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from gui.workers.batch_smoothing import BatchSmoother, smoothing_span

LEFT = Qt.MouseButton.LeftButton


def _train(qtbot, win, epochs: int = 1) -> None:
    win.training.epochs.setValue(epochs)
    assert win.training.train_button.isEnabled(), win.training.train_button.toolTip()
    qtbot.mouseClick(win.training.train_button, LEFT)
    qtbot.waitUntil(lambda: win.thread is None, timeout=60_000)
    qtbot.waitUntil(win.training.is_drawn, timeout=2_000)  # the last points, drawn in turn


def test_a_plot_per_compiled_metric_from_the_logs(qtbot, window):
    window.compile_panel.metric_actions["auc"].trigger()  # accuracy and auc
    window.data_panel.validation_split.setValue(0.1)
    _train(qtbot, window, 2)
    panel, run = window.training, window.training_controller.run
    assert {"loss", "accuracy", "auc"} <= set(panel.plots)
    assert panel.findChild(type(panel.loss_plot), "aucPlot") is panel.plots["auc"]
    for key in ("loss", "accuracy", "auc"):
        assert panel.plots[key] in panel.shown_plots()
        assert run.epochs[f"val_{key}"].y.tolist() == run.history[f"val_{key}"]
        _, shown = panel.plots[key]._curves[run.number].val.getData()
        assert shown.tolist() == pytest.approx(run.history[f"val_{key}"])


def test_log_scale_shows_log10_and_reads_out_real_values(qtbot, window):
    _train(qtbot, window)
    panel, run = window.training, window.training_controller.run
    qtbot.mouseClick(panel.log_scale, LEFT, pos=panel.log_scale.rect().center())
    assert panel.log_scale.isChecked()
    plot = panel.loss_plot
    assert plot.log_y and plot.getPlotItem().ctrl.logYCheck.isChecked()
    x, y = plot._curves[run.number].epoch.getData()
    assert y.tolist() == pytest.approx(np.log10(run.history["loss"]).tolist())
    text = plot.show_readout(x[0], y[0])
    assert f"loss {run.history['loss'][0]:.4g}" in text and "epoch mean" in text
    assert plot.readout.isVisible() and plot.vline.value() == pytest.approx(x[0])


def test_csv_export_writes_every_epoch_of_the_ticked_runs(qtbot, window, tmp_path):
    window.data_panel.validation_split.setValue(0.1)
    _train(qtbot, window, 2)
    run = window.training_controller.run
    path = tmp_path / "numbers.csv"
    window.training.export_csv(str(path))
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["run", "epoch", "loss", "val_loss", "accuracy", "val_accuracy"]
    assert [r[:2] for r in rows[1:]] == [["Run 1", "1"], ["Run 1", "2"]]
    for row, epoch in zip(rows[1:], range(2), strict=True):
        for key, cell in zip(rows[0][2:], row[2:], strict=True):
            assert float(cell) == run.history[key][epoch]  # repr round-trips exactly


def test_png_export_draws_the_plots(qtbot, window, tmp_path):
    _train(qtbot, window)
    path = tmp_path / "plots.png"
    assert window.training.export_png(str(path))
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 2 * 400
    blue = sum(image.pixelColor(x, y).blue() > image.pixelColor(x, y).red() + 60
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))
    assert blue > 50  # the blue training curves are in the picture


def test_two_runs_overlay_when_both_are_ticked(qtbot, window):
    _train(qtbot, window)
    window.compile_panel.learning_rate.setValue(0.1)
    _train(qtbot, window)
    panel = window.training
    first, second = panel.runs[1], panel.runs[2]
    assert panel.loss_plot.visible_runs() == [second]  # a new run hides the older ones
    item = panel.run_list.item_for(1)
    item.setCheckState(0, Qt.CheckState.Checked)  # the user ticks Run 1
    assert first.visible
    assert panel.loss_plot.visible_runs() == [first, second]
    labels = [label.text for _, label in panel.loss_plot.legend.items]
    assert labels == ["Run 2 training", "Run 2 validation", "Run 1 training", "Run 1 validation"] \
        or set(labels) == {"Run 1 training", "Run 1 validation", "Run 2 training",
                           "Run 2 validation"}
    curves = panel.loss_plot._curves
    assert len(curves[1].batch.getData()[0]) > 0 and len(curves[2].batch.getData()[0]) > 0
    assert "SGD 0.1" in panel.run_list.item_for(2).text(1)
    assert "test_accuracy" in panel.run_list.item_for(1).text(3)
    panel.run_list.item_for(2).setCheckState(0, Qt.CheckState.Unchecked)
    assert panel.loss_plot.visible_runs() == [first]


def test_divergence_is_marked_on_the_curve_and_explained_in_the_view(qtbot, window):
    window.compile_panel.learning_rate.setValue(1e3)
    _train(qtbot, window, 3)
    panel, run = window.training, window.training_controller.run
    assert run.divergence is not None
    message = run.divergence["message"]
    assert "diverged at epoch 1, batch" in message
    assert panel.alert.isVisible() and panel.alert.text() == message
    batch = int(re.search(r"batch (\d+)", message).group(1))  # counted from 1, as shown
    held_out = window.data_panel.validation_split.value()  # Keras keeps the last part aside
    trained_on = math.floor(len(window.data_panel.dataset.x_train) * (1 - held_out))
    steps = math.ceil(trained_on / window.training.batch_size.value())
    x, y = panel.loss_plot.divergence_marker(run)
    assert x == pytest.approx(batch / steps)  # at the batch the message names, in epoch 1
    series = run.batches["loss"]
    assert y == pytest.approx(series.y[np.searchsorted(series.x, x)])
    for plot in panel.shown_plots():
        line = plot._curves[run.number].marker_line
        assert line is not None and line.value() == pytest.approx(x) and line.isVisible()
    assert not panel.continue_button.isEnabled()
    assert "diverged" in panel.continue_button.toolTip()


def test_batch_smoother_recovers_each_batch_from_running_means():
    batch_values = [4.0, 2.0, 3.0, 1.0, 5.0]
    sizes = [10, 10, 10, 10, 4]
    smoother = BatchSmoother(batch_size=10, train_samples=44, mean_keys=set())
    smoother.start_epoch(steps=5)
    alpha = 2 / (smoothing_span(5) + 1)
    average, total, seen, out = 0.0, 0.0, 0, {}
    for batch, (value, size) in enumerate(zip(batch_values, sizes, strict=True)):
        total, seen = total + value * size, seen + size
        smoother.update(batch, {"loss": total / seen, "auc": 0.5}, out)
        average += alpha * (value - average)
        assert out["loss"][-1] == pytest.approx(average / (1 - (1 - alpha) ** (batch + 1)))
        assert out["auc"][-1] == 0.5  # not a sample mean: passed through
    assert math.isclose(smoother.averages["loss"], average)


def test_hovering_a_point_shows_the_crosshair_and_its_values(qtbot, window):
    window.data_panel.validation_split.setValue(0.1)
    _train(qtbot, window, 2)
    plot, run = window.training.loss_plot, window.training_controller.run
    x, y = run.epochs["val_loss"].x[0], run.epochs["val_loss"].y[0]
    # The view takes in the last points when it next paints.
    qtbot.waitUntil(lambda: plot.viewRange()[0][1] >= run.batches["loss"].x[-1], timeout=2_000)
    scene_point = plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    QTest.mouseMove(plot.viewport(), plot.mapFromScene(scene_point))
    qtbot.waitUntil(plot.readout.isVisible, timeout=2_000)
    assert "Run 1 validation" in plot.readout.toPlainText()
    assert f"loss {y:.4g}" in plot.readout.toPlainText()
    assert plot.vline.value() == pytest.approx(x) and plot.hline.value() == pytest.approx(y)


def test_the_guards_alarm_level_is_where_it_speaks():
    from engine.optimizers import SGD
    from gui.workers.divergence import DivergenceGuard

    guard = DivergenceGuard()
    assert guard.alarm_level == math.inf
    assert guard.check(0, 0, 0.4, SGD(0.01)) is None  # the baseline
    level = guard.alarm_level
    assert level == pytest.approx(1.2)  # above both 3 × 0.4 and 0.4 + 0.5
    assert guard.check(0, 1, level, SGD(0.01)) is None
    assert guard.check(0, 2, level * 1.001, SGD(0.01)) is not None
