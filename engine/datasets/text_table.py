"""Texts and their labels stored as rows of a CSV or TSV file (tweets, reviews, SMS messages).

    review,sentiment                       text<TAB>label
    "Loved it, twice.",positive            Free shipping now!<TAB>spam

The delimiter is the one of tab, comma, semicolon and bar that splits the first rows into the
same number of fields (the file extension breaks ties); quoted fields may hold delimiters and
newlines; UTF-8 with or without a byte-order mark. A header row is recognised by its column
names (TEXT_NAMES, LABEL_NAMES). Without one, a two-column file's text column is the one with
the longer mean length. Labels stay strings: the caller numbers the classes.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from pathlib import Path

from engine.datasets.errors import DatasetError, DatasetNotFoundError

TEXT_NAMES = ("text", "sentence", "review", "document", "content", "message")
LABEL_NAMES = ("label", "labels", "class", "category", "sentiment", "target", "y")
EXTENSIONS = (".csv", ".tsv", ".txt")
DELIMITERS = ("\t", ",", ";", "|")
SNIFF_ROWS = 100  # rows parsed to choose the delimiter and to judge a column
SNIFF_BYTES = 1 << 16  # bytes looks_like_text_table reads: enough for its rows, cheap for a big file


def read_text_table(path: str | Path) -> tuple[list[str], list[str]]:
    """(texts, labels): two lists of str of the same length, one item per data row."""
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"{path}: no such file.")
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise DatasetError(f"{path.name}: an empty file: no rows at all.")
    delimiter = _delimiter(text, path.suffix.lower())
    try:
        rows = _rows(text, delimiter)
    except csv.Error as exc:
        raise DatasetError(f"{path.name}: not a readable CSV/TSV file ({exc}).") from exc
    if not rows:
        raise DatasetError(f"{path.name}: no rows at all.")
    text_col, label_col, has_header = _columns(path.name, rows)
    data = rows[1:] if has_header else rows
    if not data:
        raise DatasetError(f"{path.name}: a header row but no data rows.")
    width = len(rows[0][1])
    texts, labels = [], []
    for line, cells in data:
        if len(cells) != width:
            fix = (" Put text that holds the delimiter in double quotes." if len(cells) > width
                   else " Fill in the missing field.")
            raise DatasetError(f"{path.name}: line {line} has {len(cells)} field(s) but the first row has "
                               f"{width}.{fix}")
        label = cells[label_col].strip()
        if not label:
            raise DatasetError(f"{path.name}: line {line} has an empty label; every row needs one.")
        texts.append(cells[text_col].strip())
        labels.append(label)
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise DatasetError(f"{path.name}: every row has the label {classes[0]!r}; a classifier needs rows "
                           "of at least two classes.")
    return texts, labels


def looks_like_text_table(path: str | Path) -> bool:
    """True when `path` is a .csv/.tsv/.txt table with a column of free text (words, not numbers).

    Reads only the start of the file and never raises: a numeric table (pixels, features) or any
    unreadable file gives False, so the caller can try the numeric CSV reader instead.
    """
    path = Path(path)
    if path.suffix.lower() not in EXTENSIONS or not path.is_file():
        return False
    try:
        with open(path, "rb") as f:
            raw = f.read(SNIFF_BYTES)
        if len(raw) == SNIFF_BYTES:  # the last line is probably cut off, maybe mid-character
            raw = raw[:raw.rfind(b"\n") + 1] or raw
        text = raw.decode("utf-8-sig")
        rows = [cells for _, cells in _rows(text, _delimiter(text, path.suffix.lower()))]
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    data = rows[1:] if len(rows) > 1 else rows  # a header row must not decide it
    width = max((len(r) for r in data), default=0)
    return any(_free_text([r[c] for r in data if c < len(r)]) for c in range(width))


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DatasetError(f"{path.name}: not UTF-8 text (line {line}, byte {exc.start}). Save the file as "
                           "UTF-8 (e.g. 'Save as… CSV UTF-8' in a spreadsheet) and load it again.") from exc


def _delimiter(text: str, suffix: str) -> str:
    """The delimiter giving the most rows with the same field count (at least two fields)."""
    # Text often holds commas and hardly ever tabs, so only a .csv prefers the comma.
    preferred = "," if suffix == ".csv" else "\t"
    best, best_key = preferred, None
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for _, cells in _rows(text, delimiter, SNIFF_ROWS)]
        except csv.Error:
            continue
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        if modal < 2:
            continue
        key = (widths.count(modal) / len(widths), delimiter == preferred, -modal)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _rows(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """(first line number, cells) of each non-blank record; quoted newlines stay in their cell."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    for cells in itertools.islice(reader, limit):
        if any(cell.strip() for cell in cells):
            rows.append((line, cells))
        line = reader.line_num + 1
    return rows


def _columns(name: str, rows: list[tuple[int, list[str]]]) -> tuple[int, int, bool]:
    """(text column, label column, whether the first row is a header)."""
    first = [cell.strip().lower() for cell in rows[0][1]]
    text_col = next((first.index(n) for n in TEXT_NAMES if n in first), None)
    label_col = next((first.index(n) for n in LABEL_NAMES if n in first), None)
    expected = (f"Name the columns in a header row: the text column one of {', '.join(TEXT_NAMES)}; "
                f"the label column one of {', '.join(LABEL_NAMES)}.")
    if len(first) < 2:
        raise DatasetError(f"{name}: each row needs a text and a label, separated by a comma or a tab; the "
                           "first row has one field.")
    if text_col is not None or label_col is not None:
        if len(first) == 2:  # one recognised name is enough: the other column is the other one
            text_col = 1 - label_col if text_col is None else text_col
            label_col = 1 - text_col if label_col is None else label_col
        if text_col is None or label_col is None or text_col == label_col:
            raise DatasetError(f"{name}: the header {rows[0][1]} does not name both a text and a label "
                               f"column. {expected}")
        return text_col, label_col, True
    if len(first) > 2:
        raise DatasetError(f"{name}: {len(first)} columns and no header naming the text and label "
                           f"columns. {expected}")
    cells = [r[1] for r in rows if len(r[1]) == 2]
    means = [sum(len(c[i]) for c in cells) / len(cells) for i in (0, 1)]
    if means[0] == means[1]:
        raise DatasetError(f"{name}: cannot tell the text column from the label column. {expected}")
    text_col = int(means[1] > means[0])
    return text_col, 1 - text_col, _unnamed_header(rows, 1 - text_col)


def _unnamed_header(rows, label_col: int) -> bool:
    """A first row whose label cell is found nowhere else, while the other labels repeat, is a header
    with names we do not know (e.g. `tweet,polarity`)."""
    labels = [cells[label_col].strip() for _, cells in rows if len(cells) > label_col]
    first, rest = labels[0], labels[1:]
    return len(rest) >= 4 and first not in rest and len(set(rest)) <= len(rest) / 2


def _free_text(cells: list[str]) -> bool:
    """Most cells are not numbers, and they hold several words or are long."""
    cells = [c.strip() for c in cells if c.strip()]
    if not cells:
        return False
    words = [c for c in cells if not _is_number(c)]
    if len(words) < 0.8 * len(cells):
        return False
    spaced = sum(1 for c in words if " " in c)
    return spaced >= 0.5 * len(words) or sum(map(len, words)) / len(words) >= 20


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False
