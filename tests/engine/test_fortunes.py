"""The fortunes corpus: record parsing, the stratified split, the baseline, and the real files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from engine.datasets import DatasetError, DatasetNotFoundError, fortunes


def test_records_split_on_percent_lines_with_edge_cases():
    text = "%\nfirst  line\n\tsecond\n%\n%\n  \n%\nlast one\n%\n"  # leading, empty, blank, trailing %
    assert fortunes.parse_records(text) == ["first line second", "last one"]
    assert fortunes.parse_records("a\r\nb\r\n%\r\nc\r\n") == ["a b", "c"]  # CRLF, no closing %
    assert fortunes.parse_records("100%\n% not a separator\n%\nnext") == ["100% % not a separator", "next"]
    assert fortunes.parse_records("") == []


def test_overstrikes_keep_the_printed_character():
    assert fortunes.parse_records("_\bb_\bo_\bl_\bd and x\bx\n") == ["bold and x"]
    assert fortunes.parse_records("Of ___\b\b\bcourse, *__\b\bno*\n") == ["Of course, *no*"]
    assert fortunes.parse_records("\bstray") == ["stray"]


def _corpus(folder: Path, sizes: dict[str, int]) -> Path:
    folder.mkdir()
    for topic, n in sizes.items():
        records = [f"{topic} record {i}\n\t\t-- Someone" for i in range(n)]
        (folder / topic).write_text("\n%\n".join(records) + "\n%\n", encoding="utf-8")
        (folder / f"{topic}.dat").write_bytes(b"\x00\x00\x00\x02binary index")
    (folder / "off").mkdir()  # ROT13 offensive fortunes: never a topic
    (folder / "off" / "rude").write_text("Shpx\n%\n")
    return folder


def test_load_data_splits_each_topic_and_labels_by_topic_order(tmp_path):
    folder = _corpus(tmp_path / "f", {"alpha": 10, "beta": 20, "gamma": 5})
    (x_train, y_train), (x_test, y_test) = fortunes.load_data(("gamma", "alpha", "beta"), 0.2, 7, folder)
    assert isinstance(x_train, list) and y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert Counter(y_test.tolist()) == {0: 1, 1: 2, 2: 4}  # round(0.2 * n) per topic
    assert Counter(y_train.tolist()) == {0: 4, 1: 8, 2: 16}
    for texts, labels in ((x_train, y_train), (x_test, y_test)):
        for text, label in zip(texts, labels, strict=True):
            assert text.startswith(("gamma", "alpha", "beta")[label] + " record ")
            assert text.endswith("-- Someone")
    assert not set(x_train) & set(x_test) and len(set(x_train + x_test)) == 35
    again = fortunes.load_data(("gamma", "alpha", "beta"), 0.2, 7, folder)
    assert again[0][0] == x_train and again[1][0] == x_test
    other = fortunes.load_data(("gamma", "alpha", "beta"), 0.2, 8, folder)
    assert other[1][0] != x_test


def test_topics_skip_index_files_and_the_off_folder(tmp_path):
    folder = _corpus(tmp_path / "f", {"alpha": 3, "beta": 3})
    assert fortunes.available_topics(folder) == ["alpha", "beta"]
    with pytest.raises(DatasetError, match="no topic 'alpha.dat'.*alpha, beta"):
        fortunes.load_data(("alpha", "alpha.dat"), folder=folder)
    with pytest.raises(DatasetError, match="no topic 'off'"):
        fortunes.load_data(("alpha", "off"), folder=folder)


def test_folder_from_environment_and_missing_folder(tmp_path, monkeypatch):
    folder = _corpus(tmp_path / "f", {"alpha": 3, "beta": 3})
    monkeypatch.setenv("HORNBOOK_FORTUNES_DIR", str(folder))
    (x_train, _), (x_test, _) = fortunes.load_data(("alpha", "beta"))
    assert len(x_train) + len(x_test) == 6
    monkeypatch.setenv("HORNBOOK_FORTUNES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DatasetNotFoundError, match="sudo apt-get install fortunes"):
        fortunes.load_data()


def test_bad_arguments_are_refused(tmp_path):
    folder = _corpus(tmp_path / "f", {"alpha": 3, "beta": 3})
    with pytest.raises(ValueError, match="Received: topics"):
        fortunes.load_data(("alpha",), folder=folder)
    with pytest.raises(ValueError, match="Received: test_split=1.5"):
        fortunes.load_data(("alpha", "beta"), test_split=1.5, folder=folder)


def test_majority_baseline_predicts_the_most_frequent_training_class():
    y_train = np.array([2, 2, 1, 2, 0, 1])
    y_test = np.array([2, 1, 2, 0, 2])
    assert fortunes.majority_baseline(y_train, y_test) == pytest.approx(3 / 5)
    assert fortunes.majority_baseline(np.array([1, 0]), np.array([0, 0, 1])) == pytest.approx(2 / 3)


@pytest.mark.skipif(not Path(fortunes.FOLDER, "computers").is_file(), reason="fortunes is not installed")
def test_real_corpus_default_topics_are_large_and_distinct():
    (x_train, y_train), (x_test, y_test) = fortunes.load_data(folder=fortunes.FOLDER)
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=len(fortunes.TOPICS))
    assert counts.min() >= 150 and len(x_train) + len(x_test) == counts.sum()
    assert all(isinstance(t, str) and t and "\n" not in t and "\b" not in t for t in x_train + x_test)
    share = np.bincount(y_test) / len(y_test)  # stratified: the test part keeps the class mix
    np.testing.assert_allclose(share, counts / counts.sum(), atol=0.01)
    assert fortunes.majority_baseline(y_train, y_test) < 0.5
