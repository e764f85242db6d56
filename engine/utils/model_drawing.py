"""Drawing a model's layer boxes and arrows without Graphviz: Pillow for bitmaps, SVG by hand.

Each layer is a box with a black title band ("dense (Dense)") and one white line per detail
("Output shape: (None, 64)"), as in Keras' plots; arrows join each layer to the next, top to bottom
(rankdir 'TB') or left to right ('LR').
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

_PAD, _GAP, _MARGIN = 10, 40, 20  # points: inside a box, between boxes, around the drawing


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float
    title_height: float
    lines: list[str]
    title: str


def _detail_text(label: str, value: str) -> str:
    return f"{label}: {value}" if value else label


def layout(nodes: list[dict], measure: Callable[[str], tuple[float, float]], rankdir: str = "TB"):
    """Boxes placed in a column (TB) or a row (LR), centred; returns (boxes, width, height)."""
    sizes = []
    for node in nodes:
        lines = [_detail_text(label, value) for label, value in node["details"]]
        title_w, title_h = measure(node["title"])
        text = [measure(line) for line in lines]
        width = max([title_w, *(w for w, _ in text)]) + 2 * _PAD
        height = title_h + 2 * _PAD + sum(h + _PAD for _, h in text) + (_PAD if text else 0)
        sizes.append((width, height, title_h + 2 * _PAD, lines, node["title"]))
    horizontal = rankdir.upper() == "LR"
    if horizontal:
        span = max((s[1] for s in sizes), default=0)
        total = sum(s[0] for s in sizes) + _GAP * max(0, len(sizes) - 1)
        width, height = total + 2 * _MARGIN, span + 2 * _MARGIN
    else:
        span = max((s[0] for s in sizes), default=0)
        total = sum(s[1] for s in sizes) + _GAP * max(0, len(sizes) - 1)
        width, height = span + 2 * _MARGIN, total + 2 * _MARGIN
    boxes, offset = [], _MARGIN
    for w, h, title_h, lines, title in sizes:
        if horizontal:
            boxes.append(Box(offset, _MARGIN + (span - h) / 2, w, h, title_h, lines, title))
            offset += w + _GAP
        else:
            boxes.append(Box(_MARGIN + (span - w) / 2, offset, w, h, title_h, lines, title))
            offset += h + _GAP
    return boxes, max(width, 1), max(height, 1)


def arrows(boxes: list[Box], rankdir: str) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) from each box to the next."""
    result = []
    for a, b in zip(boxes, boxes[1:], strict=False):
        if rankdir.upper() == "LR":
            result.append((a.x + a.width, a.y + a.height / 2, b.x, b.y + b.height / 2))
        else:
            result.append((a.x + a.width / 2, a.y + a.height, b.x + b.width / 2, b.y))
    return result


def _arrow_head(x0, y0, x1, y1, size: float) -> list[tuple[float, float]]:
    dx, dy = x1 - x0, y1 - y0
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / length, dy / length
    bx, by = x1 - ux * size, y1 - uy * size
    return [(x1, y1), (bx - uy * size / 2, by + ux * size / 2), (bx + uy * size / 2, by - ux * size / 2)]


def write_svg(nodes: list[dict], path: str, rankdir: str = "TB", font_size: int = 14) -> None:
    char_width, line_height = 0.6 * font_size, 1.2 * font_size

    def measure(text: str) -> tuple[float, float]:
        return len(text) * char_width, line_height

    boxes, width, height = layout(nodes, measure, rankdir)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="{font_size}">', f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>']
    for box in boxes:
        out.append(f'<g class="layer"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                   f'height="{box.height:.1f}" fill="white" stroke="black" stroke-width="2"/>')
        out.append(f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                   f'height="{box.title_height:.1f}" fill="black"/>')
        baseline = box.y + _PAD + font_size
        out.append(f'<text x="{box.x + _PAD:.1f}" y="{baseline:.1f}" fill="white" font-weight="bold">'
                   f"{escape(box.title)}</text>")
        y = box.y + box.title_height + _PAD
        for line in box.lines:
            out.append(f'<text x="{box.x + _PAD:.1f}" y="{y + font_size:.1f}">{escape(line)}</text>')
            y += line_height + _PAD
        out.append("</g>")
    for x0, y0, x1, y1 in arrows(boxes, rankdir):
        head = " ".join(f"{px:.1f},{py:.1f}" for px, py in _arrow_head(x0, y0, x1, y1, 10))
        out.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="black" '
                   f'stroke-width="2"/><polygon points="{head}" fill="black"/>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)  # scalable on Pillow >= 10.1 with FreeType
    except (TypeError, OSError):
        return ImageFont.load_default()


def write_image(nodes: list[dict], path: str, rankdir: str = "TB", dpi: int = 200) -> None:
    """Draw with Pillow and save in the format the extension names (png, jpg, pdf, …)."""
    from PIL import Image, ImageDraw

    scale = dpi / 96  # Graphviz lays out at 72 points per inch; this keeps text readable
    font = _font(max(8, round(14 * scale)))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def measure(text: str) -> tuple[float, float]:
        left, top, right, bottom = probe.textbbox((0, 0), text or " ", font=font)
        return right - left, bottom - top + 4 * scale

    boxes, width, height = layout(nodes, measure, rankdir)
    image = Image.new("RGB", (int(width) + 1, int(height) + 1), "white")
    draw = ImageDraw.Draw(image)
    for box in boxes:
        right, bottom = box.x + box.width, box.y + box.height
        draw.rectangle([box.x, box.y, right, bottom], fill="white", outline="black", width=2)
        draw.rectangle([box.x, box.y, right, box.y + box.title_height], fill="black")
        draw.text((box.x + _PAD, box.y + _PAD), box.title, fill="white", font=font)
        y = box.y + box.title_height + _PAD
        for line in box.lines:
            draw.text((box.x + _PAD, y), line, fill="black", font=font)
            y += measure(line)[1] + _PAD
    for x0, y0, x1, y1 in arrows(boxes, rankdir):
        draw.line([x0, y0, x1, y1], fill="black", width=2)
        draw.polygon(_arrow_head(x0, y0, x1, y1, 10 * scale), fill="black")
    if path.lower().endswith((".jpg", ".jpeg")):
        image.save(path, quality=95)
    else:
        image.save(path, dpi=(dpi, dpi))
