"""Feature maps and first-layer filters in the predict view: shown for a CNN, explained away for an
MLP, following the input."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from engine.layers import Conv2D, Dense, Flatten, Input
from engine.models import Sequential
from gui.panels.feature_map_images import conv_outputs, filter_tiles, first_filters, map_tiles, mosaic
from gui.panels.feature_maps import NO_CONV_TEXT, mosaic_columns
from tests.gui.predict_support import ONE, SEVEN, draw_digit, mlp, small_cnn


def pixels(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    buf = np.frombuffer(rgb.constBits(), np.uint8, rgb.bytesPerLine() * rgb.height())
    return buf.reshape(rgb.height(), rgb.bytesPerLine())[:, :3 * rgb.width()].copy()


def test_cnn_shows_filters_and_one_mosaic_per_convolution(panel, qtbot):
    model = small_cnn()
    panel.set_model(model)
    view = panel.feature_maps
    assert view.isVisible() and view.scroll.isVisible() and not view.message.isVisible()
    captions = [caption for caption, _ in view.mosaics()]
    assert len(captions) == 3  # the first layer's filters, then two Conv2D layers
    assert "filters (4 × 3×3)" in captions[0]
    np.testing.assert_array_equal(  # the filters mosaic is made of the real kernel
        pixels(view.mosaics()[0][1]),
        mosaic(filter_tiles(model.layers[0].kernel.value), mosaic_columns(4, 3, 3)).reshape(
            view.mosaics()[0][1].height(), -1))

    blank = pixels(view.mosaics()[1][1])  # before any drawing: the maps of an empty input
    assert "(4 maps, 26×26)" in view.mosaics()[1][0] and "(6 maps, 11×11)" in view.mosaics()[2][0]
    draw_digit(panel.canvas, SEVEN)
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None)
    # The maps follow by themselves (throttled) and are those of the input the model just read.
    x = panel.current_input().reshape(1, 28, 28, 1)
    (_, first), _ = conv_outputs(model, x)
    expected = mosaic(map_tiles(first), mosaic_columns(4, 26, 26))
    expected = expected.reshape(expected.shape[0], -1)
    qtbot.waitUntil(lambda: np.array_equal(pixels(view.mosaics()[1][1]), expected), timeout=2000)
    assert not np.array_equal(expected, blank)
    after_seven = [pixels(img) for _, img in view.mosaics()[1:]]

    panel.canvas.clear()
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: not np.array_equal(pixels(view.mosaics()[1][1]), after_seven[0]),
                    timeout=2000)
    for section in view._sections:
        assert section.view.width() >= 48 and section.view.height() >= 48  # readable sizes


def test_mlp_hides_the_maps_and_says_why(panel, qtbot):
    panel.set_model(mlp())
    view = panel.feature_maps
    assert not view.scroll.isVisible() and view.message.isVisible()
    assert view.message.text() == NO_CONV_TEXT and "Conv2D" in NO_CONV_TEXT
    assert view.mosaics() == []
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: panel.current_probabilities() is not None)
    assert not view.has_convolutions() and view.mosaics() == []
    panel.set_model(small_cnn())  # switching to a CNN brings them back
    assert view.scroll.isVisible() and len(view.mosaics()) == 3


def test_maps_wait_while_hidden(panel, qtbot):
    panel.set_model(small_cnn())
    view = panel.feature_maps
    before = pixels(view.mosaics()[1][1])
    panel.hide()
    draw_digit(panel.canvas, SEVEN)
    panel._refresh()
    qtbot.wait(150)  # past the throttle: hidden, so nothing may be computed
    np.testing.assert_array_equal(pixels(view.mosaics()[1][1]), before)
    panel.show()
    qtbot.waitUntil(lambda: not np.array_equal(pixels(view.mosaics()[1][1]), before), timeout=2000)


def test_colour_cnn_filters_are_in_colour():
    model = Sequential([Input((32, 32, 3)), Conv2D(5, 3), Flatten(), Dense(10)])
    kernel = first_filters(model)
    assert kernel.shape == (3, 3, 3, 5)
    tiles = filter_tiles(kernel)
    assert tiles.shape == (5, 3, 3, 3)
    assert not np.allclose(tiles[..., 0], tiles[..., 1])  # the channels differ: a colour image
    assert tiles.min() >= 0.0 and tiles.max() <= 1.0


def test_mosaic_layout():
    tiles = np.ones((5, 4, 3, 3))
    out = mosaic(tiles, columns=2)
    assert out.shape == (3 * 5 + 1, 2 * 4 + 1, 3) and out.dtype == np.uint8
    assert (out[1:5, 1:4] == 255).all()  # the first tile
    assert tuple(out[0, 0]) != (255, 255, 255)  # separators in their own colour
    maps = np.zeros((6, 6, 2), np.float32)
    maps[..., 1] = 2.0
    tiles = map_tiles(maps)
    assert tiles[0].max() == 0.0 and tiles[1].min() == 1.0  # one scale for the whole layer
