"""Text folders (one subfolder per class, as text_dataset_from_directory) and the aclImdb layout."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets import DatasetError, DatasetNotFoundError, read_text_folder, read_text_folder_splits


def _write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _classes(root, spec: dict[str, int], tag: str = ""):
    """Files whose text names their class, written out of alphabetical order."""
    for name in sorted(spec, reverse=True):
        for i in range(spec[name]):
            _write(root / name / f"{i}.txt", f"{tag}{name} review {i}")
    return root


def test_labels_index_sorted_class_names_and_follow_each_text(tmp_path):
    _classes(tmp_path / "r", {"pos": 3, "neg": 4, "Zeta": 2, "10": 1})
    texts, y, names = read_text_folder(tmp_path / "r")
    assert names == sorted(["pos", "neg", "Zeta", "10"]) == ["10", "Zeta", "neg", "pos"]
    assert y.dtype == np.int64 and len(texts) == len(y) == 10
    for text, label in zip(texts, y, strict=True):
        assert text.startswith(names[label] + " review ")
    assert y.tolist() != sorted(y.tolist())  # shuffled, so a validation split mixes the classes
    again, y_again, _ = read_text_folder(tmp_path / "r")
    assert again == texts and np.array_equal(y_again, y)


def test_unshuffled_order_and_nested_files(tmp_path):
    root = _classes(tmp_path / "r", {"a": 2, "b": 1})
    _write(root / "a" / "deep" / "er" / "x.TXT", "a nested")
    _write(root / "a" / "notes.md", "not a sample")
    _write(root / "a" / ".hidden.txt", "hidden")
    _write(root / ".git" / "x.txt", "hidden folder")
    _write(root / "README.txt", "a loose file at the top")
    texts, y, names = read_text_folder(root, shuffle=False)
    assert names == ["a", "b"]
    assert texts == ["a review 0", "a review 1", "a nested", "b review 0"] and y.tolist() == [0, 0, 0, 1]


def test_undecodable_bytes_are_replaced_and_bom_dropped(tmp_path):
    root = tmp_path / "r"
    _write(root / "a" / "1.txt", b"caf\xe9 \xff ok")
    _write(root / "b" / "1.txt", "\ufeffwith bom".encode())
    texts, _, _ = read_text_folder(root, shuffle=False)
    assert texts == ["caf\ufffd \ufffd ok", "with bom"]


def test_bad_folders_say_what_to_fix(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="not a folder"):
        read_text_folder(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no class subfolders"):
        read_text_folder(tmp_path / "empty")
    _classes(tmp_path / "one", {"only": 2})
    with pytest.raises(DatasetError, match=r"only one class folder \(only\)"):
        read_text_folder(tmp_path / "one")
    root = _classes(tmp_path / "r", {"a": 2})
    _write(root / "b" / "pic.png", b"\x89PNG")
    with pytest.raises(DatasetError, match="class folder b/ holds no .txt files"):
        read_text_folder(root)


def test_aclimdb_layout_gives_both_splits_and_ignores_unsup(tmp_path):
    root = tmp_path / "aclImdb"
    _classes(root / "train", {"neg": 3, "pos": 2, "unsup": 4}, "train ")
    _classes(root / "test", {"neg": 2, "pos": 2}, "test ")
    _write(root / "train" / "labeledBow.feat", "0 0:1")
    (x_train, y_train), (x_test, y_test), names = read_text_folder_splits(root)
    assert names == ["neg", "pos"]
    assert sorted(x_train) == sorted(f"train {c} review {i}" for c, n in (("neg", 3), ("pos", 2))
                                     for i in range(n))
    assert sorted(x_test) == sorted(f"test {c} review {i}" for c in ("neg", "pos") for i in range(2))
    for texts, labels in ((x_train, y_train), (x_test, y_test)):
        assert all(t.split()[1] == names[label] for t, label in zip(texts, labels, strict=True))


def test_splits_fall_back_to_an_empty_test_part(tmp_path):
    _classes(tmp_path / "r", {"a": 2, "b": 2})
    (x_train, y_train), (x_test, y_test), names = read_text_folder_splits(tmp_path / "r")
    assert len(x_train) == 4 and names == ["a", "b"]
    assert x_test == [] and y_test.shape == (0,) and y_test.dtype == np.int64


def test_splits_with_different_classes_are_refused(tmp_path):
    root = tmp_path / "d"
    _classes(root / "train", {"cat": 1, "dog": 1, "cow": 1})
    _classes(root / "test", {"cat": 1, "dog": 1, "eel": 1})
    with pytest.raises(DatasetError, match="only in train/: cow; only in test/: eel"):
        read_text_folder_splits(root)
