"""A box-drawn text table laid out the way `rich` lays out Keras 3's model summary.

Heavy rules around the header, light rules between rows, one space of padding in each cell, words
wrapped to the column width (a word too long for its column is cut with '…'), header cells aligned
to the bottom and body cells to the top.
"""

from __future__ import annotations

import math


def _ratio_reduce(total: int, values: list[int]) -> list[int]:
    """Take `total` away from `values` in equal shares, rounding as rich does."""
    remaining, parts, result = total, len(values), []
    for value in values:
        taken = min(value, round(remaining / parts))
        result.append(value - taken)
        remaining -= taken
        parts -= 1
    return result


def _ratio_distribute(total: int, values: list[int]) -> list[int]:
    """Give `total` to `values` in proportion to them, rounding up as rich does."""
    remaining, weight, result = total, sum(values), []
    for value in values:
        share = math.ceil(value * remaining / weight) if weight > 0 else remaining
        result.append(value + share)
        weight -= value
        remaining -= share
    return result


def column_widths(positions, line_length: int) -> list[int]:
    """Text width of each column, padding and borders excluded.

    `positions` are the right edges of the columns as fractions of `line_length`.
    """
    widths, edge = [], 0
    for position in positions:
        width = int(position * line_length) - edge
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        edge += width
    cells = [w + 2 for w in widths]  # one space of padding either side
    room = line_length - (len(cells) + 1)  # minus the vertical rules
    if sum(cells) > room:
        cells = _ratio_reduce(sum(cells) - room, cells)
    elif sum(cells) < room:
        cells = _ratio_distribute(room - sum(cells), cells)
    return [c - 2 for c in cells]


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than the width is cut to fit and ends in '…'."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [line if len(line) <= width else line[:width - 1] + "…" for line in lines]
    return lines or [""]


def _align(text: str, width: int, how: str) -> str:
    if how == "right":
        return text.rjust(width)
    if how == "center":
        return text.center(width)
    return text.ljust(width)


def _cell_lines(cells: list[str], widths: list[int], align: list[str], bottom: bool) -> list[list[str]]:
    wrapped = [wrap(text, width) for text, width in zip(cells, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    columns = []
    for lines, width, how in zip(wrapped, widths, align, strict=True):
        blank = [""] * (height - len(lines))
        lines = blank + lines if bottom else lines + blank
        columns.append([_align(line, width, how) for line in lines])
    return columns


def _rows_text(cells: list[str], widths, align, bar: str, bottom: bool) -> list[str]:
    columns = _cell_lines(cells, widths, align, bottom)
    return [bar + bar.join(f" {col[i]} " for col in columns) + bar
            for i in range(len(columns[0]))]


def _rule(widths: list[int], left: str, line: str, cross: str, right: str) -> str:
    return left + cross.join(line * (w + 2) for w in widths) + right


def render_table(header: list[str], rows: list[list[str]], align: list[str], positions,
                 line_length: int) -> list[str]:
    """The table's lines, each `line_length` characters wide."""
    widths = column_widths(positions, line_length)
    lines = [_rule(widths, "┏", "━", "┳", "┓")]
    lines += _rows_text(header, widths, align, "┃", bottom=True)
    lines.append(_rule(widths, "┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
        lines += _rows_text(row, widths, align, "│", bottom=False)
    lines.append(_rule(widths, "└", "─", "┴", "┘"))
    return lines
