"""Images stored as rows of a CSV file: one label column plus one column per pixel.

The label column is the one a header names `label` (or class, target, y); without such a header,
the first or last column when it holds whole numbers 0–99 with 2–100 distinct values (MNIST CSVs
put it first; the 5,000-digit MNIST sample puts it last). When both ends qualify the one with
fewer distinct values wins; a tie is an error asking for a header. Pixel columns that are whole
numbers 0–255 become uint8, others float32; n² pixels make (n, n) images, 3·n² make (n, n, 3)
(n ≥ 8); other counts stay flat rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError

LABEL_HEADERS = ("label", "labels", "class", "target", "y")
MAX_CLASSES = 100
MIN_SIDE = 8  # fewer columns are kept as flat feature vectors, not made into tiny images


def read_csv(path: str | Path):
    """(images (n, …) uint8 or float32, labels (n,) int64, class names '0', '1', …)."""
    path = Path(path)
    text = _text(path)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DatasetError(f"{path.name}: an empty CSV file: no rows at all.")
    delimiter = max(",;\t", key=lines[0].count) if any(d in lines[0] for d in ",;\t") else ","
    first = next(csv.reader([lines[0]], delimiter=delimiter))
    header = None if all(_is_number(cell) for cell in first) else [c.strip() for c in first]
    rows = lines[1:] if header else lines
    if not rows:
        raise DatasetError(f"{path.name}: the CSV has a header row but no data rows.")
    table = _parse(path.name, rows, delimiter, len(first), 2 if header else 1)
    if table.shape[1] < 2:
        raise DatasetError(f"{path.name}: each row needs a label and at least one pixel; rows have "
                           f"{table.shape[1]} column.")
    column = _label_column(path.name, table, header)
    labels = table[:, column]
    if not np.all(labels == np.round(labels)) or labels.min() < 0:
        raise DatasetError(f"{path.name}: the label column holds values that are not class indices "
                           "(whole numbers ≥ 0).")
    pixels = np.delete(table, column, axis=1)
    labels = labels.astype(np.int64)
    return _as_images(pixels), labels, [str(i) for i in range(int(labels.max()) + 1)]


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8-sig")
    except (OSError, EOFError) as exc:
        raise DatasetError(f"{path.name}: could not be read ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name}: not a text CSV file (byte {exc.start} is not UTF-8).") from exc


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def _parse(name: str, rows: list[str], delimiter: str, width: int, first_row: int) -> np.ndarray:
    """The rows as float64 (n, width); on failure the first bad row and cell are named."""
    try:
        table = np.loadtxt(io.StringIO("\n".join(rows)), delimiter=delimiter, dtype=np.float64, ndmin=2)
        if table.shape[1] == width and np.isfinite(table).all():
            return table
    except ValueError:
        pass
    for number, row in enumerate(csv.reader(rows, delimiter=delimiter), start=first_row):
        if len(row) != width:
            raise DatasetError(f"{name}: ragged rows: row {number} has {len(row)} cells but the first "
                               f"row has {width}.")
        for col, cell in enumerate(row, start=1):
            if not _is_number(cell):
                raise DatasetError(f"{name}: row {number}, column {col} holds {cell.strip()!r}, which "
                                   "is not a number; every cell must be a number (besides a header row).")
    raise DatasetError(f"{name}: could not be read as a table of numbers.")


def _label_column(name: str, table: np.ndarray, header: list[str] | None) -> int:
    if header:
        lowered = [h.lower() for h in header]
        for candidate in LABEL_HEADERS:
            if candidate in lowered:
                return lowered.index(candidate)
    ends = [c for c in {0, table.shape[1] - 1} if _looks_like_labels(table[:, c])]
    if not ends:
        raise DatasetError(f"{name}: no label column found: neither the first nor the last column holds "
                           f"class indices (whole numbers 0–{MAX_CLASSES - 1}, at least two distinct). "
                           "Add a header row naming the label column 'label'.")
    if len(ends) == 2:
        distinct = [len(np.unique(table[:, c])) for c in ends]
        if distinct[0] == distinct[1]:
            raise DatasetError(f"{name}: both the first and the last column could be the labels; add a "
                               "header row naming the label column 'label'.")
        return ends[int(np.argmin(distinct))]
    return ends[0]


def _looks_like_labels(values: np.ndarray) -> bool:
    whole = np.all(values == np.round(values)) and values.min() >= 0 and values.max() < MAX_CLASSES
    return bool(whole) and 2 <= len(np.unique(values)) <= MAX_CLASSES


def _as_images(pixels: np.ndarray) -> np.ndarray:
    n, k = pixels.shape
    if np.all(pixels == np.round(pixels)) and pixels.min() >= 0 and pixels.max() <= 255:
        pixels = pixels.astype(np.uint8)
    else:
        pixels = pixels.astype(np.float32)
    side = math.isqrt(k)
    if side * side == k and side >= MIN_SIDE:
        return pixels.reshape(n, side, side)
    side = math.isqrt(k // 3)
    if k % 3 == 0 and side * side * 3 == k and side >= MIN_SIDE:
        return pixels.reshape(n, side, side, 3)
    return pixels
