"""ImageDataGenerator (engine.preprocessing.image) as Keras' legacy one: transforms, flow,
flow_from_directory, and training with them. With real Keras importable (KERAS_BACKEND=torch, a
dev-only setup) the transforms and seeded batches are also compared with Keras' own."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from PIL import Image

import engine
from engine import layers
from engine.datasets import sample
from engine.preprocessing.image import ImageDataGenerator, apply_affine_transform

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from keras.src.legacy.preprocessing.image import ImageDataGenerator as KerasGenerator
except ImportError:  # the usual case outside development
    KerasGenerator = None
needs_keras = pytest.mark.skipif(KerasGenerator is None, reason="keras is not installed (pip install torch "
                                 "keras scipy; KERAS_BACKEND=torch) — a dev-only check")
quiet_keras = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


def ramp_image(n: int = 9) -> np.ndarray:
    """(n, n, 2): channel 0 holds each pixel's row, channel 1 its column, so bilinear sampling
    returns the source point itself — the geometry can be read off the output."""
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return np.stack([rows, cols], axis=-1).astype(np.float32)


def image(h=6, w=8, c=3, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, (h, w, c)).astype(np.float32)


# --- one image ----------------------------------------------------------------------------------
def test_flips_are_exact():
    x, gen = image(), ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])


@pytest.mark.parametrize("order", [0, 1])
def test_whole_pixel_shift_is_a_roll_plus_fill(order):
    x = image()
    gen = ImageDataGenerator(fill_mode="constant", cval=-1.0, interpolation_order=order)
    # Keras' axis swap: tx (the height shift) moves along the width, ty along the height.
    expected = np.roll(x, -2, axis=1)
    expected[:, -2:] = -1.0
    np.testing.assert_allclose(gen.apply_transform(x, {"tx": 2}), expected, atol=1e-4)
    expected = np.roll(x, 1, axis=0)
    expected[0] = -1.0
    np.testing.assert_allclose(gen.apply_transform(x, {"ty": -1}), expected, atol=1e-4)
    nearest = ImageDataGenerator(fill_mode="nearest", interpolation_order=order).apply_transform(x, {"tx": 2})
    np.testing.assert_allclose(nearest[:, :-2], x[:, 2:], atol=1e-4)
    np.testing.assert_allclose(nearest[:, -2:], np.repeat(x[:, -1:], 2, axis=1), atol=1e-4)


def test_reflect_and_wrap_fill():
    row = np.arange(5, dtype=np.float32).reshape(1, 5, 1)
    reflect = ImageDataGenerator(fill_mode="reflect", interpolation_order=0)
    np.testing.assert_array_equal(reflect.apply_transform(row, {"tx": 3})[0, :, 0], [3, 4, 4, 3, 2])
    # scipy's 'wrap' (so Keras') repeats with period size-1: the points after the last are 1, 2, …
    wrap = ImageDataGenerator(fill_mode="wrap", interpolation_order=0)
    np.testing.assert_array_equal(wrap.apply_transform(row, {"tx": 2})[0, :, 0], [2, 3, 4, 1, 2])


@pytest.mark.parametrize("size,order,fill", [(7, 0, "nearest"), (8, 1, "nearest"), (8, 0, "constant")])
def test_rotation_by_90_degrees_is_rot90(size, order, fill):
    x = image(size, size)
    gen = ImageDataGenerator(interpolation_order=order, fill_mode=fill, cval=-1.0)
    np.testing.assert_allclose(gen.apply_transform(x, {"theta": 90}), np.rot90(x), atol=1e-3)
    if fill == "nearest":  # with 'constant', rounding puts some 180° edge sources a hair outside, as in Keras
        np.testing.assert_allclose(gen.apply_transform(x, {"theta": 180}), x[::-1, ::-1], atol=1e-3)


def test_rotation_shear_and_zoom_sample_the_expected_source_points():
    n, o = 9, 4.0  # the centre of a 9×9 image
    x, gen = ramp_image(n), ImageDataGenerator()
    r, c = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    t = np.deg2rad(20)
    out = gen.apply_transform(x, {"theta": 20})
    inside = (r - o) ** 2 + (c - o) ** 2 <= 3.9 ** 2  # points whose source lies in the image
    np.testing.assert_allclose(out[..., 0][inside], (o + np.cos(t) * (r - o) + np.sin(t) * (c - o))[inside],
                               atol=1e-4)
    np.testing.assert_allclose(out[..., 1][inside], (o - np.sin(t) * (r - o) + np.cos(t) * (c - o))[inside],
                               atol=1e-4)
    zoom = gen.apply_transform(x, {"zx": 0.5, "zy": 0.75})  # zx acts on columns, zy on rows
    np.testing.assert_allclose(zoom[..., 1], o + 0.5 * (c - o), atol=1e-4)
    np.testing.assert_allclose(zoom[..., 0], o + 0.75 * (r - o), atol=1e-4)
    assert gen.apply_transform(x, {"zx": 1, "zy": 1}) is x  # zoom 1: nothing to do


def test_random_parameters_stay_in_their_ranges_and_follow_the_seed():
    gen = ImageDataGenerator(rotation_range=30, width_shift_range=0.25, height_shift_range=3,
                             zoom_range=0.2, shear_range=5, horizontal_flip=True)
    draws = [gen.get_random_transform((20, 40, 3), seed=s) for s in range(200)]
    assert all(abs(p["theta"]) <= 30 and abs(p["shear"]) <= 5 for p in draws)
    assert all(abs(p["ty"]) <= 0.25 * 40 for p in draws)  # width shift: a fraction of the width
    assert {p["tx"] for p in draws} == {-2, -1, 0, 1, 2}  # an int n: whole pixels below n
    assert all(0.8 <= p["zx"] <= 1.2 and 0.8 <= p["zy"] <= 1.2 for p in draws)
    assert {bool(p["flip_horizontal"]) for p in draws} == {True, False}
    assert gen.get_random_transform((20, 40, 3), seed=5) == draws[5]
    x = image()
    np.testing.assert_array_equal(gen.random_transform(x, seed=3), gen.random_transform(x, seed=3))
    assert not np.allclose(gen.random_transform(x, seed=3), gen.random_transform(x, seed=4))
    listed = ImageDataGenerator(width_shift_range=[2, 5])
    assert {abs(listed.get_random_transform((8, 8, 1), seed=s)["ty"]) for s in range(50)} == {2, 5}


def test_channel_shift_clips_to_the_image_range():
    x = image()
    out = ImageDataGenerator().apply_transform(x, {"channel_shift_intensity": 50.0})
    np.testing.assert_allclose(out, np.clip(x + 50, x.min(), x.max()))


def test_standardize_and_fit():
    rng = np.random.default_rng(0)
    x = rng.normal([10, -5, 3], [2, 4, 1], size=(300, 4, 4, 3)).astype(np.float32)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        gen.standardize(x[0].copy())
    gen.fit(x)
    out = np.stack([gen.standardize(s.copy()) for s in x])
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-3)
    sample_gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True, rescale=0.5)
    one = sample_gen.standardize(x[0].copy())
    assert abs(one.mean()) < 1e-5 and abs(one.std() - 1) < 1e-4
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        zca = ImageDataGenerator(zca_whitening=True)
    mixing = np.array([[1, 0.8, 0, 0], [0, 1, 0.5, 0], [0, 0, 2, 0], [0.3, 0, 0, 0.5]])
    small = (rng.normal(size=(500, 4)) @ mixing + 7).reshape(500, 2, 2, 1)  # correlated pixels
    zca.fit(small)
    white = np.stack([zca.standardize(s.astype(np.float32)) for s in small]).reshape(500, -1)
    np.testing.assert_allclose(np.cov(white.T, bias=True), np.eye(4), atol=1e-2)


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="interpolation_order"):
        ImageDataGenerator(interpolation_order=3)
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(0.5, 1, 2))
    with pytest.raises(ValueError, match="rank 4"):
        ImageDataGenerator().flow(np.zeros((5, 8, 8)))


# --- flow ---------------------------------------------------------------------------------------
def test_flow_batches_rescale_dtype_and_last_partial_batch():
    x = np.random.default_rng(0).integers(0, 256, (10, 5, 6, 1), dtype=np.uint8)
    y = np.arange(10)
    it = ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4, shuffle=False)
    assert len(it) == 3
    batches = [it[i] for i in range(3)]
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert all(b[0].dtype == np.float32 and b[0].shape[1:] == (5, 6, 1) for b in batches)
    np.testing.assert_allclose(np.concatenate([b[0] for b in batches]), x / 255, rtol=1e-6)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    with pytest.raises(ValueError, match="length 3"):
        it[3]
    assert next(it)[0].shape == (4, 5, 6, 1) and len(next(it)[0]) == 4 and len(next(it)[0]) == 2
    assert len(next(it)[0]) == 4  # next() starts the next epoch
    assert isinstance(ImageDataGenerator().flow(x, batch_size=4)[0], np.ndarray)  # no y: x alone
    xb, yb, wb = ImageDataGenerator().flow(x, y, sample_weight=y * 2.0, shuffle=False)[0]
    np.testing.assert_array_equal(wb, yb * 2.0)


def test_flow_shuffles_each_epoch_and_a_seed_repeats_it():
    x = np.arange(12, dtype=np.float32).reshape(12, 1, 1, 1)
    it = ImageDataGenerator().flow(x, np.arange(12), batch_size=5, seed=3)
    first = np.concatenate([it[i][1] for i in range(len(it))])
    assert sorted(first) == list(range(12)) and list(first) != list(range(12))
    it.on_epoch_end()
    second = np.concatenate([it[i][1] for i in range(len(it))])
    assert sorted(second) == list(range(12)) and list(second) != list(first)
    again = ImageDataGenerator().flow(x, np.arange(12), batch_size=5, seed=3)
    np.testing.assert_array_equal(np.concatenate([again[i][1] for i in range(len(again))]), first)


def test_validation_split_subsets_are_disjoint_and_cover_the_data():
    x = np.arange(20, dtype=np.float32).reshape(20, 1, 1, 1)
    y = np.arange(20) % 2
    gen = ImageDataGenerator(validation_split=0.25)
    val = gen.flow(x, y, batch_size=32, shuffle=False, subset="validation")[0]
    train = gen.flow(x, y, batch_size=32, shuffle=False, subset="training")[0]
    # Keras takes the FIRST validation_split of the samples for validation, the rest for training.
    np.testing.assert_array_equal(val[0].ravel(), np.arange(5))
    np.testing.assert_array_equal(train[0].ravel(), np.arange(5, 20))
    with pytest.raises(ValueError, match="different number of classes"):
        gen.flow(x, np.sort(y), subset="validation")
    gen.flow(x, np.sort(y), subset="validation", ignore_class_split=True)
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator().flow(x, y, subset="training")
    with pytest.raises(ValueError, match="Invalid subset"):
        gen.flow(x, y, subset="test")


# --- flow_from_directory ------------------------------------------------------------------------
COLOURS = {"cat": (200, 30, 30), "dog": (30, 200, 30), "owl": (30, 30, 200)}


def write_folder(root, counts=(4, 3, 5)):
    """root/{cat,dog,owl}/NN.png: solid-colour images of varied sizes (resizing keeps the colour)."""
    for (name, colour), count in zip(COLOURS.items(), counts, strict=True):
        os.makedirs(root / name, exist_ok=True)
        for i in range(count):
            Image.new("RGB", (10 + i, 8 + 2 * i), colour).save(root / name / f"{i:02d}.png")
    return root


def test_flow_from_directory_reads_classes_sizes_and_colours(tmp_path, capsys):
    root = write_folder(tmp_path / "data")
    (root / "cat" / ".DS_Store").write_bytes(b"\0")  # hidden files are skipped
    it = ImageDataGenerator(rescale=1 / 255).flow_from_directory(root, target_size=(6, 7), batch_size=5,
                                                                 shuffle=False)
    assert capsys.readouterr().out.strip() == "Found 12 images belonging to 3 classes."
    assert it.class_indices == {"cat": 0, "dog": 1, "owl": 2} and it.samples == 12 and len(it) == 3
    assert list(it.classes) == [0] * 4 + [1] * 3 + [2] * 5
    assert it.filenames[:2] == [os.path.join("cat", "00.png"), os.path.join("cat", "01.png")]
    xb, yb = it[0]
    assert xb.shape == (5, 6, 7, 3) and xb.dtype == np.float32 and yb.shape == (5, 3)
    np.testing.assert_array_equal(yb.argmax(1), [0, 0, 0, 0, 1])
    np.testing.assert_allclose(xb[4], np.broadcast_to(np.array(COLOURS["dog"]) / 255, (6, 7, 3)), rtol=1e-6)
    gray = ImageDataGenerator().flow_from_directory(root, target_size=(4, 4), color_mode="grayscale",
                                                    class_mode="sparse", shuffle=False)[0]
    assert gray[0].shape == (12, 4, 4, 1) and list(gray[1]) == list(it.classes)
    rgba = ImageDataGenerator().flow_from_directory(root, color_mode="rgba", target_size=(3, 3))
    assert rgba[0][0].shape[-1] == 4


def test_flow_from_directory_class_modes_and_subsets(tmp_path):
    root = write_folder(tmp_path / "data", counts=(4, 4, 4))
    gen = ImageDataGenerator(validation_split=0.25)
    auto = gen.flow_from_directory(root, target_size=(4, 4), class_mode="input")[0]
    np.testing.assert_array_equal(auto[0], auto[1])
    assert isinstance(gen.flow_from_directory(root, target_size=(4, 4), class_mode=None)[0], np.ndarray)
    binary = gen.flow_from_directory(root, target_size=(4, 4), classes=["dog", "cat"], class_mode="binary",
                                     shuffle=False)
    assert binary.class_indices == {"dog": 0, "cat": 1} and list(binary[0][1]) == [0] * 4 + [1] * 4
    val = gen.flow_from_directory(root, target_size=(4, 4), subset="validation", shuffle=False)
    train = gen.flow_from_directory(root, target_size=(4, 4), subset="training", shuffle=False)
    assert val.filenames == [os.path.join(c, "00.png") for c in COLOURS]  # the first quarter of each class
    assert sorted(val.filenames + train.filenames) == sorted(
        os.path.join(c, f"{i:02d}.png") for c in COLOURS for i in range(4))


def test_flow_from_directory_errors_name_the_problem(tmp_path):
    root = write_folder(tmp_path / "data")
    (root / "dog" / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match="notes.txt"):
        ImageDataGenerator().flow_from_directory(root)
    (root / "dog" / "notes.txt").unlink()
    (root / "dog" / "broken.png").write_text("not a png either")
    with pytest.raises(ValueError, match="broken.png"):
        ImageDataGenerator().flow_from_directory(root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no class subfolders"):
        ImageDataGenerator().flow_from_directory(tmp_path / "empty")
    (tmp_path / "empty" / "cat").mkdir()
    with pytest.raises(ValueError, match="no images"):
        ImageDataGenerator().flow_from_directory(tmp_path / "empty")
    with pytest.raises(ValueError, match="class_mode"):
        ImageDataGenerator().flow_from_directory(root, class_mode="multi")


# --- training -----------------------------------------------------------------------------------
def digits(n=1500):
    (x, y), _ = sample.load_data()
    return x[:n, :, :, None], y[:n]


def small_cnn(classes=10):
    engine.utils.set_random_seed(0)
    model = engine.Sequential([layers.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Flatten(),
                               layers.Dense(classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_on_flow_with_validation_subset_learns_digits():
    x, y = digits()
    gen = ImageDataGenerator(rescale=1 / 255, rotation_range=10, width_shift_range=0.1, zoom_range=0.1,
                             validation_split=0.2)
    model = small_cnn()
    history = model.fit(gen.flow(x, y, batch_size=32, subset="training", seed=0), epochs=4, verbose=0,
                        validation_data=gen.flow(x, y, batch_size=32, subset="validation", shuffle=False))
    loss = history.history["loss"]
    assert loss[-1] < 0.6 * loss[0] and len(history.history["val_loss"]) == 4
    assert history.history["val_accuracy"][-1] > 0.6


def test_fit_on_flow_from_directory_learns_digits(tmp_path):
    x, y = digits(900)
    for i, (img, label) in enumerate(zip(x, y, strict=True)):
        if label < 3:
            os.makedirs(tmp_path / str(label), exist_ok=True)
            Image.fromarray(img[..., 0]).save(tmp_path / str(label) / f"{i}.png")
    it = ImageDataGenerator(rescale=1 / 255, width_shift_range=2).flow_from_directory(
        tmp_path, target_size=(28, 28), color_mode="grayscale", class_mode="sparse", batch_size=32, seed=1)
    model = small_cnn(classes=3)
    history = model.fit(it, epochs=4, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8


# --- against Keras ------------------------------------------------------------------------------
KERAS_SETTINGS = dict(rescale=1 / 255, rotation_range=30, width_shift_range=0.2, height_shift_range=2,
                      shear_range=10, zoom_range=0.2, horizontal_flip=True, vertical_flip=True,
                      channel_shift_range=20.0, brightness_range=(0.5, 1.5), validation_split=0.25)


@needs_keras
@quiet_keras
@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
def test_apply_transform_matches_keras(fill_mode, order):
    x = image(7, 10)
    ours = ImageDataGenerator(fill_mode=fill_mode, cval=5.0, interpolation_order=order)
    keras = KerasGenerator(fill_mode=fill_mode, cval=5.0, interpolation_order=order)
    cases = [{"theta": 90}, {"theta": -37.5, "tx": 1.5, "ty": -2}, {"shear": 12, "zx": 0.8, "zy": 1.3},
             {"tx": 3, "ty": 2, "zx": 2.0, "flip_horizontal": True}, {"theta": 180, "flip_vertical": True},
             {"theta": 15, "channel_shift_intensity": 30.0}, {"zx": 0.5, "brightness": 1.3}]
    for params in cases:
        np.testing.assert_allclose(ours.apply_transform(x, params), keras.apply_transform(x, params),
                                   atol=1e-3, err_msg=str(params))
    # the module function, channels first as its Keras defaults say
    params = {"theta": 25, "tx": 1, "ty": 2, "shear": 5, "zx": 0.9, "zy": 1.1}
    channels_first = apply_affine_transform(np.moveaxis(x, -1, 0), **params, fill_mode=fill_mode, cval=5.0,
                                            order=order)
    expected = np.moveaxis(keras.apply_transform(x, params), -1, 0)
    np.testing.assert_allclose(channels_first, expected, atol=1e-3)


@needs_keras
@quiet_keras
def test_seeded_flow_batches_match_keras():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (20, 12, 10, 3)).astype(np.uint8)
    y = np.arange(20) % 3
    ours, keras = ImageDataGenerator(**KERAS_SETTINGS), KerasGenerator(**KERAS_SETTINGS)
    for subset in ("training", "validation"):
        a = ours.flow(x, y, batch_size=4, seed=7, subset=subset)
        b = keras.flow(x, y, batch_size=4, seed=7, subset=subset)
        assert len(a) == len(b)
        for i in [1, 0]:
            (xa, ya), (xb, yb) = a[i], b[i]
            np.testing.assert_allclose(xa, xb, atol=1e-5)
            np.testing.assert_array_equal(ya, yb)
    # fit on seeded augmented rounds: the same random transforms, so the same statistics
    settings = dict(featurewise_center=True, featurewise_std_normalization=True, rotation_range=40,
                    zoom_range=0.3, rescale=1 / 255)
    ours_std, keras_std = ImageDataGenerator(**settings), KerasGenerator(**settings)
    ours_std.fit(x, augment=True, rounds=2, seed=2)
    keras_std.fit(x, augment=True, rounds=2, seed=2)
    np.testing.assert_allclose(ours_std.mean, keras_std.mean, rtol=1e-5)
    np.testing.assert_allclose(ours_std.std, keras_std.std, rtol=1e-5)


@needs_keras
@quiet_keras
def test_flow_from_directory_matches_keras(tmp_path):
    root = write_folder(tmp_path / "data")
    ours = ImageDataGenerator(**KERAS_SETTINGS).flow_from_directory(root, target_size=(9, 11), seed=4,
                                                                     batch_size=4, subset="training")
    keras = KerasGenerator(**KERAS_SETTINGS).flow_from_directory(root, target_size=(9, 11), seed=4,
                                                                 batch_size=4, subset="training")
    assert ours.class_indices == keras.class_indices and ours.filenames == keras.filenames
    np.testing.assert_array_equal(ours.classes, keras.classes)
    (xa, ya), (xb, yb) = ours[0], keras[0]
    np.testing.assert_allclose(xa, xb, atol=1e-5)
    np.testing.assert_array_equal(ya, yb)
