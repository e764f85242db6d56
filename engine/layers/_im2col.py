"""Window arithmetic and patch extraction shared by convolution and pooling (channels_last).

x is (batch, height, width, channels). A window of (kh, kw) taps, spread by the dilation (dh, dw),
slides with strides (sh, sw) over x padded by ((top, bottom), (left, right)); tap (i, j) of every
window is the strided block xp[:, i·dh :: sh, j·dw :: sw, :]. im2col is one copy from a strided
view of all windows (written in order, so the destination streams); col2im loops over the kh·kw
taps — never over samples or pixels — adding one strided block per tap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from numpy.lib.stride_tricks import as_strided

Pads = tuple[tuple[int, int], tuple[int, int]]


# --- argument checks with Keras' messages ------------------------------------------------------
def normalize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int or n ints → a tuple of n ints, refusing non-integers and values ≤ 0 (< 0)."""
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n or not all(isinstance(v, int | np.integer) and not isinstance(v, bool)
                                       for v in values):
            raise ValueError(message)
        values = tuple(int(v) for v in values)
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError(f"{message}, including values {bad} that do not satisfy "
                         f"`value {'>= 0' if allow_zero else '> 0'}`")
    return values


def normalize_padding(value, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"The `padding` argument must be one of {set(allowed)}. "
                         f"Received: padding={value}")
    return value.lower()


def normalize_data_format(value) -> str:
    if value is None:
        return "channels_last"
    if not isinstance(value, str) or value.lower() not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={value}")
    return value.lower()


# --- window geometry ---------------------------------------------------------------------------
def output_length(size: int | None, kernel: int, stride: int, padding: str,
                  dilation: int = 1) -> int | None:
    """Keras' output size: 'valid' ⌊(size − (kernel−1)·dilation − 1)/stride⌋ + 1, 'same' ⌈size/stride⌉."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1  # 'same' and 'causal'


def same_pads(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's 'same' rule: total padding split evenly, the odd extra at the end."""
    out = (size - 1) // stride + 1
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


@dataclass(frozen=True)
class Geometry:
    """Where every tap of a window reads in the padded input, for one input height and width."""

    in_hw: tuple[int, int]
    kernel: tuple[int, int]
    strides: tuple[int, int]
    dilation: tuple[int, int]
    pads: Pads
    out_hw: tuple[int, int]

    @classmethod
    def of(cls, in_hw: tuple[int, int], kernel, strides, dilation, padding: str | Pads) -> Geometry:
        """`padding` is 'valid', 'same' or explicit ((top, bottom), (left, right))."""
        if padding == "valid":
            pads: Pads = ((0, 0), (0, 0))
        elif padding == "same":
            pads = tuple(same_pads(n, k, s, d) for n, k, s, d in
                         zip(in_hw, kernel, strides, dilation, strict=True))
        else:
            pads = padding
        out = tuple((n + p[0] + p[1] - (k - 1) * d - 1) // s + 1 for n, p, k, s, d in
                    zip(in_hw, pads, kernel, strides, dilation, strict=True))
        return cls(tuple(in_hw), tuple(kernel), tuple(strides), tuple(dilation), pads, out)

    @property
    def padded_hw(self) -> tuple[int, int]:
        (t, b), (left, r) = self.pads
        return self.in_hw[0] + t + b, self.in_hw[1] + left + r

    @property
    def padded(self) -> bool:
        return any(self.pads[0]) or any(self.pads[1])

    @property
    def disjoint(self) -> bool:
        """No two windows share an input element, so a backward pass may assign, not add."""
        return all(s >= (k - 1) * d + 1 for k, s, d in zip(self.kernel, self.strides, self.dilation,
                                                           strict=True))

    @property
    def covers_all(self) -> bool:
        """Windows tile the padded input exactly: every element lies in exactly one window."""
        return self.strides == self.kernel and self.dilation == (1, 1) and all(
            o * k == n for o, k, n in zip(self.out_hw, self.kernel, self.padded_hw, strict=True))

    def taps(self) -> Iterator[tuple[int, int, slice, slice]]:
        """(i, j, rows, cols): tap (i, j) of every window reads xp[:, rows, cols, :]."""
        (kh, kw), (sh, sw), (dh, dw), (oh, ow) = self.kernel, self.strides, self.dilation, self.out_hw
        for i in range(kh):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            for j in range(kw):
                yield i, j, rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)

    def crop(self, xp: np.ndarray) -> np.ndarray:
        """The unpadded part of a (batch, padded h, padded w, channels) array, as a view."""
        (t, _), (left, _) = self.pads
        return xp[:, t:t + self.in_hw[0], left:left + self.in_hw[1]]


