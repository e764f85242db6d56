"""Cross-correlation of channels_last images with a kernel matrix, and its gradients.

The work behind Conv1D/Conv2D. Every window of the (padded) input is a row of an im2col matrix
(M, K), M = batch·oh·ow, K = kh·kw·channels, and the output is that matrix times the kernel (K, F).
The batch is processed in chunks of a few megabytes, near the L2 cache's size: the chunk is
padded, its windows copied, and the matrix product reads them back at once; a `finish` step (bias,
activation, a fused pooling) runs on the chunk's output while that too is still in cache.
Measured on the benchmark CNNs this runs about twice as fast as building the whole matrix first.
The backward pass makes ONE pass over the chunks for everything — the activation's derivative,
kernel and bias gradients, and d x — so each chunk's d z is used while still in cache and the
cores meet once per layer, not twice. The loop is over chunks of samples, and within a chunk over
kernel taps only, never over single samples or pixels.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.layers import _im2col as im
from engine.layers import _parallel

# Below this many channels per group a row-major copy would move runs of 1–7 values.
CHANNEL_MAJOR_BELOW = 8
# A chunk's working set: twice one core's L2 cache here (2 MB). Fewer chunks mean fewer numpy calls
# and fewer hand-offs of the GIL between the workers, which outweighs spilling part of a chunk to
# L3. On 2 cores (alternating rounds, 25th percentile of the step): 1 → 2 MB took 7% off the MNIST
# and the CIFAR CNN; 2 → 4 MB took another 6–12% off CIFAR's (whose samples are 1.5 MB of work
# each in its largest layer), MNIST's within noise.
CHUNK_BYTES = 4 << 20
# Partial kernel gradients per backward pass: enough for the cores to share the work by claiming
# slots (with 8, the last slot left one core idle for up to an eighth of the pass: 16 took 5% less
# time per CIFAR step), few enough that adding them up stays cheap.
SLOTS = 16


class Correlator:
    """One per layer: the group count and the buffers reused from batch to batch."""

    def __init__(self, groups: int = 1) -> None:
        self.groups = groups
        self.ws = im.Workspace()

    def chunks(self, n: int, per_sample: int) -> list[slice]:
        """Sample ranges of about CHUNK_BYTES each, given one sample's working set in bytes."""
        return im.batch_chunks(n, per_sample, CHUNK_BYTES, _parallel.workers())

    def padded(self, x: np.ndarray, geo: im.Geometry, room: int, key: str) -> np.ndarray:
        """The chunk x (m, h, w, c) with geo's zero border, in a reused buffer for `room` samples
        (x itself when unpadded). Padding chunk by chunk keeps the copy in cache and on all cores."""
        return im.pad_into(self.ws, x, geo, key=key, room=room)

    def im2col(self, source: np.ndarray, geo: im.Geometry, room: int, key: str,
               paired: bool = False) -> np.ndarray:
        """The windows of the padded chunk `source` (m, hp, wp, c) copied into a reused buffer
        with room for `room` samples (chunks differ in size by one sample at most); `paired`: in
        the row order of a fused pooling (see _im2col; geo's output already cut to even)."""
        c = source.shape[-1]
        cols = im.cols_buffer(self.ws, key, geo, room, c, self.groups, source.dtype,
                              channel_major=c // self.groups < CHANNEL_MAJOR_BELOW)
        block = cols[:source.shape[0]]
        copy_windows(block, im.windows(source, geo, self.groups), paired)
        return block

    def product(self, cols: np.ndarray, kernel: np.ndarray, out: np.ndarray) -> None:
        """out (m, F) = windows (m, K) @ kernel (K, F), group by group."""
        if self.groups == 1:
            np.matmul(im.group_matrix(cols, 0), kernel, out=out)
            return
        width = out.shape[1] // self.groups
        for g in range(self.groups):
            part = slice(g * width, (g + 1) * width)
            np.matmul(im.group_matrix(cols, g), kernel[:, part], out=out[:, part])

    def forward(self, x: np.ndarray, geo: im.Geometry, kernel: np.ndarray,
                out: np.ndarray | Callable[[slice, int], np.ndarray],
                finish: Callable[[np.ndarray, slice, int], None] | None = None,
                bias: np.ndarray | None = None, paired: bool = False) -> None:
        """out (n·oh·ow, F) = every window of x (n, h, w, c), padded per geo, @ kernel (K, F)
        (+ bias (F,), when given: only with one group).

        `out` is the whole output, or `out(samples, worker)` gives the (m·oh·ow, F) block a chunk
        of samples goes to — a worker's scratch, when `finish` consumes it (a fused pooling).
        `finish(block, samples, worker)` runs on each chunk's block right after it is computed,
        while it is still in cache. `paired`: only the outputs a 2×2 pooling reads, in its row
        order (see _im2col.cropped_to_even): (n, oh − oh % 2, 2, ow // 2) rows.
        """
        if paired:
            geo = im.cropped_to_even(geo)
        n, _, _, c = x.shape
        pixels = geo.out_hw[0] * geo.out_hw[1]
        padded = geo.padded_hw[0] * geo.padded_hw[1] * c if geo.padded else 0
        chunks = self.chunks(n, x.itemsize * (pixels * (kernel.shape[0] + kernel.shape[1]) + padded))
        room = im.largest(chunks)
        if bias is not None:
            # The bias rides in the product as one more kernel row, against a column of ones
            # in the window matrix: a pass over the output saved (measured: the same product time).
            assert self.groups == 1, "the bias is added in the product only with one group"
            kernel = np.concatenate([kernel, bias[None, :].astype(kernel.dtype)])

        def body(part: slice, worker: int) -> None:
            block = (out(part, worker) if callable(out)
                     else out[part.start * pixels:part.stop * pixels])
            source = self.padded(x[part], geo, room, f"pad{worker}")
            if bias is None:
                self.product(self.im2col(source, geo, room, f"cols{worker}", paired), kernel, block)
            else:
                np.matmul(self.im2col_with_ones(source, geo, room, f"cols1{worker}", paired), kernel,
                          out=block)
            if finish is not None:
                finish(block, part, worker)

        _parallel.spread(chunks, body)

    def im2col_with_ones(self, source: np.ndarray, geo: im.Geometry, room: int, key: str,
                         paired: bool = False) -> np.ndarray:
        """The (m·oh·ow, K + 1) window matrix of the padded chunk `source`, its last column all
        ones. The ones are written when the buffer is made; later copies fill only the K
        window columns, so they stay."""
        m, c = source.shape[0], source.shape[-1]
        (oh, ow), (kh, kw) = geo.out_hw, geo.kernel
        size, rows = kh * kw * c, room * oh * ow
        if c < CHANNEL_MAJOR_BELOW:  # see cols_buffer: planes of whole image rows
            planes = self.ws.array(key, (size + 1, rows), source.dtype, fill=1.0)
            windows = planes[:size].reshape(1, kh, kw, c, room, oh, ow).transpose(4, 5, 6, 0, 1, 2, 3)
            matrix = planes[:, :m * oh * ow].T
        else:
            table = self.ws.array(key, (rows, size + 1), source.dtype, fill=1.0)
            windows = table[:, :size].reshape(room, oh, ow, 1, kh, kw, c)
            matrix = table[:m * oh * ow]
        assert np.shares_memory(windows, matrix), "im2col must write into the matrix's buffer"
        copy_windows(windows[:m], im.windows(source, geo), paired)
        return matrix

    def natural_order(self, g: np.ndarray, m: int, out_hw: tuple[int, int],
                      worker: int) -> np.ndarray:
        """g (m·oh'·ow', F) in the paired order → (m·oh·ow, F) row-major, zeros in the odd last
        row and column that no pooling window read; in the worker's scratch."""
        (oh, ow), filters = out_hw, g.shape[1]
        even_h, even_w = oh - oh % 2, ow - ow % 2
        natural = self.ws.rows(f"natural{worker}", m, (oh, ow, filters), g.dtype)
        natural[:, even_h:] = 0
        natural[:, :even_h, even_w:] = 0
        np.copyto(im.even_columns_first(natural[:, :even_h, :even_w]),
                  g.reshape(m, even_h, 2, even_w // 2, filters))
        return natural.reshape(m * oh * ow, filters)

    def backward(self, x: np.ndarray, geo: im.Geometry,
                 grad_rows: Callable[[slice, int], np.ndarray],
                 kernel: np.ndarray, kernel_grad: np.ndarray, bias_grad: np.ndarray | None,
                 dx: np.ndarray | None, gather: im.Geometry | None, paired: bool = False) -> None:
        """All gradients of out = windows(x) @ kernel in one pass over chunks of the batch.

        x (n, h, w, c) is the forward input (unpadded); kernel (kh, kw, c/groups, F). Writes
        kernel_grad (K, F) = Σ windowsᵀ @ g and bias_grad (F,) = Σ g over all rows, and, when dx
        (n, h, w, c) is given, d x: with `gather` (from `transposed_geometry`) as the correlation of
        the padded g with the flipped kernel, else by scattering d windows = g @ kernelᵀ back into
        place. `grad_rows(rows, worker)` returns the output gradient (m, F) of one chunk's rows; it
        may apply the activation's derivative (into the worker's scratch), so it is called once
        per chunk and its result is used before the worker's next call. `paired`: g's rows are
        those of `forward(paired=True)`.
        """
        n, h, w, c = x.shape
        filters = kernel_grad.shape[1]
        width = filters // self.groups
        pixels, size = geo.out_hw[0] * geo.out_hw[1], geo.kernel[0] * geo.kernel[1]
        read = im.cropped_to_even(geo) if paired else geo  # the windows that have a gradient
        rows_per_sample = read.out_hw[0] * read.out_hw[1]
        if dx is not None and gather is None:  # per group, (kh·kw, F/groups, c/groups)
            taps_kernel = kernel.reshape(size, c // self.groups, filters)
            tap_kernels = [taps_kernel[:, :, group * width:(group + 1) * width].transpose(0, 2, 1)
                           for group in range(self.groups)]
        cols_bytes = pixels * size * c  # the windows of x, and the scattered d windows
        if gather is not None:
            cols_bytes = max(cols_bytes, h * w * size * filters)  # the windows of d y
            flipped = flipped_kernel(kernel, self.groups)
            # When the windows of d y have the shape of those of x (same padding, as many filters as
            # channels), they reuse x's buffer, which is spent by then and still in cache.
            dz_cols = "cols" if gather.out_hw == read.out_hw and c == filters else "dcols"
        extra = geo.padded_hw[0] * geo.padded_hw[1] * c if geo.padded else 0  # x's padded chunk
        extra += h * w * c if dx is not None else 0
        chunks = self.chunks(n, x.itemsize * (cols_bytes + pixels * filters + extra))
        room = im.largest(chunks)
        # Workers claim runs of chunks (slots) in any order; each slot sums its chunks, in order,
        # into its own partial and the partials are added at the end: workers never write the
        # same memory, and the result does not depend on which worker took which slot.
        slots = [chunks[i::SLOTS] for i in range(min(SLOTS, len(chunks)))]
        partial_kernel = self.ws.array("partial_kernel", (len(slots), *kernel_grad.shape),
                                       kernel_grad.dtype)
        partial_bias = self.ws.array("partial_bias", (len(slots), filters), kernel_grad.dtype)
        # Σ over rows as ones @ g: BLAS does it 5–10× faster than g.sum(axis=0), which walks the
        # rows one short vector at a time.
        ones = self.ws.array("ones", (room * rows_per_sample,), kernel_grad.dtype, fill=1.0)

        def chunk(part: slice, worker: int, slot: int, first: bool) -> None:
            m = part.stop - part.start
            g = grad_rows(slice(part.start * rows_per_sample, part.stop * rows_per_sample), worker)
            if first:  # the slot's first chunk overwrites last batch's partial sums
                np.matmul(ones[:len(g)], g, out=partial_bias[slot])
            else:
                partial_bias[slot] += ones[:len(g)] @ g
            cols = self.im2col(self.padded(x[part], geo, room, f"pad{worker}"), read, room,
                               f"cols{worker}", paired)
            for group in range(self.groups):
                f = slice(group * width, (group + 1) * width)
                if first:
                    np.matmul(im.group_matrix(cols, group).T, g[:, f], out=partial_kernel[slot, :, f])
                else:
                    partial_kernel[slot, :, f] += im.group_matrix(cols, group).T @ g[:, f]
            if dx is None:
                return
            if paired:  # d x reads g in the natural order, zero where no window was pooled
                g = self.natural_order(g, m, geo.out_hw, worker)
            if gather is not None:
                source = self.padded(g.reshape(m, *geo.out_hw, filters), gather, room, f"dz{worker}")
                dcols = self.im2col(source, gather, room, f"{dz_cols}{worker}")
                self.product(dcols, flipped, dx[part].reshape(-1, c))
                return
            # d windows tap by tap, (kh·kw, m·oh·ow, c): one batched product per group.
            taps = self.ws.array(f"dcols{worker}", (size, room * pixels, c), g.dtype)[:, :len(g)]
            for group in range(self.groups):
                f, cg = slice(group * width, (group + 1) * width), c // self.groups
                np.matmul(g[:, f], tap_kernels[group], out=taps[:, :, group * cg:(group + 1) * cg])
            if geo.padded:
                dxp = self.ws.array(f"dxp{worker}", (room, *geo.padded_hw, c), g.dtype)[:m]
                dxp.fill(0.0)
                im.col2im(taps, geo, dxp)
                dx[part] = geo.crop(dxp)
            else:  # windows never reach past x: add straight into it
                target = dx[part]
                target.fill(0.0)
                im.col2im(taps, geo, target)

        def body(slot: int, worker: int) -> None:
            for i, part in enumerate(slots[slot]):
                chunk(part, worker, slot, i == 0)

        _parallel.spread(range(len(slots)), body)
        np.sum(partial_kernel, axis=0, out=kernel_grad)
        if bias_grad is not None:
            np.sum(partial_bias, axis=0, out=bias_grad)


def copy_windows(target: np.ndarray, windows: np.ndarray, paired: bool) -> None:
    """im2col's copy: windows (m, oh, ow, …) into target, in the paired row order if asked."""
    if paired:
        target, windows = im.split_rows(target), im.even_columns_first(windows)
    np.copyto(target, windows)


def transposed_geometry(geo: im.Geometry) -> im.Geometry | None:
    """For a stride-1 correlation, the geometry that gives d x as a correlation of d y.

    d x[u] = Σ_i d y[u + pad − i·d] · kernel[i], i.e. d y padded by (k−1)·d − pad on each side and
    correlated with the flipped kernel; its output is exactly x's height and width. None when
    strides > 1 (then d y would need zeros between its elements; scatter instead).
    """
    if geo.strides != (1, 1):
        return None
    pads = tuple(((k - 1) * d - before, (k - 1) * d - after) for k, d, (before, after)
                 in zip(geo.kernel, geo.dilation, geo.pads, strict=True))
    if any(p < 0 for pair in pads for p in pair):
        return None
    return im.Geometry.of(geo.out_hw, geo.kernel, (1, 1), geo.dilation, pads)


def flipped_kernel(kernel: np.ndarray, groups: int) -> np.ndarray:
    """(kh, kw, c/groups, F) → the (kh·kw·F/groups, c) matrix of the transposed correlation:
    taps reversed, and within each group input and output channels swapped.
    """
    kh, kw, cg, f = kernel.shape
    w = kernel.reshape(kh, kw, cg, groups, f // groups)[::-1, ::-1]
    return np.ascontiguousarray(w.transpose(0, 1, 4, 3, 2)).reshape(kh * kw * (f // groups),
                                                                    groups * cg)
