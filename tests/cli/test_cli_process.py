"""The command line as a user starts it: `python -m gui …` (what the `hornbook` entry point runs),
in a fresh interpreter, so nothing the test session imported (Qt) can hide a missing import."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": REPO, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_python_m_gui_train_help():
    done = _run("-m", "gui", "train", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: hornbook train") and "--validation-split" in done.stdout


def test_python_m_gui_help_lists_subcommands():
    done = _run("-m", "gui", "--help")
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in ("train", "evaluate", "predict", "summary", "export"))


def test_hornbook_train_on_the_bundled_sample_prints_the_progress_bar(mlp_path):
    done = _run("-m", "gui", "train", str(mlp_path), "--dataset", "sample", "--epochs", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Epoch 1/2"
    # 4,000 training digits in batches of 32: Keras' bar, finished, with the running metrics
    assert lines[1].startswith("125/125 ━━━━━━━━━━━━━━━━━━━━ ") and "step - accuracy: " in lines[1]
    assert lines[2] == "Epoch 2/2" and lines[3].startswith("125/125 ━")
    assert lines[-1] == f"Saved to {mlp_path}"


def test_subcommands_never_import_qt(mlp_path, tmp_path):
    """All five subcommands in one interpreter through gui.__main__.main, then no PySide6 loaded."""
    from PIL import Image

    from engine.datasets import sample
    (_, _), (x_test, _) = sample.load_data()
    image = tmp_path / "digit.png"
    Image.fromarray(x_test[0]).save(image)
    program = textwrap.dedent(f"""
        import sys
        from gui.__main__ import main
        model, image, script = {str(mlp_path)!r}, {str(image)!r}, {str(tmp_path / "k.py")!r}
        for argv in (["summary", model], ["train", model, "--dataset", "sample"],
                     ["evaluate", model, "--dataset", "sample"], ["predict", model, image],
                     ["export", model, "--keras", script], ["summary", "missing.h5"]):
            print("exit", main(argv))
        qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "pyqtgraph")))
        print("qt modules:", qt)
    """)
    done = _run("-c", program)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("exit")] == \
        ["exit 0"] * 5 + ["exit 2"]
    assert "qt modules: []" in done.stdout
    assert done.stderr.strip() == "hornbook summary: error: missing.h5: no such file."