# --- buffers kept between batches ------------------------------------------------------------
class Workspace:
    """Arrays a layer reuses batch after batch; reallocated only when shape or dtype changes.

    Allocating and page-faulting tens of megabytes per batch costs as much as filling them, so
    the padded input and the im2col matrix live here. Never hand one of these out as a layer's
    output: the caller could keep it past the next batch.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def array(self, key: str, shape: tuple[int, ...], dtype, fill: float | None = None) -> np.ndarray:
        """A buffer of this shape; a fresh one holds `fill` (or garbage when fill is None)."""
        array = self._arrays.get(key)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = np.empty(shape, dtype) if fill is None else np.full(shape, fill, dtype)
            self._arrays[key] = array
        return array

    def rows(self, key: str, count: int, tail: tuple[int, ...], dtype) -> np.ndarray:
        """The first `count` rows of a reused (≥ count, *tail) buffer, garbage-filled. It grows
        and never shrinks, so the chunks of a batch (which differ by a sample) share it."""
        array = self._arrays.get(key)
        if array is None or len(array) < count or array.shape[1:] != tail or array.dtype != dtype:
            array = self._arrays[key] = np.empty((count, *tail), dtype)
        return array[:count]


def pad_into(ws: Workspace, x: np.ndarray, geo: Geometry, fill: float = 0.0,
             key: str = "pad", room: int | None = None) -> np.ndarray:
    """x inside a reused buffer whose border holds `fill`; x itself when there is no padding.
    The buffer holds `room` samples (default: x's); a smaller x (a batch's last chunk) uses the
    first ones, so chunks of uneven size share one buffer."""
    if not geo.padded:
        return x
    n, _, _, c = x.shape
    buffer = ws.array(f"{key}{fill}", (max(n, room or n), *geo.padded_hw, c), x.dtype, fill=fill)
    xp = buffer[:n]
    geo.crop(xp)[...] = x  # only the interior changes, so the border keeps its fill
    return xp


# --- im2col / col2im -----------------------------------------------------------------------------
def windows(xp: np.ndarray, geo: Geometry, groups: int = 1) -> np.ndarray:
    """Every window of the padded input as a read-only 7-D view, no copy:
    (n, oh, ow, groups, kh, kw, channels/groups); element [b, y, x, g, i, j, c] is
    xp[b, y·sh + i·dh, x·sw + j·dw, g·cg + c].
    """
    n, _, _, c = xp.shape
    sn, sy, sx, sc = xp.strides
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel, geo.strides, geo.dilation, geo.out_hw
    cg = c // groups
    return as_strided(xp, (n, oh, ow, groups, kh, kw, cg),
                      (sn, sy * sh, sx * sw, sc * cg, sy * dh, sx * dw, sc), writeable=False)


def cols_buffer(ws: Workspace, key: str, geo: Geometry, n: int, channels: int, groups: int, dtype,
                channel_major: bool) -> np.ndarray:
    """A 7-D view (n, oh, ow, groups, kh, kw, channels/groups) over a reused buffer.

    Row-major memory puts one window's K = kh·kw·c/groups values side by side — a (M, K) matrix
    with M = n·oh·ow rows. With few channels the copy would move runs of 1–3 values, so
    `channel_major` lays the buffer out as (groups, kh, kw, c, n, oh, ow) instead: the copy then
    moves whole image rows, and the matrix is the same (M, K) seen in Fortran order.
    """
    (oh, ow), (kh, kw), cg = geo.out_hw, geo.kernel, channels // groups
    if channel_major:
        buf = ws.array(key, (groups, kh, kw, cg, n, oh, ow), dtype)
        return buf.transpose(4, 5, 6, 0, 1, 2, 3)
    return ws.array(key, (n, oh, ow, groups, kh, kw, cg), dtype)


def group_matrix(cols: np.ndarray, group: int) -> np.ndarray:
    """One group's (M, K) matrix: a view of the 7-D cols, never a copy."""
    n, oh, ow, _, kh, kw, cg = cols.shape
    matrix = cols[:, :, :, group].reshape(n * oh * ow, kh * kw * cg)
    assert np.shares_memory(matrix, cols), "im2col matrix must be a view"
    return matrix


