"""The summary's multiply-adds and memory against hand computations, and the time per epoch
measured on a worker thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThread

from gui.stack.templates import by_title
from tests.gui.builder_support import make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def test_lenet_multiply_adds_and_memory_by_hand(window):
    window.template_controller.load(by_title("LeNet-style CNN (MNIST)"))
    cost = window.summary.cost()
    conv1 = 3 * 3 * 1 * 32 * 26 * 26       # kh·kw·c_in·c_out·h_out·w_out
    conv2 = 3 * 3 * 32 * 64 * 11 * 11
    dense1, dense2 = 1600 * 128, 128 * 10  # in·out
    assert cost.macs == [0, conv1, 0, conv2, 0, 0, dense1, 0, dense2]
    assert cost.total_macs == 2_631_040
    params = 320 + 18_496 + 204_928 + 1_290
    assert cost.params == params and cost.weight_bytes == params * 4
    # Output values per sample: reshape, conv, pool, conv, pool, flatten, dense, dropout, dense.
    values = 784 + 26 * 26 * 32 + 13 * 13 * 32 + 11 * 11 * 64 + 5 * 5 * 64 + 1600 + 128 + 128 + 10
    assert cost.activation_values == values
    window.training.batch_size.setValue(64)
    assert cost.activation_bytes(64, training=False) == values * 64 * 4
    assert cost.activation_bytes(64, training=True) == values * 64 * 4 * 2
    memory = window.summary.memory.text()
    assert "batch of 64" in memory and f"{params * 4 / 1024:,.1f} KB" in memory
    assert window.summary.table.item(4, 3).text() == "2.2 M"  # conv2d_1's row
    assert "2,631,040" in window.summary.total.text()


def test_elementwise_layers_count_one_per_value(window):
    window.add_layer("ReLU", 2)  # after Dense 64
    cost = window.summary.cost()
    assert cost.macs == [0, 784 * 64, 64, 64 * 10]


def test_time_per_epoch_is_measured_off_the_gui_thread(qtbot, window):
    summary = window.summary
    window.training.batch_size.setValue(50)
    gui_thread = QThread.currentThread()
    qtbot.mouseClick(summary.estimate_button, Qt.MouseButton.LeftButton)
    assert summary.estimator.running and summary.estimator.worker.thread() is not gui_thread
    assert not summary.estimate_button.isEnabled()
    qtbot.waitUntil(lambda: summary.estimate_label.text().startswith("≈"), timeout=20_000)
    steps = -(-3600 // 50)  # 4,000 training samples less the 10% validation split, in batches of 50
    assert f"{steps:,} batches" in summary.estimate_label.text()
    assert "per epoch" in summary.estimate_label.text() and summary.estimate_button.isEnabled()
    window.add_layer("Dropout", 1)
    assert "changed" in summary.estimate_label.text()


def test_estimate_refuses_an_invalid_model(window):
    window.remove_layers([0])
    assert not window.summary.estimate_button.isEnabled()
    window.builder_controller.estimate()
    assert "invalid model" in window.summary.estimate_label.text()


def test_closing_the_window_while_timing_stops_the_worker(qtbot, window):
    window.template_controller.load(by_title("CIFAR-10 CNN"))
    window.remove_layers(list(range(len(window.stack.specs))))
    window.add_layer("Flatten")
    window.add_layer("Dense")
    window.select_row(1)
    window.inspector.editors["units"].setValue(10)
    window.summary.estimate_button.click()
    estimator = window.summary.estimator
    assert estimator.running
    window.close()
    assert not estimator.running  # the thread was asked to stop and waited for
