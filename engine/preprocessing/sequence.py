"""pad_sequences: a list of variable-length sequences → one (samples, maxlen, …) array, as
keras.utils.pad_sequences (also keras.preprocessing.sequence.pad_sequences) makes it."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) every sequence to `maxlen` steps.

    sequences: a list (or array) of sequences, each a list/array of steps; a step may itself be an
    array, whose shape every non-empty sequence must share (it becomes the trailing axes).
    maxlen: None pads to the longest sequence. Longer sequences lose steps at the start
    (truncating='pre') or the end ('post'); shorter ones get `value` before ('pre') or after
    ('post'). A string `value` needs dtype=object (or a string dtype).
    Returns (len(sequences), maxlen, *step_shape) of `dtype`.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths, step_shape = [], None
    for seq in sequences:
        try:
            lengths.append(len(seq))
        except TypeError as exc:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {seq}") from exc
        if step_shape is None and len(seq):
            step_shape = np.asarray(seq).shape[1:]  # the first non-empty sequence decides
    step_shape = step_shape or ()
    if maxlen is None:
        if not lengths:
            raise ValueError("`pad_sequences` needs `maxlen` when `sequences` is empty.")
        maxlen = max(lengths)
    if not isinstance(maxlen, int | np.integer) or isinstance(maxlen, bool) or maxlen < 0:
        raise ValueError(f"`maxlen` must be a non-negative integer or None. Received: maxlen={maxlen}")
    maxlen = int(maxlen)
    string_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not string_dtype:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")
    out = np.full((len(lengths), maxlen, *step_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for row, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {row} is "
                             f"different from expected shape {step_shape}")
        if padding == "pre":
            out[row, maxlen - len(kept):] = kept
        else:
            out[row, :len(kept)] = kept
    return out
