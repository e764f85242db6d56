"""Opening or dropping a picture on the predict view, for digit models and any other image model."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.layers import Dense, Flatten, Input
from engine.models import Sequential
from gui.canvas.image_file import ImageFileError, picture_to_input, read_picture
from gui.canvas.model_input import ImageInput, image_input_for
from tests.gui.predict_support import ONE, draw_digit, pretrained_model, sample_digits

DIGITS = [str(d) for d in range(10)]
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]



@pytest.fixture(scope="module")
def model():
    return pretrained_model()


@pytest.fixture(scope="module")
def confident_digit(model):
    """A real test digit the pretrained model reads confidently, and that reading."""
    x, _ = sample_digits()
    batch = x[:200].reshape((200, *model.input_shape[1:])).astype(np.float32) / 255.0
    probs = model.predict(batch, verbose=0)
    i = int(np.argmax(probs.max(axis=1)))
    return x[i], int(np.argmax(probs[i]))


def drop_files(widget, paths) -> tuple[bool, bool]:
    """Drag `paths` over `widget` and drop them, as a file manager does; (enter, drop) accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return True, drop.isAccepted()


def write_large(pixels: np.ndarray, path, side: int = 200) -> None:
    Image.fromarray(pixels).resize((side, side), Image.Resampling.BILINEAR).save(path)


def test_dropped_png_is_predicted_like_the_digit_itself(panel, qtbot, model, confident_digit,
                                                        tmp_path):
    digit, expected = confident_digit
    path = tmp_path / "digit.png"
    write_large(digit, path)
    panel.set_model(model, DIGITS)
    assert drop_files(panel, [path]) == (True, True)
    probs = panel.current_probabilities()
    assert probs is not None and int(np.argmax(probs)) == expected
    assert panel.canvas.has_picture() and panel.canvas.is_empty()
    assert "digit.png" in panel.message.text()
    # The model saw the digit again (MNIST digits are already centred by mass in a 20 px box),
    # up to the blur of scaling it up and down again.
    seen = panel.current_input()
    assert seen.shape == (28, 28)
    assert np.corrcoef(seen.ravel(), digit.ravel() / 255.0)[0, 1] > 0.6


def test_a_drop_on_the_canvas_reaches_the_view(panel, model, confident_digit, tmp_path):
    """Where a person lets go of the file: over the canvas, which hands the drop to the view."""
    digit, expected = confident_digit
    path = tmp_path / "digit.png"
    write_large(digit, path)
    panel.set_model(model, DIGITS)
    assert drop_files(panel.canvas, [path]) == (True, True)
    assert int(np.argmax(panel.current_probabilities())) == expected


def test_dark_on_light_photo_is_inverted(panel, model, confident_digit, tmp_path):
    digit, expected = confident_digit
    path = tmp_path / "paper.jpg"
    write_large((255 - digit).astype(np.uint8), path, side=300)
    panel.set_model(model, DIGITS)
    assert panel.open_image(path)
    assert int(np.argmax(panel.current_probabilities())) == expected
    seen = panel.current_input()
    assert seen[0, 0] == 0.0 and seen.max() == pytest.approx(1.0)  # light ink on black again


def test_drawing_replaces_the_picture(panel, qtbot, model, confident_digit, tmp_path):
    path = tmp_path / "digit.png"
    write_large(confident_digit[0], path)
    panel.set_model(model, DIGITS)
    panel.open_image(path)
    draw_digit(panel.canvas, ONE)
    qtbot.waitUntil(lambda: not panel.canvas.has_picture() and panel.message.text() == "")
    qtbot.waitUntil(lambda: int(np.argmax(panel.current_probabilities())) == 1)


def test_unreadable_files_become_messages(panel, model, tmp_path):
    panel.set_model(model, DIGITS)
    text = tmp_path / "notes.png"
    text.write_text("not a picture at all")
    assert drop_files(panel, [text]) == (True, True)
    assert "not an image" in panel.message.text()
    assert panel.current_probabilities() is None
    assert not panel.open_image(tmp_path / "missing.png")
    assert "missing.png" in panel.message.text()
    truncated = tmp_path / "cut.png"
    write_large(np.zeros((28, 28), np.uint8), truncated)
    truncated.write_bytes(truncated.read_bytes()[:60])
    assert not panel.open_image(truncated)
    assert "cut.png" in panel.message.text()
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    assert panel.open_image(blank)  # a readable picture, but no digit to find in it
    assert "No digit found" in panel.message.text()
    assert panel.current_probabilities() is None


