"""The evaluation view after real training on the bundled MNIST sample: the confusion matrix is the
engine's own predictions, cells open their samples, Evaluate runs off the GUI thread."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui.panels.mistakes_gallery import MAX_SHOWN, thumbnail
from gui.session import fit_images

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def trained(qtbot, window):
    window.training.epochs.setValue(1)
    qtbot.mouseClick(window.training.train_button, LEFT)
    qtbot.waitUntil(lambda: window.thread is None, timeout=60_000)
    window.tabs.setCurrentWidget(window.evaluation)
    return window


def _engine_predictions(win) -> tuple[np.ndarray, np.ndarray]:
    """(true, predicted) by the engine itself: model.predict and argmax on the test split."""
    data, model = win.data_panel.dataset, win.training_controller.model
    x = fit_images(data.x_test, model.input_shape[1:], data.name)
    return data.y_test, model.predict(x, verbose=0).argmax(axis=1)


def test_confusion_matrix_counts_the_engines_predictions(trained):
    true, predicted = _engine_predictions(trained)
    panel = trained.evaluation
    k = trained.data_panel.dataset.num_classes
    expected = np.zeros((k, k), int)
    np.add.at(expected, (true, predicted), 1)
    assert np.array_equal(panel.counts, expected)
    assert np.array_equal(panel.matrix.counts, expected)
    assert panel.matrix.objectName() == "confusionMatrix"
    accuracy = np.trace(expected) / len(true)
    assert f"accuracy {accuracy:.2%}" in panel.summary.text()
    assert trained.training_controller.run.test["accuracy"] == pytest.approx(accuracy)


def test_per_class_precision_and_recall(trained):
    panel = trained.evaluation
    counts = panel.counts
    table = panel.class_table
    assert table.rowCount() == len(counts)
    for c in range(len(counts)):
        precision = counts[c, c] / counts[:, c].sum() if counts[:, c].sum() else None
        recall = counts[c, c] / counts[c].sum()
        assert table.item(c, 0).text() == trained.data_panel.dataset.class_names[c]
        assert table.item(c, 1).text() == ("—" if precision is None else f"{precision:.1%}")
        assert table.item(c, 2).text() == f"{recall:.1%}"
        assert table.item(c, 3).text() == f"{counts[c].sum():,}"


def test_gallery_shows_mistakes_then_the_clicked_cell(qtbot, trained):
    panel = trained.evaluation
    true, predicted = _engine_predictions(trained)
    wrong = np.flatnonzero(true != predicted)
    shown = panel.gallery.sample_indices()
    assert sorted(shown) == sorted(wrong[:MAX_SHOWN]) or len(shown) == MAX_SHOWN
    assert all(true[i] != predicted[i] for i in shown)
    assert not panel.gallery.item(0).icon().isNull()  # a thumbnail painted from the array
    confidences = panel.evaluation.confidence[shown]
    assert np.all(np.diff(confidences) <= 0)  # most confident mistakes first

    counts = panel.counts
    off = np.where(~np.eye(len(counts), dtype=bool), counts, 0)
    t, p = np.unravel_index(np.argmax(off), off.shape)  # the commonest confusion
    QTest.mouseClick(panel.matrix, LEFT, Qt.KeyboardModifier.NoModifier,
                     panel.matrix.cell_rect(t, p).center())
    assert panel.matrix.selected == (t, p)
    indices = panel.gallery.sample_indices()
    assert len(indices) == min(counts[t, p], MAX_SHOWN)
    assert all(true[i] == t and predicted[i] == p for i in indices)
    names = trained.data_panel.dataset.class_names
    assert f"True {names[t]}, predicted {names[p]}: {counts[t, p]:,} samples" in \
        panel.gallery_caption.text()
    qtbot.mouseClick(panel.all_mistakes_button, LEFT)
    assert sorted(panel.gallery.sample_indices()) == sorted(shown)


def test_evaluate_button_runs_in_a_worker_and_fills_the_view(qtbot, window):
    window.training.reset_button.click()  # an untrained model: Evaluate shows chance level
    panel = window.evaluation
    assert panel.evaluate_button.isEnabled(), panel.evaluate_button.toolTip()
    qtbot.mouseClick(panel.evaluate_button, LEFT)
    controller = window.evaluation_controller
    # The click returned before any result: the work happens on the worker's thread.
    assert controller.thread is not None and panel.counts.size == 0
    assert not panel.evaluate_button.isEnabled() and "Evaluating" in panel.summary.text()
    qtbot.waitUntil(lambda: controller.thread is None, timeout=20_000)
    n = len(window.data_panel.dataset.y_test)
    assert panel.counts.sum() == n
    true, predicted = _engine_predictions(window)
    assert np.trace(panel.counts) == int((true == predicted).sum())
    assert "Run 1" in panel.summary.text() and panel.evaluate_button.isEnabled()


def test_thumbnails_accept_the_layouts_data_comes_in():
    rng = np.random.default_rng(0)
    for image in (rng.random((28, 28)), rng.random((28, 28, 1)), rng.random((32, 32, 3)),
                  rng.integers(0, 256, (28, 28), dtype=np.uint8)):
        pixmap = thumbnail(image)
        assert pixmap is not None and not pixmap.isNull()
    assert thumbnail(rng.random(784)) is None  # not an image: no thumbnail, no crash
