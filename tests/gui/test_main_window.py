"""The whole loop through real widgets on the real engine and the bundled MNIST sample."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def _double_click_palette(qtbot, win, class_name):
    tree = win.palette_panel.tree
    item = win.palette_panel.item_for(class_name)
    tree.scrollToItem(item)
    center = tree.visualItemRect(item).center()
    # A person's double-click starts with a click; QTest's mouseDClick alone sends no press first.
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, center)
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, center)


def _train(qtbot, win, timeout=60_000):
    with qtbot.waitSignal(win.training.train_button.clicked, timeout=1000):
        qtbot.mouseClick(win.training.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.thread is None, timeout=timeout)


def test_default_stack_is_valid_and_summarised(window):
    assert [s.class_name for s in window.stack.specs] == ["Flatten", "Dense", "Dense"]
    assert window.stack.check.ok
    # Flatten 0, Dense 784*64+64, Dense 64*10+10: counted by the engine, shown by the panel.
    assert window.summary.total_params() == 784 * 64 + 64 + 64 * 10 + 10
    assert window.training.train_button.isEnabled()


def test_build_a_stack_through_palette_and_inspector(qtbot, window):
    window.select_row(1)  # the hidden Dense: new layers go after the selection
    _double_click_palette(qtbot, window, "Dropout")
    assert [s.class_name for s in window.stack.specs] == ["Flatten", "Dense", "Dropout", "Dense"]
    window.select_row(1)
    units = window.inspector.editors["units"]
    units.setValue(32)
    assert window.stack.specs[1].config["units"] == 32
    assert window.summary.table.item(2, 1).text() == "(None, 32)"
    window.undo_stack.undo()
    assert window.stack.specs[1].config["units"] == 64


def test_inspector_refuses_bad_values_with_the_reason(qtbot, window):
    window.select_row(1)
    window.inspector.editors["units"].setValue(0)
    assert "units=0" in window.inspector.error.text()
    assert window.stack.specs[1].config["units"] == 64
    window.add_layer("Dropout", 2)
    window.select_row(2)
    window.inspector.editors["rate"].setValue(1.5)
    assert "rate=1.5" in window.inspector.error.text()
    assert window.stack.specs[2].config["rate"] == 0.5


def test_empty_stack_disables_train_with_reason(qtbot, window):
    window.select_row(0)
    window.stack_view.setFocus()
    for _ in range(3):
        window.select_row(0)
        QTest.keyClick(window.stack_view, Qt.Key.Key_Delete)
    assert window.stack.specs == []
    assert not window.training.train_button.isEnabled()
    assert "no layers" in window.training.train_button.toolTip()


def test_dense_after_image_input_explains_flatten(window):
    window.remove_layers([0])  # drop the Flatten: Dense now meets 28×28 images
    assert not window.training.train_button.isEnabled()
    assert "Flatten" in window.training.train_button.toolTip()


def test_train_one_epoch_moves_the_curves(qtbot, window):
    window.training.epochs.setValue(1)
    _train(qtbot, window)
    assert window.training.loss_plot.point_count() > 2
    assert window.training.accuracy_plot.point_count() > 2
    final_accuracy = window.training.accuracy_plot.epoch_y[-1]
    assert final_accuracy > 0.2  # chance is 0.1 on ten digits
    assert "Test accuracy" in window.statusBar().currentMessage() or \
        "test accuracy" in window.statusBar().currentMessage()


def test_stop_ends_training_within_a_second(qtbot, window):
    window.training.epochs.setValue(200)
    qtbot.mouseClick(window.training.train_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.worker.batchEnded, timeout=10_000):
        pass
    started = time.monotonic()
    qtbot.mouseClick(window.training.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.thread is None, timeout=1000)
    assert time.monotonic() - started < 1.0
    assert window.training.train_button.isEnabled()


def test_huge_learning_rate_trips_the_divergence_guard(qtbot, window):
    window.compile_panel.learning_rate.setValue(1e3)
    window.training.epochs.setValue(3)
    _train(qtbot, window)
    message = window.training.status.text()
    assert "diverged at epoch 1, batch" in message and "rose from" in message
    assert "try 0.01" in message  # SGD's default rate


def test_nan_loss_stops_with_epoch_and_batch(qtbot, window):
    # A linear output under squared error is unbounded: a rate this large overflows to inf/NaN.
    window.select_row(2)
    window.inspector.editors["activation"].setCurrentText("linear")
    assert window.stack.specs[2].config["activation"] == "linear"
    window.compile_panel.loss.setCurrentText("mean_squared_error")
    window.compile_panel.learning_rate.setValue(1e4)
    window.training.epochs.setValue(3)
    _train(qtbot, window)
    message = window.training.status.text()
    assert "diverged at epoch 1, batch" in message


def test_trained_model_predicts_a_drawn_stroke(qtbot, window):
    window.training.epochs.setValue(1)
    _train(qtbot, window)
    window.tabs.setCurrentWidget(window.predict)
    canvas = window.predict.findChild(type(window.predict.canvas), "drawCanvas")
    w, h = canvas.width(), canvas.height()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(canvas, left, none, QPoint(w // 2, h // 5))
    for step in range(1, 11):
        QTest.mouseMove(canvas, QPoint(w // 2, h // 5 + step * (3 * h // 5) // 10))
    QTest.mouseRelease(canvas, left, none, QPoint(w // 2, 4 * h // 5))
    qtbot.waitUntil(lambda: window.predict.current_probabilities() is not None, timeout=2000)
    probabilities = np.asarray(window.predict.current_probabilities())
    assert probabilities.shape == (10,)
    assert abs(probabilities.sum() - 1) < 1e-5


def test_worker_results_are_handled_in_the_gui_thread(qtbot, window):
    """The finish handler touches widgets, so it must run in the GUI thread, not the worker's."""
    from PySide6.QtCore import QThread

    gui_thread, seen = QThread.currentThread(), []
    # showMessage emits messageChanged from whichever thread calls it: the handler's thread.
    window.statusBar().messageChanged.connect(
        lambda text: seen.append(QThread.currentThread() is gui_thread) if "finished" in text else None)
    window.training.epochs.setValue(1)
    _train(qtbot, window)
    assert seen and all(seen)


def test_opened_models_channel_axis_is_matched_to_the_data(qtbot, window):
    """A 28×28×1 model (as Keras CNNs are) trains on 28×28 images without the user reshaping."""
    window.stack.set_data_shape((28, 28, 1), 10)
    window.training.epochs.setValue(1)
    _train(qtbot, window)
    assert window.training_controller.model.input_shape == (None, 28, 28, 1)
    assert window.training.loss_plot.point_count() > 2


def test_incompatible_input_shape_is_explained(qtbot, window):
    window.stack.set_data_shape((32, 32, 3), 10)
    qtbot.mouseClick(window.training.train_button, Qt.MouseButton.LeftButton)
    assert window.thread is None
    assert "32×32×3" in window.statusBar().currentMessage()
