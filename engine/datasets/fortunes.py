"""A small real text corpus that needs no download: the quotations of Debian's `fortunes` package.

Each topic file (/usr/share/games/fortunes/computers, …/food, …) holds records separated by lines
holding only `%`; the topic is the class. `load_data()` gives texts and topic labels like a Keras
text data set, split per topic so that train and test keep the class mix:

    (x_train, y_train), (x_test, y_test) = fortunes.load_data()   # lists of str, int64 labels

Records keep their `-- Author` attribution lines: they are part of the quotation, and dropping
them cost a bag-of-words logistic regression 1 to 4.5 points of test accuracy on the default
topics over three seeds (seed 0: 0.69 -> 0.65; the majority class scores 0.38).

Whitespace runs become single spaces, and nroff overstrikes (bold or underlined text, where a
backspace prints the next character over the one before) become the text as printed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from engine.datasets.errors import DatasetError, DatasetNotFoundError

FOLDER = "/usr/share/games/fortunes"
# Distinct subjects with 198–1,051 records each (2,783 in all): a small model clearly beats the
# majority class (see the module docstring).
TOPICS = ("computers", "food", "law", "politics", "science")
SKIPPED_SUFFIXES = (".dat", ".u8")  # strfile's index, and the UTF-8 alias of each topic
# nroff's bold 'x\bx' and underline '_\bx', also in runs: '___\b\b\bend' underlines 'end'.
_OVERSTRIKE = re.compile("[^\x08]\x08")


def find_files(folder: str | Path | None = None) -> Path:
    """The fortunes folder: `folder`, else $HORNBOOK_FORTUNES_DIR, else FOLDER."""
    path = Path(folder or os.environ.get("HORNBOOK_FORTUNES_DIR") or FOLDER).expanduser()
    if not path.is_dir():
        raise DatasetNotFoundError(
            f"The fortunes corpus was not found in {path}. Install it with `sudo apt-get install "
            "fortunes`, or set HORNBOOK_FORTUNES_DIR to a folder of fortune topic files.")
    return path


def available_topics(folder: str | Path | None = None) -> list[str]:
    """The topic files in the folder, sorted (the ROT13 `off/` folder and index files excluded)."""
    path = find_files(folder)
    return sorted(p.name for p in path.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(SKIPPED_SUFFIXES))


def parse_records(text: str) -> list[str]:
    """The records of one fortune file's text, each with whitespace runs made single spaces.

    Records end at a line holding only `%` (CRLF tolerated); empty records are dropped, and so is
    nothing else: a last record without a closing `%` still counts.
    """
    records, lines = [], []
    for line in text.splitlines():
        if line.strip() == "%":
            records.append(lines)
            lines = []
        else:
            lines.append(line)
    records.append(lines)
    cleaned = (" ".join(_unstrike("\n".join(lines)).split()) for lines in records)
    return [record for record in cleaned if record]


def _unstrike(text: str) -> str:
    """The text as printed: each backspace removes the character before it."""
    while "\x08" in text:
        shorter = _OVERSTRIKE.sub("", text)
        if shorter == text:  # a backspace with nothing before it
            return text.replace("\x08", "")
        text = shorter
    return text


def read_topic(folder: Path, topic: str) -> list[str]:
    """The records of one topic file; DatasetError names a missing topic and the ones there are."""
    path = folder / topic
    if not path.is_file() or topic.endswith(SKIPPED_SUFFIXES) or "/" in topic or topic.startswith("."):
        raise DatasetError(f"The fortunes folder {folder} has no topic {topic!r}. Topics there: "
                           f"{', '.join(available_topics(folder)) or 'none'}.")
    records = parse_records(path.read_bytes().decode("utf-8", errors="replace"))
    if not records:
        raise DatasetError(f"The fortune file {path} holds no records (records end at lines of '%').")
    return records


def load_data(topics: tuple[str, ...] | list[str] = TOPICS, test_split: float = 0.2, seed: int = 0,
              folder: str | Path | None = None):
    """((x_train, y_train), (x_test, y_test)): lists of str and (n,) int64 indices into `topics`.

    Each topic's records are shuffled with `seed` and the last `test_split` of them (rounded,
    at least one when the topic has two or more) go to the test part; then each part is shuffled.
    """
    topics = list(topics)
    if len(topics) < 2 or len(set(topics)) != len(topics):
        raise ValueError(f"`topics` must name at least two different topics. Received: topics={topics}")
    if not 0.0 <= test_split < 1.0:
        raise ValueError(f"`test_split` must be in [0, 1). Received: test_split={test_split}")
    path = find_files(folder)
    rng = np.random.default_rng(seed)
    train: list[tuple[str, int]] = []
    test: list[tuple[str, int]] = []
    for label, topic in enumerate(topics):
        records = read_topic(path, topic)
        order = rng.permutation(len(records))
        n_test = int(round(test_split * len(records)))
        if test_split > 0 and len(records) > 1:
            n_test = min(max(n_test, 1), len(records) - 1)
        cut = len(records) - n_test
        train += [(records[i], label) for i in order[:cut]]
        test += [(records[i], label) for i in order[cut:]]
    return _shuffled(train, rng), _shuffled(test, rng)


def _shuffled(pairs: list[tuple[str, int]], rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    order = rng.permutation(len(pairs))
    return [pairs[i][0] for i in order], np.array([pairs[i][1] for i in order], np.int64)


def majority_baseline(y_train: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of always predicting the most frequent training class (ties: lowest index)."""
    y_train, y_test = np.asarray(y_train).ravel(), np.asarray(y_test).ravel()
    if y_train.size == 0 or y_test.size == 0:
        raise ValueError("majority_baseline needs non-empty y_train and y_test.")
    values, counts = np.unique(y_train, return_counts=True)
    return float(np.mean(y_test == values[np.argmax(counts)]))
