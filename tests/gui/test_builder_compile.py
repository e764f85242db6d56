"""The compile panel: every optimizer with its own settings, schedules, loss, metrics, callbacks —
each edit an undo step, refused values explained on the spot."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from engine import callbacks, optimizers
from engine.optimizers import schedules
from gui import session
from tests.gui.builder_support import make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def _state(win) -> dict:
    return win.compile_panel.model.state


def test_every_optimizer_shows_the_settings_of_its_signature(window):
    panel = window.compile_panel
    assert [panel.optimizer.itemText(i) for i in range(panel.optimizer.count())] == optimizers.names()
    for name in optimizers.names():
        panel.optimizer.setCurrentText(name)
        cls = type(optimizers.get(name))
        expected = [p for p in inspect.signature(cls.__init__).parameters
                    if p not in ("self", "learning_rate", "kwargs")]
        assert list(panel.hyper_editors) == expected, name
        assert isinstance(panel.options()["optimizer"], cls)


def test_optimizer_setting_edit_undo_and_redo(window):
    panel, undo = window.compile_panel, window.undo_stack
    panel.optimizer.setCurrentText("adam")
    assert undo.undoText() == "Change optimizer to adam"
    panel.hyper_editors["beta_1"].setValue(0.8)
    assert _state(window)["hyper"]["beta_1"] == pytest.approx(0.8)
    assert panel.options()["optimizer"].beta_1 == pytest.approx(0.8)
    assert undo.undoText() == "Change beta 1"
    count = undo.count()
    undo.undo()
    assert panel.hyper_editors["beta_1"].value() == pytest.approx(0.9)
    assert undo.count() == count  # the panel following undo pushes nothing new
    undo.undo()
    assert panel.optimizer.currentText() == "sgd" and "beta_1" not in panel.hyper_editors
    undo.redo()
    undo.redo()
    assert _state(window)["hyper"]["beta_1"] == pytest.approx(0.8)


def test_learning_rate_steps_merge_and_a_round_trip_leaves_nothing_to_undo(window):
    panel, undo = window.compile_panel, window.undo_stack
    count = undo.count()
    panel.learning_rate.setValue(0.02)
    panel.learning_rate.setValue(0.03)
    assert undo.count() == count + 1 and undo.undoText() == "Change learning rate"
    undo.undo()
    assert panel.learning_rate.value() == pytest.approx(0.01)
    panel.optimizer.setCurrentText("adam")
    panel.optimizer.setCurrentText("sgd")
    assert undo.count() == count  # adam then back: one merged step that cancelled out


def test_schedule_choice_and_a_refused_setting(window):
    panel = window.compile_panel
    panel.schedule.setCurrentText("ExponentialDecay")
    assert list(panel.schedule_editors) == ["decay_steps", "decay_rate", "staircase"]
    panel.schedule_editors["decay_rate"].setValue(0.5)
    optimizer = panel.options()["optimizer"]
    schedule = optimizer._learning_rate
    assert isinstance(schedule, schedules.ExponentialDecay)
    assert schedule(schedule.decay_steps) == pytest.approx(0.01 * 0.5)
    panel.schedule.setCurrentText("PiecewiseConstantDecay")
    values = panel.schedule_editors["values"]
    values.setText("0.1")
    values.editingFinished.emit()
    assert "length of boundaries" in panel.error.text()
    assert _state(window)["schedule_params"]["values"] == [0.01, 0.001]
    panel.reduce_lr.setChecked(True)  # a schedule and reduce-on-plateau cannot both set the rate
    assert "schedule" in panel.error.text() and not _state(window)["reduce_lr"]["enabled"]
    assert not panel.reduce_lr.isChecked()  # the refused box does not stay ticked
    for _ in range(3):  # Piecewise, the decay rate, ExponentialDecay
        window.undo_stack.undo()
    assert _state(window)["schedule"] is None and not panel.schedule_editors


def test_negative_learning_rate_is_refused_with_the_engine_reason(window):
    panel = window.compile_panel
    panel.learning_rate.setValue(-0.5)
    assert "learning_rate=-0.5" in panel.error.text()
    assert _state(window)["learning_rate"] == pytest.approx(0.01)
    assert panel.learning_rate.value() == pytest.approx(0.01)


def test_metrics_follow_the_loss(window):
    panel = window.compile_panel
    assert "precision" in panel.metric_actions
    panel.metric_actions["precision"].trigger()
    assert _state(window)["metrics"] == ["accuracy", "precision"]
    assert panel.metrics_button.text() == "accuracy, precision"
    panel.loss.setCurrentText("sparse_categorical_crossentropy")
    assert _state(window)["metrics"] == ["accuracy"]  # precision needs one-hot labels
    assert "sparse_categorical_accuracy" in panel.metric_actions
    assert "precision" not in panel.metric_actions
    window.undo_stack.undo()
    assert _state(window)["metrics"] == ["accuracy", "precision"]


def test_callbacks_are_engine_objects_that_fit_accepts(window):
    panel = window.compile_panel
    assert panel.callbacks() == []
    panel.early_stopping.setChecked(True)
    panel.stop_patience.setValue(1)
    panel.reduce_lr.setChecked(True)
    panel.reduce_factor.setValue(0.2)
    stop, reduce = panel.callbacks()
    assert isinstance(stop, callbacks.EarlyStopping) and stop.patience == 1 and stop.restore_best_weights
    assert isinstance(reduce, callbacks.ReduceLROnPlateau) and reduce.factor == pytest.approx(0.2)
    panel.reduce_factor.setValue(1.5)  # the engine refuses factor >= 1
    assert "factor" in panel.error.text()
    data = window.data_panel.dataset
    model = session.build_model(window.stack.specs, data.input_shape, panel.options())
    history = model.fit(data.x_train[:256], data.labels_for("categorical", data.y_train[:256]),
                        epochs=2, batch_size=64, validation_split=0.25, verbose=0,
                        callbacks=panel.callbacks())
    assert np.isfinite(history.history["val_loss"]).all()
