"""Compile options — optimizer with its hyperparameters, learning-rate schedule, loss, metrics and
callbacks — filled from the engine's registries and the classes' signatures.

The panel shows a CompileOptions model. A user edit becomes `editRequested(text, new_state,
merge_key)`, which the window turns into an undo command; only when nobody handles edits
(`apply_edits_directly`) does the panel set the model itself. Each edit is checked against the
engine first, so a refused value shows the engine's reason on the spot.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QToolButton,
    QWidget,
)

from engine import losses, optimizers
from gui.panels.inspector_editors import FloatSpin, make_editor, set_editor_value
from gui.stack import compile_options as co

# Kept for callers of the old panel: the default learning rate of an optimizer by name.
default_learning_rate = co.default_learning_rate


def _spin(low: int, high: int, name: str) -> QSpinBox:
    spin = QSpinBox(objectName=name)
    spin.setRange(low, high)
    spin.setKeyboardTracking(False)
    return spin


class CompilePanel(QGroupBox):
    changed = Signal()                      # the options changed, by the user or by undo/redo
    editRequested = Signal(str, object, object)  # (undo text, new state, merge key or None)

    def __init__(self, options: co.CompileOptions | None = None, parent=None) -> None:
        super().__init__("Compile", parent)
        self.setObjectName("compilePanel")
        self.model = options or co.CompileOptions(self)
        self.apply_edits_directly = True
        self._shown: dict = {}
        self.optimizer = QComboBox(objectName="optimizerCombo")
        self.optimizer.addItems(optimizers.names())
        self.learning_rate = FloatSpin(objectName="learningRateSpin")
        self.learning_rate.setRange(-1.0, 1e4)
        self.learning_rate.setSingleStep(0.001)
        self.learning_rate.setToolTip("Step size of each update (the start value under a schedule). "
                                      "Too large diverges; too small crawls.")
        self.schedule = QComboBox(objectName="scheduleCombo")
        self.schedule.addItems(["none", *co.SCHEDULES])
        self.schedule.setToolTip("How the learning rate changes with each batch (Keras' "
                                 "keras.optimizers.schedules).")
        self.hyper_form, self.schedule_form = QFormLayout(), QFormLayout()
        self.hyper_editors: dict[str, QWidget] = {}
        self.schedule_editors: dict[str, QWidget] = {}
        self.loss = QComboBox(objectName="lossCombo")
        self.loss.addItems(losses.names())
        self.metrics_button = QToolButton(objectName="metricsButton")
        self.metrics_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.metrics_menu = QMenu(self.metrics_button)
        self.metrics_button.setMenu(self.metrics_menu)
        self.metric_actions: dict[str, QAction] = {}
        self._callback_widgets()
        self.error = QLabel(objectName="compileError", wordWrap=True)
        self.error.setStyleSheet("color: #c62828;")
        self._layout()
        self._connect()
        self.model.changed.connect(self._show_state)
        self._show_state()

    # --- layout ---------------------------------------------------------------------------------
    def _callback_widgets(self) -> None:
        self.early_stopping = QCheckBox("Early stopping", objectName="earlyStoppingCheck")
        self.early_stopping.setToolTip("Stop when the validation loss has not improved for "
                                       "`patience` epochs (needs a validation split).")
        self.stop_patience = _spin(0, 1000, "earlyStoppingPatience")
        self.restore_best = QCheckBox("restore best", objectName="restoreBestCheck")
        self.restore_best.setToolTip("Go back to the weights of the best epoch when stopping.")
        self.reduce_lr = QCheckBox("Reduce LR on plateau", objectName="reduceLrCheck")
        self.reduce_lr.setToolTip("Multiply the learning rate by `factor` when the validation loss "
                                  "has not improved for `patience` epochs.")
        self.reduce_factor = FloatSpin(objectName="reduceLrFactor")
        self.reduce_factor.setRange(0.0, 10.0)
        self.reduce_factor.setSingleStep(0.1)
        self.reduce_patience = _spin(0, 1000, "reduceLrPatience")

    def _layout(self) -> None:
        form = QFormLayout(self)
        form.addRow("&Optimizer", self.optimizer)
        form.addRow("&Learning rate", self.learning_rate)
        form.addRow(self.hyper_form)
        form.addRow("LR &schedule", self.schedule)
        form.addRow(self.schedule_form)
        form.addRow("L&oss", self.loss)
        form.addRow("&Metrics", self.metrics_button)
        for first, *rest in ((self.early_stopping, QLabel("patience"), self.stop_patience,
                              self.restore_best),
                             (self.reduce_lr, QLabel("factor"), self.reduce_factor,
                              QLabel("patience"), self.reduce_patience)):
            row = QHBoxLayout()
            for widget in rest:
                row.addWidget(widget)
            row.addStretch(1)
            form.addRow(first)
            form.addRow("", row)
        form.addRow(self.error)

    def _connect(self) -> None:
        self.optimizer.currentTextChanged.connect(
            lambda name: self._edit(f"Change optimizer to {name}", co.with_optimizer(self.state(), name),
                                    "optimizer"))
        self.learning_rate.valueChanged.connect(
            lambda v: self._set("learning_rate", v, "Change learning rate"))
        self.schedule.currentTextChanged.connect(self._schedule_chosen)
        self.loss.currentTextChanged.connect(
            lambda name: self._edit(f"Change loss to {name}", co.with_loss(self.state(), name), "loss"))
        self.early_stopping.toggled.connect(
            lambda on: self._set_callback("early_stopping", "enabled", on,
                                          f"Turn early stopping {'on' if on else 'off'}"))
        self.stop_patience.valueChanged.connect(
            lambda v: self._set_callback("early_stopping", "patience", v, "Change early-stopping patience"))
        self.restore_best.toggled.connect(
            lambda on: self._set_callback("early_stopping", "restore_best_weights", on,
                                          "Change restore best weights"))
        self.reduce_lr.toggled.connect(
            lambda on: self._set_callback("reduce_lr", "enabled", on,
                                          f"Turn reduce-LR-on-plateau {'on' if on else 'off'}"))
        self.reduce_factor.valueChanged.connect(
            lambda v: self._set_callback("reduce_lr", "factor", v, "Change reduce-LR factor"))
        self.reduce_patience.valueChanged.connect(
            lambda v: self._set_callback("reduce_lr", "patience", v, "Change reduce-LR patience"))

    # --- from the model to the widgets ------------------------------------------------------------
    def _show_state(self, keep_error: bool = False) -> None:
        state = self.model.state
        widgets = [self.optimizer, self.learning_rate, self.schedule, self.loss, self.early_stopping,
                   self.stop_patience, self.restore_best, self.reduce_lr, self.reduce_factor,
                   self.reduce_patience]
        for widget in widgets:
            widget.blockSignals(True)
        self.optimizer.setCurrentText(state["optimizer"])
        self.learning_rate.setValue(state["learning_rate"])
        self.schedule.setCurrentText(state["schedule"] or "none")
        self.loss.setCurrentText(state["loss"])
        stop, reduce = state["early_stopping"], state["reduce_lr"]
        self.early_stopping.setChecked(stop["enabled"])
        self.stop_patience.setValue(stop["patience"])
        self.restore_best.setChecked(stop["restore_best_weights"])
        self.reduce_lr.setChecked(reduce["enabled"])
        self.reduce_factor.setValue(reduce["factor"])
        self.reduce_patience.setValue(reduce["patience"])
        for widget in (self.stop_patience, self.restore_best):
            widget.setEnabled(stop["enabled"])
        for widget in (self.reduce_factor, self.reduce_patience):
            widget.setEnabled(reduce["enabled"])
        for widget in widgets:
            widget.blockSignals(False)
        self._rebuild_editors(self.hyper_form, self.hyper_editors, state["hyper"], "hyper")
        self._rebuild_editors(self.schedule_form, self.schedule_editors, state["schedule_params"],
                              "schedule_params")
        self._show_metrics(state)
        if not keep_error:
            self.error.clear()
        self._shown = state
        self.changed.emit()

    def _rebuild_editors(self, form: QFormLayout, editors: dict, values: dict, part: str) -> None:
        if list(editors) == list(values):  # same settings: update in place, keeping focus
            for key, value in values.items():
                set_editor_value(editors[key], value)
            return
        while form.rowCount():
            form.removeRow(0)
        editors.clear()
        for key, value in values.items():
            editor = make_editor("", key, value, lambda v, k=key, p=part: self._set_part(p, k, v))
            editor.setObjectName(f"{part}_{key}")
            editors[key] = editor
            form.addRow("    " + key.replace("_", " "), editor)

    def _show_metrics(self, state: dict) -> None:
        self.metrics_button.setText(", ".join(state["metrics"]) or "none")
        names = co.classification_metrics(state["loss"])
        if list(self.metric_actions) == names:  # toggling one must not delete it mid-signal
            for name, action in self.metric_actions.items():
                action.blockSignals(True)
                action.setChecked(name in state["metrics"])
                action.blockSignals(False)
            return
        self.metrics_menu.clear()
        self.metric_actions = {}
        for name in co.classification_metrics(state["loss"]):
            action = self.metrics_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in state["metrics"])
            action.toggled.connect(lambda on, n=name: self._toggle_metric(n, on))
            self.metric_actions[name] = action

    # --- from the widgets to an edit ----------------------------------------------------------------
    def state(self) -> dict:
        return copy.deepcopy(self._shown or self.model.state)

    def _set(self, key: str, value, text: str) -> None:
        state = self.state()
        state[key] = value
        self._edit(text, state, key)

    def _set_part(self, part: str, key: str, value) -> None:
        state = self.state()
        if isinstance(state[part].get(key), list) and not isinstance(value, list) and value is not None:
            value = [value]  # "1000" typed into a list of boundaries
        state[part][key] = value
        self._edit(f"Change {key.replace('_', ' ')}", state, f"{part}.{key}")

    def _set_callback(self, part: str, key: str, value, text: str) -> None:
        state = self.state()
        state[part][key] = value
        self._edit(text, state, f"{part}.{key}")

    def _schedule_chosen(self, name: str) -> None:
        state = self.state()
        state["schedule"] = None if name == "none" else name
        state["schedule_params"] = co.schedule_parameters(name, state["learning_rate"]) \
            if state["schedule"] else {}
        self._edit(f"Change learning-rate schedule to {name}", state, "schedule")

    def _toggle_metric(self, name: str, on: bool) -> None:
        state = self.state()
        state["metrics"] = [m for m in co.classification_metrics(state["loss"])
                            if (m == name and on) or (m != name and m in state["metrics"])]
        self._edit(f"{'Add' if on else 'Remove'} metric {name}", state, f"metric.{name}")

    def _edit(self, text: str, state: dict, merge_key: str | None = None) -> None:
        try:
            co.validate(state)
        except ValueError as exc:
            # Back to what applies, so a refused box does not look ticked; the reason stays.
            self._show_state(keep_error=True)
            self.error.setText(f"Not applied — {exc}")
            return
        self.error.clear()
        if self.apply_edits_directly:
            self.model.set_state(state)
        else:
            self.editRequested.emit(text, state, merge_key)

    # --- what the rest of the window reads ------------------------------------------------------------
    def set_state(self, state: dict) -> None:
        self.model.set_state(state)

    def set_options(self, optimizer: str, loss: str, learning_rate: float | None = None) -> None:
        state = co.with_loss(co.with_optimizer(self.model.state, optimizer), loss)
        if learning_rate is not None:
            state["learning_rate"] = learning_rate
        self.model.set_state(state)

    def options(self) -> dict:
        """Arguments for model.compile(); raises ValueError with the engine's message if refused."""
        state = self.model.state
        co.validate(state)
        return co.compile_args(state)

    def callbacks(self) -> list:
        """The engine callbacks chosen here (EarlyStopping, ReduceLROnPlateau) for fit()."""
        return co.make_callbacks(self.model.state)