def test_web_links_are_not_accepted(panel):
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/seven.png")])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert not enter.isAccepted()


def test_colour_model_gets_a_plain_resize_and_its_class_names(panel, qtbot, tmp_path):
    cifar_like = Sequential([Input((32, 32, 3)), Flatten(), Dense(10, activation="softmax")])
    panel.set_model(cifar_like, CIFAR10)
    assert "32×32 colour" in panel.input_caption.text()
    assert not panel.canvas.drawing_enabled()
    draw_digit(panel.canvas, ONE)  # drawing can't feed a colour model: nothing happens
    assert panel.canvas.is_empty() and panel.current_probabilities() is None
    assert "image" in panel.predicted_label.text()

    pixels = np.zeros((48, 64, 3), np.uint8)
    pixels[:, :32, 0] = 255  # red left half, blue right half
    pixels[:, 32:, 2] = 255
    path = tmp_path / "colours.png"
    Image.fromarray(pixels).save(path)
    assert drop_files(panel, [path]) == (True, True)
    seen = panel.current_input()
    assert seen.shape == (32, 32, 3)
    assert seen[:, :12, 0].min() > 0.9 and seen[:, :12, 2].max() < 0.1
    assert seen[:, -12:, 2].min() > 0.9 and seen[:, -12:, 0].max() < 0.1
    expected = cifar_like.predict(seen[None], verbose=0)[0]
    np.testing.assert_allclose(panel.current_probabilities(), expected, rtol=1e-5, atol=1e-6)
    assert panel.bars.class_names() == CIFAR10
    assert panel.predicted_label.text().split(" — ")[0] in CIFAR10
    assert not panel.correction.isVisible()  # your own samples are digits
    assert not panel.pen_width.isEnabled()
    assert panel.message.text() == "Picture: colours.png"  # no drawing can replace it here


def test_models_that_take_no_image_say_so(panel, tmp_path):
    table_model = Sequential([Input((100,)), Dense(3, activation="softmax")])
    panel.set_model(table_model)
    assert "not an image" in panel.predicted_label.text()
    path = tmp_path / "x.png"
    Image.new("RGB", (40, 40), (200, 10, 10)).save(path)
    assert panel.open_image(path)
    assert panel.current_probabilities() is None
    assert "not an image" in panel.predicted_label.text()


def test_logits_and_many_classes_are_shown_as_probabilities(panel, tmp_path):
    logits = Sequential([Input((28, 28)), Flatten(), Dense(100)])  # no softmax, 100 classes
    panel.set_model(logits)
    path = tmp_path / "d.png"
    write_large(sample_digits()[0][0], path)
    panel.open_image(path)
    probs = panel.current_probabilities()
    assert probs.shape == (100,) and probs.sum() == pytest.approx(1.0)
    assert "softmax" in panel.predicted_label.text()
    assert len(panel.bars.shown_rows()) == 10
    assert panel.bars.shown_rows()[0] == int(np.argmax(probs))


# ---- the conversion on its own ------------------------------------------------------------


def test_transparent_sheet_with_dark_ink(tmp_path):
    rgba = np.zeros((120, 90, 4), np.uint8)
    rgba[20:100, 40:50] = (0, 0, 0, 255)  # a black bar on a fully transparent sheet
    path = tmp_path / "bar.png"
    Image.fromarray(rgba, "RGBA").save(path)
    out = picture_to_input(read_picture(path), image_input_for(pretrained_model()), digits=True)
    assert out.shape == (28, 28) and out[14, 14] == pytest.approx(1.0) and out[0, 0] == 0.0


def test_sixteen_bit_and_other_grey_sizes(tmp_path):
    grey16 = np.zeros((64, 64), np.uint16)
    grey16[16:48, 16:48] = 60000
    path = tmp_path / "deep.png"
    Image.fromarray(grey16).save(path)
    target = ImageInput((16, 16, 1), 16, 16, 1)
    out = picture_to_input(read_picture(path), target, digits=False)
    assert out.shape == (16, 16) and out[8, 8] > 0.95 and out[0, 0] < 0.05


def test_huge_pictures_are_shrunk_first(tmp_path):
    path = tmp_path / "big.png"
    Image.new("RGB", (3000, 1000), (255, 255, 255)).save(path)
    assert max(read_picture(path).size) == 512
    with pytest.raises(ImageFileError):
        read_picture(tmp_path)  # a folder
