"""Shared by the data panel tests: a data home in tmp_path with small MNIST, Fashion-MNIST and
CIFAR-10 files in their official formats, and a window over the built-in sources."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from engine.datasets import fashion_mnist
from gui.data_sources import builtin_sources
from gui.main_window import MainWindow
from tests.engine.dataset_files import cifar10_parts, write_cifar10_folder, write_idx


def digits_npz(n_train: int = 120, n_test: int = 40, seed: int = 0) -> bytes:
    """A small mnist.npz cut from the bundled real sample."""
    from engine.datasets import sample
    (x, y), (xt, yt) = sample.load_data()
    buffer = io.BytesIO()
    np.savez(buffer, x_train=x[:n_train], y_train=y[:n_train], x_test=xt[:n_test], y_test=yt[:n_test])
    return buffer.getvalue()


def isolated_data_home(tmp_path: Path, monkeypatch) -> Path:
    """HORNBOOK_DATA_DIR with nothing in it yet; no real home, Keras cache or system copy is read.
    Each test file makes it its `data_home` fixture."""
    home = tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HORNBOOK_DATA_DIR", str(home))
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ())
    return home


def put_mnist(home: Path) -> None:
    (home / "mnist.npz").write_bytes(digits_npz())


def put_fashion(home: Path, n: int = 60) -> None:
    folder = home / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(4)
    x, y = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), (np.arange(n) % 10).astype(np.uint8)
    for name, array in zip(fashion_mnist.FILES, (y, x, y[:20], x[:20]), strict=True):
        write_idx(folder / name, array, gz=True)


def put_cifar10(home: Path, per_batch: int = 8):
    parts = cifar10_parts(per_batch)
    write_cifar10_folder(home / "cifar-10-batches-py", parts)
    return parts


def open_window(qtbot, sources=None) -> MainWindow:
    win = MainWindow(data_sources=sources if sources is not None else builtin_sources())
    qtbot.addWidget(win)
    win.show()
    return win
