"""Text tables (CSV/TSV of texts and labels): delimiters, headers, quoting, and every bad input."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from engine.datasets import DatasetError, looks_like_text_table, read_text_table

ROWS = [("Loved it, would watch again", "pos"), ("Dull and far too long", "neg"),
        ('He said "wow"\nthen left', "pos"), ("Meh; not for me", "neg")]


def _write(path, rows, delimiter=",", header=None, bom=False):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("name, delimiter", [("a.csv", ","), ("a.tsv", "\t"), ("a.txt", "\t"),
                                             ("a.txt", ","), ("a.csv", ";")])
def test_quoted_fields_survive_every_delimiter(tmp_path, name, delimiter):
    path = _write(tmp_path / name, ROWS, delimiter, header=["review", "sentiment"])
    texts, labels = read_text_table(path)
    assert texts == [t for t, _ in ROWS] and labels == [y for _, y in ROWS]


def test_header_names_pick_the_columns_among_many(tmp_path):
    rows = [(str(i), y, t, "x") for i, (t, y) in enumerate(ROWS)]
    path = _write(tmp_path / "a.csv", rows, header=["id", "Category", "Message", "extra"], bom=True)
    assert read_text_table(path) == ([t for t, _ in ROWS], [y for _, y in ROWS])


def test_one_known_name_in_two_columns_is_enough(tmp_path):
    path = _write(tmp_path / "a.csv", [(y, t) for t, y in ROWS], header=["stars", "text"])
    assert read_text_table(path) == ([t for t, _ in ROWS], [y for _, y in ROWS])


def test_without_header_the_longer_column_is_the_text(tmp_path):
    path = _write(tmp_path / "a.tsv", [(y, t) for t, y in ROWS], "\t")
    assert read_text_table(path) == ([t for t, _ in ROWS], [y for _, y in ROWS])


def test_tsv_text_full_of_commas_keeps_its_commas(tmp_path):
    rows = [(f"one, two, {'three, ' * (i % 3)}four", "ab"[i % 2]) for i in range(8)]
    path = tmp_path / "a.txt"
    path.write_text("".join(f"{t}\t{y}\n" for t, y in rows), encoding="utf-8")
    assert read_text_table(path) == ([t for t, _ in rows], [y for _, y in rows])


def test_unknown_header_of_two_columns_is_skipped(tmp_path):
    rows = [(f"tweet number {i} is here", "happy" if i % 2 else "sad") for i in range(6)]
    path = _write(tmp_path / "a.csv", rows, header=["tweet", "polarity"])
    texts, labels = read_text_table(path)
    assert texts == [t for t, _ in rows] and "polarity" not in labels


def test_blank_lines_are_skipped_and_labels_stripped(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("text,label\r\n\r\nfirst text, quoted?, no,  a \r\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line 3 has 4 field"):
        read_text_table(path)
    path.write_text('text,label\r\n\r\n"first text",  a \r\nsecond text,b\r\n\r\n', encoding="utf-8")
    assert read_text_table(path) == (["first text", "second text"], ["a", "b"])


def test_many_columns_without_names_ask_for_a_header(tmp_path):
    path = _write(tmp_path / "a.csv", [(t, y, "1") for t, y in ROWS])
    with pytest.raises(DatasetError, match="no header naming.*text, sentence, review.*label, labels"):
        read_text_table(path)


@pytest.mark.parametrize("content, pattern", [
    ("", "empty file"),
    ("  \n\n", "empty file"),
    ("text,label\n", "header row but no data rows"),
    ("text,label\nhello there,a\nmissing label\nbye now,b\n", "line 3 has 1 field"),
    ("text,label\nhello there,a\n\n\"two\nlines\",\nbye now,b\n", "line 4 has an empty label"),
    ("text,label\nhello there,a\nbye now,a\n", "every row has the label 'a'"),
    ("only one column\nanother one\n", "one field"),
    ("name,title,label\nx,y,a\n", "does not name both"),
])
def test_bad_tables_say_what_to_fix(tmp_path, content, pattern):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=pattern):
        read_text_table(path)


def test_non_utf8_and_missing_files(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\nun caf\u00e9 noir,a\nthe end,b\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8 text \\(line 2.*Save the file as UTF-8"):
        read_text_table(path)
    with pytest.raises(DatasetError, match="no such file"):
        read_text_table(tmp_path / "absent.csv")


def test_looks_like_text_table_tells_text_from_numbers(tmp_path):
    assert looks_like_text_table(_write(tmp_path / "reviews.csv", ROWS, header=["text", "label"]))
    assert looks_like_text_table(_write(tmp_path / "plain.tsv", ROWS, "\t"))
    pixels = np.random.default_rng(0).integers(0, 256, (5, 17))
    assert not looks_like_text_table(_write(tmp_path / "pixels.csv", pixels.tolist(),
                                            header=["label"] + [f"p{i}" for i in range(16)]))
    named = [[c, *row] for c, row in zip("abcab", pixels[:, 1:].tolist(), strict=True)]
    assert not looks_like_text_table(_write(tmp_path / "named.csv", named))  # word labels, number features
    (tmp_path / "latin.csv").write_bytes("caf\u00e9 au lait,a\n".encode("latin-1"))
    assert not looks_like_text_table(tmp_path / "latin.csv")
    assert not looks_like_text_table(tmp_path / "absent.csv")
    assert not looks_like_text_table(_write(tmp_path / "reviews.json", ROWS))


def test_looks_like_text_table_reads_only_the_start_of_a_big_file(tmp_path):
    rows = [(f"review number {i} says something", "pos" if i % 2 else "neg") for i in range(5000)]
    path = _write(tmp_path / "big.csv", rows, header=["text", "label"])
    assert path.stat().st_size > 1 << 16 and looks_like_text_table(path)
