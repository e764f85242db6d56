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
from tests.gui import window_support


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
    return window_support.open_window(qtbot, sources if sources is not None else builtin_sources())


WEATHER = {"rain": ["grey clouds and heavy rain all day", "wet streets and a cold wind",
                    "rain again so take an umbrella", "storm clouds gather over the hills tonight",
                    "a drizzle that never stops"],
           "sun": ["bright sun and a clear blue sky", "a warm dry afternoon in the park",
                   "sunny and hot take a hat", "not a cloud in the sky today",
                   "the sun shines on the hills all week long and the evenings stay warm and bright"]}


def text_table(path: Path, repeat: int = 3) -> Path:
    """A .csv of (text, label) rows, the labels as words: 30 rows, two classes."""
    lines = ["text,label"]
    for _ in range(repeat):
        for label, texts in WEATHER.items():
            lines += [f"{text},{label}" for text in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def text_folder(root: Path) -> Path:
    """root/happy/*.txt and root/sad/*.txt: six short texts per class."""
    moods = {"happy": ["what a lovely day", "we laughed all evening", "the best news this year",
                       "a party with old friends", "joy and music", "smiles everywhere"],
             "sad": ["the rain will not stop", "we missed the last train", "a long grey winter",
                     "nobody came to the party", "tears and silence", "lost my keys again"]}
    for mood, texts in moods.items():
        (root / mood).mkdir(parents=True)
        for i, text in enumerate(texts):
            (root / mood / f"{i}.txt").write_text(text + "\n", encoding="utf-8")
    return root


IMDB_WORDS = {"the": 1, "film": 2, "was": 3, "great": 4, "awful": 5, "plot": 6, "and": 7, "acting": 8}


def imdb_files(n: int = 8) -> tuple[bytes, bytes]:
    """(imdb.npz, imdb_word_index.json) in Keras' layout: reviews as object arrays of word ranks
    (load_data shifts them by index_from=3), labels 0 negative / 1 positive."""
    import json
    good, bad = [1, 2, 3, 4], [1, 6, 7, 8, 3, 5]
    reviews = np.empty(n, dtype=object)
    reviews[:] = [good if i % 2 else bad for i in range(n)]
    labels = (np.arange(n) % 2).astype(np.int64)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=reviews, y_train=labels, x_test=reviews[: n // 2], y_test=labels[: n // 2])
    return buffer.getvalue(), json.dumps(IMDB_WORDS).encode()
