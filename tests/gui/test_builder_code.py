"""The Keras code pane follows the builder, parses as Python, exports atomically, and — when Keras
is installed — builds a Keras model with the same number of parameters as the engine's."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QGuiApplication

from engine.backend import to_snake_case
from engine.layers import registry
from gui.stack.templates import TEMPLATES, by_title
from tests.gui.builder_support import make_window


@pytest.fixture
def window(qtbot):
    win = make_window(qtbot)
    yield win
    win.close()


def test_code_follows_edits_to_stack_compile_and_training(window):
    code = window.code_pane.code()
    assert "keras.layers.Dense(units=64, activation=\"relu\")" in code
    assert "keras.datasets.mnist.load_data()" in code
    window.select_row(1)
    window.inspector.editors["units"].setValue(32)
    assert "keras.layers.Dense(units=32, activation=\"relu\")" in window.code_pane.code()
    window.compile_panel.optimizer.setCurrentText("adam")
    window.compile_panel.hyper_editors["amsgrad"].setChecked(True)
    window.compile_panel.early_stopping.setChecked(True)
    window.training.batch_size.setValue(128)
    code = window.code_pane.code()
    assert "keras.optimizers.Adam(amsgrad=True)" in code
    assert "keras.callbacks.EarlyStopping(" in code and "BATCH_SIZE = 128" in code
    window.undo_stack.undo()
    assert "keras.callbacks.EarlyStopping(" not in window.code_pane.code()
    compile(window.code_pane.code(), "model.py", "exec")


def test_every_template_and_a_schedule_give_a_program_that_parses(window):
    for template in TEMPLATES:
        window.template_controller.load(template)
        compile(window.code_pane.code(), template.title, "exec")
    window.compile_panel.schedule.setCurrentText("CosineDecay")
    code = window.code_pane.code()
    assert "keras.optimizers.schedules.CosineDecay(" in code
    compile(code, "schedule", "exec")


def test_copy_and_export(tmp_path, window):
    window.code_pane.copy_button.click()
    assert QGuiApplication.clipboard().text() == window.code_pane.code()
    target = tmp_path / "model.py"
    assert window.code_pane.export(target)
    assert target.read_text(encoding="utf-8") == window.code_pane.code()
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]  # no temporary file left behind
    failures = []
    window.code_pane.failed.disconnect()
    window.code_pane.failed.connect(failures.append)
    assert not window.code_pane.export(tmp_path / "no such folder" / "model.py")
    assert "does not exist" in failures[0]


_KERAS_BUILD = """
import json, runpy, sys
from keras.src.utils.naming import to_snake_case
layer_names = sys.argv[1].split(",")
counts = [runpy.run_path(path)["build_model"]().count_params() for path in sys.argv[2:]]
print(json.dumps([counts, [to_snake_case(name) for name in layer_names]]))
"""


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="Keras is not installed")
def test_keras_builds_the_same_models(tmp_path, window):
    """Real Keras (torch backend) builds each program's model with the engine's parameter count,
    and names layers as the builder does."""
    paths, expected = [], []
    for template in (by_title("Keras intro MLP"), by_title("LeNet-style CNN (MNIST)")):
        window.template_controller.load(template)
        path = tmp_path / f"model_{len(paths)}.py"
        window.code_pane.export(path)
        paths.append(str(path))
        expected.append(window.summary.total_params())
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    layer_names = registry.names()
    result = subprocess.run([sys.executable, "-c", _KERAS_BUILD, ",".join(layer_names), *paths],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    counts, keras_names = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts == expected
    assert [to_snake_case(n) for n in layer_names] == keras_names
