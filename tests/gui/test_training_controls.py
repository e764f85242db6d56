"""Pause, Resume, Stop, Continue and Reset weights through the real buttons, on the real engine and
the bundled MNIST sample; and closing the window while training runs."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui.window_support import open_window

LEFT = Qt.MouseButton.LeftButton


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, LEFT)


def _train(qtbot, win, button, epochs: int) -> None:
    win.training.epochs.setValue(epochs)
    _click(qtbot, button)
    qtbot.waitUntil(lambda: win.thread is None, timeout=60_000)


def _assert_continuous(run, epochs: int) -> None:
    """Epochs 1…epochs, once each; every curve's x rises without a restart."""
    assert run.history["epoch"] == list(range(1, epochs + 1))
    assert len(run.history["loss"]) == epochs
    for series in (*run.batches.values(), *run.epochs.values()):
        assert np.all(np.diff(series.x) > 0)
    assert run.batches["loss"].x[-1] == pytest.approx(epochs)


def test_continue_numbers_epochs_on_with_the_same_model_and_optimizer(qtbot, window):
    panel, controller = window.training, window.training_controller
    _train(qtbot, window, panel.train_button, 2)
    model, run = controller.model, controller.run
    steps = run.batches["loss"].x.size
    iterations = model.optimizer.iterations
    assert run.history["epoch"] == [1, 2]

    _train(qtbot, window, panel.continue_button, 2)
    assert controller.model is model and controller.run is run and len(panel.runs) == 1
    assert model.optimizer.iterations == 2 * iterations  # Adam's/SGD's step count carried on
    _assert_continuous(run, 4)
    assert run.batches["loss"].x.size > steps
    assert run.batches["loss"].x[steps] > 2  # the new points start after epoch 2
    assert panel.loss_plot.epoch_y == run.history["loss"]
    assert panel.run_list.item_for(run.number).text(2) == "4"
    assert panel.progress.bar.format().startswith("Training finished")


def _drawn(controller) -> int:
    """Smoothed batch points the GUI has received for the current run."""
    series = controller.run.batches.get("loss") if controller.run else None
    return 0 if series is None else len(series)


def test_pause_blocks_between_batches_and_resume_goes_on(qtbot, window):
    panel, controller = window.training, window.training_controller
    window.training.epochs.setValue(200)
    _click(qtbot, panel.train_button)
    worker = controller.worker
    qtbot.waitUntil(lambda: _drawn(controller) > 0, timeout=10_000)
    _click(qtbot, panel.pause_button)
    # The worker says where it waits (a queued signal, shown by the GUI thread).
    qtbot.waitUntil(lambda: "Paused after epoch" in panel.progress.bar.format(), timeout=5_000)
    assert panel.pause_button.isChecked() and "Resume" in panel.pause_button.text().replace("&", "")
    steps, drawn = controller.model.optimizer.iterations, _drawn(controller)
    # It waits inside the batch callback: no batch runs and nothing is reported.
    with qtbot.assertNotEmitted(worker.batchEnded, wait=400):
        pass
    assert controller.model.optimizer.iterations == steps and _drawn(controller) == drawn
    _click(qtbot, panel.pause_button)  # Resume
    assert not panel.pause_button.isChecked() and "Pause" in panel.pause_button.text().replace("&", "")
    qtbot.waitUntil(lambda: _drawn(controller) > drawn, timeout=5_000)
    assert controller.model.optimizer.iterations > steps
    _click(qtbot, panel.stop_button)
    qtbot.waitUntil(lambda: window.thread is None, timeout=5_000)


def test_stop_while_paused_then_continue_keeps_one_history(qtbot, window):
    panel, controller = window.training, window.training_controller
    window.training.epochs.setValue(200)
    _click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: controller.run.epochs_done >= 1, timeout=20_000)
    _click(qtbot, panel.pause_button)
    qtbot.waitUntil(lambda: "Paused after epoch" in panel.progress.bar.format(), timeout=5_000)
    started = time.monotonic()
    _click(qtbot, panel.stop_button)
    qtbot.waitUntil(lambda: window.thread is None, timeout=2_000)
    assert time.monotonic() - started < 2.0
    run = controller.run
    stopped_at = run.epochs_done  # the interrupted epoch is logged, as Keras does
    # …and drawn where it stopped: mid-epoch, or at its end when the pause fell on its last batch
    assert stopped_at >= 2 and stopped_at - 1 < run.last_x <= stopped_at
    assert panel.continue_button.isEnabled()

    _train(qtbot, window, panel.continue_button, 1)
    assert controller.run is run
    assert run.history["epoch"] == list(range(1, stopped_at + 2))
    for series in (*run.batches.values(), *run.epochs.values()):
        assert np.all(np.diff(series.x) > 0)
    assert run.epochs["loss"].x[-1] == stopped_at + 1


def test_reset_weights_starts_an_untrained_run_that_continue_trains(qtbot, window):
    panel, controller = window.training, window.training_controller
    _train(qtbot, window, panel.train_button, 1)
    trained = controller.model
    _click(qtbot, panel.reset_button)
    fresh = controller.model
    assert fresh is not trained and controller.run.number == 2 and controller.run.epochs_done == 0
    assert not panel.run_list.is_checked(1) and panel.run_list.is_checked(2)
    assert not all(np.array_equal(a, b) for a, b in zip(fresh.get_weights(), trained.get_weights(),
                                                         strict=True))
    _train(qtbot, window, panel.continue_button, 1)
    assert controller.run.number == 2 and controller.run.history["epoch"] == [1]


def test_closing_during_training_ends_the_worker_within_two_seconds(qtbot):
    win = open_window(qtbot)
    win.training.epochs.setValue(1000)
    errors = []
    _click(qtbot, win.training.train_button)
    thread, worker = win.thread, win.worker
    worker.failed.connect(errors.append)
    qtbot.waitUntil(lambda: _drawn(win.training_controller) > 0, timeout=10_000)
    started = time.monotonic()
    assert win.close()
    assert time.monotonic() - started < 2.0
    assert thread.isFinished()
    assert errors == []


def test_callbacks_chosen_in_the_compile_panel_take_part_in_fit(qtbot, window):
    from engine.callbacks import EarlyStopping

    window.compile_panel.early_stopping.setChecked(True)
    window.data_panel.validation_split.setValue(0.1)
    window.training.epochs.setValue(2)
    _click(qtbot, window.training.train_button)
    stopping = [c for c in window.worker.callbacks if isinstance(c, EarlyStopping)]
    qtbot.waitUntil(lambda: window.thread is None, timeout=60_000)
    assert len(stopping) == 1
    history = window.training_controller.run.history
    assert stopping[0].best == pytest.approx(min(history["val_loss"]))  # it saw every epoch