def col2im(taps: np.ndarray, geo: Geometry, dxp: np.ndarray) -> None:
    """Add every tap's block of d windows into the padded gradient dxp (m, hp, wp, c).

    `taps` is tap-major, (kh·kw, m·oh·ow, c): each tap's block is contiguous, so each addition
    runs over whole rows of ow·c values (a window-major layout made them runs of c, measured
    2.4× slower).
    """
    n, c = dxp.shape[0], dxp.shape[-1]
    for k, (_, _, rows, columns) in enumerate(geo.taps()):
        target = dxp[:, rows, columns, :]  # a view into dxp
        target += taps[k].reshape(n, *geo.out_hw, c)


# --- the row order of a fused 2×2 max pooling ---------------------------------------------------
# A convolution that feeds a 2×2 pooling (engine/layers/_conv_pool.py) computes only the outputs
# the pooling reads — an even height and width — and orders each output row's pixels even columns
# first, then odd ones. The pooling then compares two runs of ow/2·channels values instead of
# alternating single pixels: NumPy's per-run overhead made the pairwise passes 4× slower than a copy.
def cropped_to_even(geo: Geometry) -> Geometry:
    """geo with its output cut to an even height and width (the last odd row/column dropped)."""
    oh, ow = geo.out_hw
    return replace(geo, out_hw=(oh - oh % 2, ow - ow % 2))


def even_columns_first(a: np.ndarray) -> np.ndarray:
    """(n, oh, ow, …) with ow even → a (n, oh, 2, ow/2, …) view: [:, y, q, p] is a[:, y, 2p + q]."""
    n, oh, ow = a.shape[:3]
    return a.reshape(n, oh, ow // 2, 2, *a.shape[3:]).swapaxes(2, 3)


def split_rows(a: np.ndarray) -> np.ndarray:
    """(n, oh, ow, …) → the (n, oh, 2, ow/2, …) view of the same memory: each row as two runs
    (in the paired order, the row's even columns, then its odd ones)."""
    n, oh, ow = a.shape[:3]
    view = a.reshape(n, oh, 2, ow // 2, *a.shape[3:])
    assert np.shares_memory(view, a), "splitting a row must not copy"
    return view


def batch_chunks(n: int, bytes_per_sample: int, budget: int = 1 << 20,
                 multiple: int = 1) -> list[slice]:
    """Split a batch so one chunk's working set stays near `budget` bytes — inside the L2 cache,
    where a copy and the matrix product that reads it back both run several times faster than on
    a block streamed through main memory. Whole samples per chunk, sizes as even as possible,
    and the count a multiple of `multiple` (the workers sharing the chunks) when n allows.
    """
    count = -(-n * max(1, bytes_per_sample) // max(1, budget))  # ⌈n·bytes / budget⌉
    count = min(n, max(1, -(-count // multiple) * multiple))
    edges = [n * i // count for i in range(count + 1)]
    return [slice(a, b) for a, b in zip(edges, edges[1:], strict=False)]


def largest(chunks: list[slice]) -> int:
    """Samples in the biggest chunk: the room a per-chunk buffer needs."""
    return max(part.stop - part.start for part in chunks)


# --- data_format -------------------------------------------------------------------------------
def to_channels_last(x: np.ndarray, data_format: str) -> np.ndarray:
    """(batch, channels, *spatial) → (batch, *spatial, channels) as a view; channels_last as is."""
    if data_format == "channels_last":
        return x
    return np.moveaxis(x, 1, -1)


def from_channels_last(x: np.ndarray, data_format: str) -> np.ndarray:
    if data_format == "channels_last":
        return x
    return np.moveaxis(x, -1, 1)


def shape_to_channels_last(shape: tuple, data_format: str) -> tuple:
    shape = tuple(shape)
    if data_format == "channels_last" or len(shape) < 2:
        return shape
    return (shape[0], *shape[2:], shape[1])


def shape_from_channels_last(shape: tuple, data_format: str) -> tuple:
    shape = tuple(shape)
    if data_format == "channels_last" or len(shape) < 2:
        return shape
    return (shape[0], shape[-1], *shape[1:-1])
