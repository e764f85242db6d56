"""MNIST-style preprocessing of drawings (no Qt needed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.canvas.preprocess import drawing_to_mnist, is_blank


def com(img: np.ndarray) -> tuple[float, float]:
    """Centre of mass (row, col), computed independently of the module under test."""
    r, c = np.indices(img.shape)
    total = img.sum()
    return float((r * img).sum() / total), float((c * img).sum() / total)


def bbox(img: np.ndarray, thresh: float = 0.0) -> tuple[int, int]:
    """(height, width) of the region with values above ``thresh``."""
    rows = np.flatnonzero((img > thresh).any(axis=1))
    cols = np.flatnonzero((img > thresh).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def thick_stroke(size: int = 400, center=(90, 300), radius: float = 60, width: float = 18):
    """A thick ring segment (a 'C'-like stroke) drawn off-centre in a big uint8 image."""
    yy, xx = np.mgrid[:size, :size]
    d = np.hypot(yy - center[0], xx - center[1])
    ring = np.abs(d - radius) < width / 2
    ring &= xx < center[1] + radius * 0.5  # open on the right
    return (ring * 255).astype(np.uint8)


def test_thick_stroke_is_scaled_and_centred():
    out = drawing_to_mnist(thick_stroke())
    assert out.shape == (28, 28)
    assert out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    h, w = bbox(out)
    assert max(h, w) <= 20
    assert max(h, w) >= 19  # it really was scaled to fill the 20 px box
    r, c = com(out)
    assert abs(r - 14) <= 1 and abs(c - 14) <= 1


def test_output_is_antialiased():
    out = drawing_to_mnist(thick_stroke())
    grey = (out > 0.05) & (out < 0.95)
    assert grey.sum() > 5, "expected soft grey edges like MNIST"


def test_aspect_ratio_kept_for_tall_bar():
    img = np.zeros((300, 300), np.uint8)
    img[40:260, 100:130] = 255  # 220 tall, 30 wide
    out = drawing_to_mnist(img)
    h, w = bbox(out, 0.1)
    assert h == 20
    assert w <= 4  # 30 * 20 / 220 ≈ 2.7 px, plus at most antialiased edge
    r, c = com(out)
    assert abs(r - 14) <= 1 and abs(c - 14) <= 1


def test_aspect_ratio_kept_for_wide_bar():
    img = np.zeros((200, 500), np.uint8)
    img[90:110, 50:450] = 255
    h, w = bbox(drawing_to_mnist(img), 0.1)
    assert w == 20 and h <= 2


@pytest.mark.parametrize("shape", [(28, 28), (280, 280), (123, 457)])
def test_blank_gives_zeros(shape):
    img = np.zeros(shape, np.uint8)
    assert is_blank(img)
    out = drawing_to_mnist(img)
    assert out.shape == (28, 28) and not out.any()


def test_is_blank_detects_ink():
    img = np.zeros((50, 50), np.uint8)
    img[10, 10] = 200
    assert not is_blank(img)
    assert is_blank(img.astype(np.float64) * 0.001)  # below half a grey level


def test_float_and_uint8_agree():
    u8 = thick_stroke()
    np.testing.assert_allclose(drawing_to_mnist(u8.astype(np.float64)), drawing_to_mnist(u8),
                               atol=1e-6)
    np.testing.assert_allclose(drawing_to_mnist(u8.astype(np.float32)), drawing_to_mnist(u8),
                               atol=1e-6)


def test_rejects_non_2d():
    with pytest.raises(ValueError):
        drawing_to_mnist(np.zeros((10, 10, 3)))


def test_tiny_dot_is_enlarged():
    img = np.zeros((280, 280), np.uint8)
    img[200:205, 30:33] = 255
    out = drawing_to_mnist(img)
    h, w = bbox(out, 0.1)
    assert max(h, w) <= 20 and h >= 15
    assert out.max() == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(
    size=st.integers(40, 400),
    data=st.data(),
)
def test_random_rectangles(size, data):
    h = data.draw(st.integers(1, size), label="h")
    w = data.draw(st.integers(1, size), label="w")
    top = data.draw(st.integers(0, size - h), label="top")
    left = data.draw(st.integers(0, size - w), label="left")
    value = data.draw(st.integers(1, 255), label="value")
    img = np.zeros((size, size), np.uint8)
    img[top : top + h, left : left + w] = value
    out = drawing_to_mnist(img)
    assert out.shape == (28, 28)
    assert out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    bh, bw = bbox(out)
    assert max(bh, bw) <= 20
    r, c = com(out)
    assert abs(r - 14) <= 1 and abs(c - 14) <= 1


def test_out_of_range_values_are_clipped_like_the_image():
    img = np.zeros((100, 100), np.float32)
    img[20:80, 45:55] = 400.0  # brighter than white
    img[0, 0] = -50.0  # below black: not ink, must not stretch the bounding box
    np.testing.assert_allclose(drawing_to_mnist(img), drawing_to_mnist(np.clip(img, 0, 255)))
    h, w = bbox(drawing_to_mnist(img), 0.1)
    assert h == 20
