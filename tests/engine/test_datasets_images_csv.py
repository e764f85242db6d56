"""Image folders, CSV tables and load_path's choice of reader; every bad input has its message."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from PIL import Image

from engine.datasets import (
    DatasetError,
    DatasetNotFoundError,
    image_folder,
    load_path,
    read_csv,
    read_image_folder,
)
from tests.engine.dataset_files import write_idx


def _png(path, array, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, mode).save(path)
    return path


def _gray_folder(root, per_class=3, size=(6, 8)):
    """Classes b_dog, a_cat (written out of order); pixel value encodes (class, index)."""
    written = {}
    for cls, name in ((1, "b_dog"), (0, "a_cat")):
        for i in range(per_class):
            array = np.full(size, 40 * cls + i, np.uint8)
            _png(root / name / f"{i:02d}.png", array)
            written[(cls, i)] = array
    return written


def test_image_folder_keeps_uniform_size_and_gray_through_load_path(tmp_path):
    _gray_folder(tmp_path / "pets")
    ((x, y), (x_test, y_test)), names = load_path(tmp_path / "pets")
    assert names == ["a_cat", "b_dog"]
    assert x.shape == (6, 6, 8, 1) and x.dtype == np.uint8 and y.dtype == np.int32
    assert sorted(y.tolist()) == [0, 0, 0, 1, 1, 1] and y.tolist() != sorted(y.tolist())  # shuffled
    for image, label in zip(x[:, :, :, 0], y, strict=True):  # each image keeps its own label
        assert image[0, 0] // 40 == label and (image == image[0, 0]).all()
    assert x_test.shape == (0, 6, 8, 1) and y_test.shape == (0,)
    ((x2, y2), _), _ = load_path(tmp_path / "pets")
    np.testing.assert_array_equal(y2, y)  # the same order every time


def test_unshuffled_order_is_class_then_file_name(tmp_path):
    written = _gray_folder(tmp_path / "pets")
    x, y, _ = read_image_folder(tmp_path / "pets", None, "grayscale", shuffle=False)
    assert y.tolist() == [0, 0, 0, 1, 1, 1]
    np.testing.assert_array_equal(x[4, :, :, 0], written[(1, 1)])


def test_keras_defaults_resize_to_256_rgb(tmp_path):
    _gray_folder(tmp_path / "pets", per_class=1)
    x, y, names = read_image_folder(tmp_path / "pets")
    assert x.shape == (2, 256, 256, 3) and names == ["a_cat", "b_dog"]
    # The reader may shuffle: pick the dog (class 1, value 40) by its label, not its position.
    assert (x[list(y).index(1)] == 40).all()  # a flat image stays flat through the resize


def test_color_modes(tmp_path):
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[..., 0] = 200
    _png(tmp_path / "set" / "red" / "r.png", rgb)
    gray = read_image_folder(tmp_path / "set", (4, 4), "grayscale")[0]
    rgba = read_image_folder(tmp_path / "set", (4, 4), "rgba")[0]
    assert gray.shape == (1, 4, 4, 1) and gray[0, 0, 0, 0] == round(200 * 0.299)
    assert rgba.shape == (1, 4, 4, 4) and rgba[0, 0, 0].tolist() == [200, 0, 0, 255]
    with pytest.raises(ValueError, match="Received: color_mode=cmyk"):
        read_image_folder(tmp_path / "set", (4, 4), "cmyk")


def test_mixed_sizes_fall_back_to_256(tmp_path):
    _png(tmp_path / "set" / "a" / "1.png", np.zeros((5, 5), np.uint8))
    _png(tmp_path / "set" / "b" / "2.png", np.zeros((7, 3), np.uint8))
    x, _, _ = read_image_folder(tmp_path / "set", None, None)
    assert x.shape == (2, 256, 256, 1)


def test_hidden_files_and_folders_are_skipped(tmp_path):
    _gray_folder(tmp_path / "pets", per_class=2)
    (tmp_path / "pets" / "a_cat" / ".DS_Store").write_bytes(b"\x00junk")
    _png(tmp_path / "pets" / ".thumbnails" / "x.png", np.zeros((6, 8), np.uint8))
    (tmp_path / "pets" / "README.txt").write_text("top-level files are ignored")
    ((x, _), _), names = load_path(tmp_path / "pets")
    assert len(x) == 4 and names == ["a_cat", "b_dog"]


def test_train_and_test_subfolders(tmp_path):
    _gray_folder(tmp_path / "pets" / "train", per_class=3)
    _gray_folder(tmp_path / "pets" / "test", per_class=1)
    ((x, _), (x_test, y_test)), names = load_path(tmp_path / "pets")
    assert x.shape == (6, 6, 8, 1) and x_test.shape == (2, 6, 8, 1) and y_test.tolist() == [0, 1]


# --- bad image folders ---------------------------------------------------------------------------

def test_non_image_file_among_images_is_named(tmp_path):
    _gray_folder(tmp_path / "pets")
    (tmp_path / "pets" / "b_dog" / "notes.txt").write_text("not a picture")
    with pytest.raises(DatasetError, match=r"b_dog/notes.txt: not an image Hornbook can read"):
        load_path(tmp_path / "pets")


def test_truncated_image_is_named(tmp_path):
    _gray_folder(tmp_path / "pets")
    bad = _png(tmp_path / "pets" / "a_cat" / "zz.png", np.random.default_rng(0).integers(0, 255, (60, 60),
                                                                                        dtype=np.uint8))
    bad.write_bytes(bad.read_bytes()[:200])
    with pytest.raises(DatasetError, match=r"a_cat/zz.png: not an image"):
        read_image_folder(tmp_path / "pets", (6, 8))


def test_empty_image_folder(tmp_path):
    (tmp_path / "nothing").mkdir()
    with pytest.raises(DatasetError, match="an empty image folder: no class subfolders"):
        read_image_folder(tmp_path / "nothing")


def test_class_folders_without_images(tmp_path):
    (tmp_path / "set" / "cats").mkdir(parents=True)
    (tmp_path / "set" / "dogs").mkdir()
    with pytest.raises(DatasetError, match="the class folders cats, dogs hold no images"):
        load_path(tmp_path / "set")


def test_test_classes_differ_from_training_classes(tmp_path):
    _gray_folder(tmp_path / "pets" / "train")
    _png(tmp_path / "pets" / "test" / "horse" / "1.png", np.zeros((6, 8), np.uint8))
    with pytest.raises(DatasetError, match=r"its classes \['horse'\] differ"):
        load_path(tmp_path / "pets")


def test_too_big_for_memory_is_refused_before_reading(tmp_path, monkeypatch):
    _gray_folder(tmp_path / "pets")
    monkeypatch.setattr(image_folder, "MAX_BYTES", 1000)
    with pytest.raises(DatasetError, match="GB of memory; choose a smaller image_size"):
        read_image_folder(tmp_path / "pets")


# --- CSV -----------------------------------------------------------------------------------------

def _digits(n=12):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 784)), np.arange(n) % 10


def _write_csv(path, rows, header=None):
    lines = ([",".join(header)] if header else []) + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_label_last_like_the_5k_sample(tmp_path):
    pixels, labels = _digits()
    pixels[:, 0] = 0  # as in MNIST, the corner pixel is always 0: it must not look like labels
    path = _write_csv(tmp_path / "mnist_5k.csv", np.column_stack([pixels, labels]))
    ((x, y), (x_test, _)), names = load_path(path)
    assert x.shape == (12, 28, 28) and x.dtype == np.uint8
    np.testing.assert_array_equal(x.reshape(12, -1), pixels)
    assert y.tolist() == labels.tolist() and names == [str(i) for i in range(10)] and len(x_test) == 0


def test_csv_label_first_gzipped(tmp_path):
    pixels, labels = _digits()
    text = "\n".join(",".join(map(str, row)) for row in np.column_stack([labels, pixels]))
    path = tmp_path / "train.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    x, y, _ = read_csv(path)
    assert y.tolist() == labels.tolist() and x.shape == (12, 28, 28)


def test_csv_header_names_the_label_anywhere(tmp_path):
    rows = [[0.5, 1, 0.25, 0.75], [0.1, 0, 0.2, 0.3], [0.9, 2, 0.4, 0.6]]
    x, y, names = read_csv(_write_csv(tmp_path / "t.csv", rows, ["a", "Label", "b", "c"]))
    assert y.tolist() == [1, 0, 2] and names == ["0", "1", "2"]
    assert x.dtype == np.float32 and x.shape == (3, 3)


def test_csv_colour_rows(tmp_path):
    rows = np.column_stack([np.random.default_rng(1).integers(0, 256, (4, 3072)), [0, 1, 0, 1]])
    x, _, _ = read_csv(_write_csv(tmp_path / "c.csv", rows))
    assert x.shape == (4, 32, 32, 3)


def test_folder_with_train_and_test_csv(tmp_path):
    pixels, labels = _digits()
    _write_csv(tmp_path / "train.csv", np.column_stack([labels, pixels]))
    _write_csv(tmp_path / "test.csv", np.column_stack([labels[:4], pixels[:4]]))
    ((x, _), (x_test, _)), _ = load_path(tmp_path)
    assert len(x) == 12 and len(x_test) == 4


def _bad_csv(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DatasetError, match=match):
        read_csv(path)


def test_csv_empty(tmp_path):
    _bad_csv(tmp_path, "\n  \n", "bad.csv: an empty CSV file")


def test_csv_header_only(tmp_path):
    _bad_csv(tmp_path, "label,p1,p2\n", "header row but no data rows")


def test_csv_non_numeric_cell(tmp_path):
    _bad_csv(tmp_path, "1,2,3\n0,x7,3\n", r"row 2, column 2 holds 'x7', which is not a number")


def test_csv_ragged_rows(tmp_path):
    _bad_csv(tmp_path, "label,a,b\n1,2,3\n0,1\n", r"ragged rows: row 3 has 2 cells but the first row has 3")


def test_csv_without_a_label_column(tmp_path):
    _bad_csv(tmp_path, "300,2,400\n500,3,600\n", "no label column found")


def test_csv_with_two_candidate_label_columns(tmp_path):
    _bad_csv(tmp_path, "1,200,0\n0,100,1\n", "both the first and the last column could be the labels")


def test_csv_label_column_of_fractions(tmp_path):
    _bad_csv(tmp_path, "label,a\n1.5,3\n0,4\n", "not class indices")


def test_csv_single_column(tmp_path):
    _bad_csv(tmp_path, "1\n2\n", "needs a label and at least one pixel")


# --- load_path's other readers and refusals -------------------------------------------------------

def test_idx_folder_and_single_idx_file(tmp_path):
    x, y = np.zeros((5, 28, 28), np.uint8), np.array([0, 1, 2, 3, 4], np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", x)
    write_idx(tmp_path / "train-labels-idx1-ubyte", y)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x[:2], gz=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", y[:2], gz=True)
    ((xt, yt), (xs, _)), names = load_path(tmp_path / "train-labels-idx1-ubyte")
    assert xt.shape == (5, 28, 28) and xs.shape == (2, 28, 28) and names == ["0", "1", "2", "3", "4"]


def test_idx_images_and_labels_of_different_counts(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 28, 28), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 28, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(2, np.uint8))
    with pytest.raises(DatasetError, match="5 images but 4 labels"):
        load_path(tmp_path)


def test_npz_through_load_path(tmp_path):
    x = np.zeros((3, 4, 4), np.uint8)
    np.savez(tmp_path / "mine.npz", x_train=x, y_train=np.array([0, 2, 1]), x_test=x[:1], y_test=[2])
    ((xt, _), (xs, _)), names = load_path(tmp_path / "mine.npz")
    assert xt.shape == (3, 4, 4) and len(xs) == 1 and names == ["0", "1", "2"]


def test_missing_path(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="no such file or folder"):
        load_path(tmp_path / "nope")


def test_unknown_file_type(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatasetError, match="notes.txt: not a data file Hornbook reads"):
        load_path(tmp_path / "notes.txt")


def test_folder_with_nothing_recognisable(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatasetError, match="nothing Hornbook recognises"):
        load_path(tmp_path)
