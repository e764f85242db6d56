"""IDX and Keras .npz readers: round trips, and one test per malformed file with its message."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine.datasets import DatasetError, read_idx, read_npz
from tests.engine.dataset_files import idx_bytes, write_idx

DTYPES = [np.uint8, np.int8, ">i2", ">i4", ">f4", ">f8"]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), gz=st.booleans())
def test_idx_round_trip_every_type_and_shape(tmp_path_factory, data, dtype, gz):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5))
    elements = st.floats(-1e6, 1e6, width=32) if np.dtype(dtype).kind == "f" else None
    array = data.draw(hnp.arrays(np.dtype(dtype), shape, elements=elements))
    path = tmp_path_factory.mktemp("idx") / "a.idx"
    write_idx(path, array, gz)
    back = read_idx(path)
    assert back.shape == array.shape
    assert back.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_idx_gz_and_raw_read_the_same_images(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    raw = read_idx(write_idx(tmp_path / "raw-idx3-ubyte", x))
    packed = read_idx(write_idx(tmp_path / "packed-idx3-ubyte.gz", x, gz=True))
    np.testing.assert_array_equal(raw, x)
    np.testing.assert_array_equal(packed, x)


def _bad_idx(tmp_path, data: bytes, name="bad-idx3-ubyte"):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DatasetError) as info:
        read_idx(path)
    assert name in str(info.value)
    return str(info.value)


def test_idx_wrong_magic(tmp_path):
    message = _bad_idx(tmp_path, b"\x12\x34\x08\x03" + bytes(12))
    assert "not an IDX file" in message and "12340803" in message


def test_idx_unknown_type_code(tmp_path):
    assert "type code 0x07" in _bad_idx(tmp_path, bytes([0, 0, 7, 1]) + (3).to_bytes(4, "big") + bytes(3))


def test_idx_zero_dimensions(tmp_path):
    assert "0 dimensions" in _bad_idx(tmp_path, bytes([0, 0, 8, 0]))


def test_idx_header_cut_short(tmp_path):
    message = _bad_idx(tmp_path, bytes([0, 0, 8, 3]) + (5).to_bytes(4, "big"))
    assert "declares 3 dimensions" in message and "inside the header" in message


def test_idx_truncated_data(tmp_path):
    whole = idx_bytes(np.zeros((4, 28, 28), np.uint8))
    message = _bad_idx(tmp_path, whole[:-100])
    assert "truncated" in message and "(4, 28, 28)" in message and "3,036" in message


def test_idx_sizes_smaller_than_the_data(tmp_path):
    message = _bad_idx(tmp_path, idx_bytes(np.zeros((4, 28, 28), np.uint8)) + bytes(784))
    assert "784 bytes more" in message and "header" in message


def test_idx_corrupt_gzip(tmp_path):
    packed = gzip.compress(idx_bytes(np.zeros((4, 28, 28), np.uint8)))
    message = _bad_idx(tmp_path, packed[: len(packed) // 2], "cut-idx3-ubyte.gz")
    assert "gzip data is corrupt" in message


def test_idx_missing_file_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="could not be read"):
        read_idx(tmp_path / "absent-idx1-ubyte")


# --- .npz --------------------------------------------------------------------------------------

def _npz(tmp_path, **arrays):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    return path


def _good(n=6, m=3):
    rng = np.random.default_rng(0)
    return dict(x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                y_train=(np.arange(n) % 10).astype(np.uint8),
                x_test=rng.integers(0, 256, (m, 28, 28), dtype=np.uint8),
                y_test=(np.arange(m) % 10).astype(np.uint8))


def test_npz_round_trip(tmp_path):
    arrays = _good()
    (x_train, y_train), (x_test, y_test) = read_npz(_npz(tmp_path, **arrays))
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == arrays[key].dtype


def test_npz_missing_keys(tmp_path):
    arrays = _good()
    del arrays["y_test"], arrays["x_test"]
    with pytest.raises(DatasetError, match=r"missing arrays x_test, y_test; it holds x_train, y_train"):
        read_npz(_npz(tmp_path, **arrays))


def test_npz_counts_mismatch(tmp_path):
    arrays = _good()
    arrays["y_train"] = arrays["y_train"][:4]
    with pytest.raises(DatasetError, match=r"data.npz \(train\): 6 images but 4 labels"):
        read_npz(_npz(tmp_path, **arrays))


def test_npz_float_labels(tmp_path):
    arrays = _good()
    arrays["y_test"] = arrays["y_test"].astype(np.float32)
    with pytest.raises(DatasetError, match="labels must be integer class indices; found float32"):
        read_npz(_npz(tmp_path, **arrays))


def test_npz_negative_labels(tmp_path):
    arrays = _good()
    arrays["y_train"] = arrays["y_train"].astype(np.int64) - 3
    with pytest.raises(DatasetError, match="class indices ≥ 0; found -3"):
        read_npz(_npz(tmp_path, **arrays))


def test_npz_not_a_zip(tmp_path):
    path = tmp_path / "data.npz"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(DatasetError, match="not a readable .npz file"):
        read_npz(path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    arrays = _good()
    arrays["y_train"] = np.array([object()] * 6, dtype=object)
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    with pytest.raises(DatasetError, match="Python objects"):
        read_npz(path)


def test_npz_scalar_images(tmp_path):
    arrays = _good()
    arrays["x_test"] = np.array(3, np.uint8)
    with pytest.raises(DatasetError, match=r"images must be an array \(samples, …\)"):
        read_npz(_npz(tmp_path, **arrays))
