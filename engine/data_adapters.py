"""From what `fit`, `evaluate` and `predict` receive to batches of float32 inputs.

Three sources, as in Keras 3: arrays (x, y, sample_weight), a `Sequence`-like object (`__len__`
and `__getitem__(i)` returning one batch) and a Python generator or iterator of batches. A batch is
`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.

Arrays stay in their stored dtype (uint8 images stay uint8): each batch is gathered by index and
only then converted to float32, so a data set is never copied whole as floats.
"""

from __future__ import annotations

import itertools
import math
import types
import warnings

import numpy as np

from engine import backend


def unpack_x_y_sample_weight(data) -> tuple:
    """(x, y, sample_weight) from `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, *([None] * (3 - len(data))))
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found a tuple of {len(data)} items.")


def is_batch_source(x) -> bool:
    """A generator, an iterator, or a Sequence-like object: anything that yields whole batches."""
    if isinstance(x, np.ndarray | list | tuple | dict | str | bytes) or x is None:
        return False
    if isinstance(x, types.GeneratorType) or hasattr(x, "__next__"):
        return True
    return hasattr(x, "__getitem__") and hasattr(x, "__len__") and not hasattr(x, "__array__")


def as_float_batch(x) -> np.ndarray:
    """A batch of inputs as float32 (no copy when it already is)."""
    if isinstance(x, np.ndarray) and x.dtype == np.float32 and type(x) is np.ndarray:
        return x
    return np.asarray(x, dtype=np.float32)


def as_array(data, role: str) -> np.ndarray:
    """An ndarray (subclasses such as np.memmap kept as they are, so nothing is read early)."""
    array = np.asanyarray(data)
    if array.ndim == 0:
        raise ValueError(f"`{role}` must be an array with a batch dimension. Received a scalar: {data!r}")
    return array


def class_weight_to_sample_weights(y: np.ndarray, class_weight: dict) -> np.ndarray:
    """One weight per sample from its class (the argmax of one-hot rows); 1.0 for unlisted classes."""
    y = np.asarray(y)
    if y.ndim > 2:
        raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
    if y.ndim == 2:
        y = y.argmax(axis=-1) if y.shape[-1] != 1 else y[:, 0]
    labels = np.round(y).astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"`class_weight` needs class indices >= 0. Received a label {labels.min()}.")
    table = np.ones(int(labels.max(initial=0)) + 1, np.float32)
    for label, weight in class_weight.items():
        if 0 <= int(label) < table.size:
            table[int(label)] = weight
    return table[labels]


class ArrayAdapter:
    """Batches of arrays, reshuffled each pass when `shuffle` (True, or 'batch' for within-batch)."""

    reiterable = True

    def __init__(self, x, y=None, sample_weight=None, batch_size: int = 32, shuffle=False,
                 class_weight=None) -> None:
        self.x = as_array(x, "x")
        self.y = None if y is None else as_array(y, "y")
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight, np.float32)
        check_cardinality(self.x, self.y, self.sample_weight)
        if class_weight is not None:
            if self.sample_weight is not None:
                raise ValueError("You cannot use `class_weight` and `sample_weight` at the same time: "
                                 "fold the class weights into `sample_weight` instead.")
            if self.y is None:
                raise ValueError("`class_weight` needs targets `y`.")
            self.sample_weight = class_weight_to_sample_weights(self.y, class_weight)
        self.batch_size, self.shuffle = batch_size, shuffle
        self.num_samples = len(self.x)
        self.num_batches = math.ceil(self.num_samples / batch_size)

    def __iter__(self):
        n, size = self.num_samples, self.batch_size
        order = backend.rng().permutation(n) if self.shuffle and self.shuffle != "batch" else None
        for start in range(0, n, size):
            stop = min(start + size, n)
            if order is not None:
                index = order[start:stop]
            elif self.shuffle == "batch":
                index = backend.rng().permutation(stop - start) + start
            else:
                index = slice(start, stop)
            yield (as_float_batch(self.x[index]),
                   None if self.y is None else self.y[index],
                   None if self.sample_weight is None else self.sample_weight[index])

    def on_epoch_end(self) -> None:
        pass


class SequenceAdapter:
    """Batches from an object with `__len__` and `__getitem__(i)` (keras.utils.Sequence, PyDataset).

    `shuffle` visits the batches in a new random order each epoch; `on_epoch_end()` of the object
    is called after each epoch, as Keras does.
    """

    reiterable = True

    def __init__(self, sequence, shuffle=False, class_weight=None) -> None:
        self.sequence, self.shuffle, self.class_weight = sequence, shuffle, class_weight
        self.num_batches = len(sequence)

    def __iter__(self):
        order = np.arange(self.num_batches)
        if self.shuffle:
            order = backend.rng().permutation(order)
        for i in order:
            yield standardize_batch(self.sequence[int(i)], self.class_weight)

    def peek(self) -> tuple:
        return standardize_batch(self.sequence[0])[:2] if self.num_batches else (None, None)

    def on_epoch_end(self) -> None:
        if hasattr(self.sequence, "on_epoch_end"):
            self.sequence.on_epoch_end()


class GeneratorAdapter:
    """Batches from a generator or iterator; its length is unknown until it runs out."""

    reiterable = False
    num_batches = None

    def __init__(self, generator, class_weight=None) -> None:
        self.generator, self.class_weight = generator, class_weight

    def __iter__(self):
        for batch in self.generator:
            yield standardize_batch(batch, self.class_weight)

    def peek(self) -> tuple:
        """The first batch's (x, y), put back so that training still starts with it."""
        iterator = iter(self.generator)
        try:
            first = next(iterator)
        except StopIteration:
            return None, None
        self.generator = itertools.chain([first], iterator)
        return standardize_batch(first)[:2]

    def on_epoch_end(self) -> None:
        pass


def standardize_batch(batch, class_weight=None) -> tuple:
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    x = as_float_batch(x)
    if y is not None:
        y = np.asarray(y)
        check_cardinality(x, y, sample_weight)
    if class_weight is not None and y is not None:
        if sample_weight is not None:
            raise ValueError("You cannot specify `class_weight` and `sample_weight` at the same time.")
        sample_weight = class_weight_to_sample_weights(y, class_weight)
    elif sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float32)
    return x, y, sample_weight


def check_cardinality(x, y=None, sample_weight=None) -> None:
    sizes = {"x": len(x), "y": None if y is None else len(y),
             "sample_weight": None if sample_weight is None else len(sample_weight)}
    if len({n for n in sizes.values() if n is not None}) > 1:
        detail = "\n".join(f"'{k}' sizes: {n}" for k, n in sizes.items() if n is not None)
        raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same "
                         f"number of samples.\n{detail}")


def get_adapter(x, y=None, sample_weight=None, batch_size: int = 32, shuffle=False, class_weight=None):
    """The adapter for `x`: arrays, or a source of whole batches (then `y` must be None)."""
    if not is_batch_source(x):
        return ArrayAdapter(x, y, sample_weight, batch_size, shuffle, class_weight)
    kind = "generator" if not hasattr(x, "__len__") else "Sequence"
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"When providing `x` as a {kind}, `{name}` should not be passed. "
                             f"Instead, the {name} should be included as part of the {kind}.")
    if kind == "Sequence":
        return SequenceAdapter(x, shuffle, class_weight)
    if shuffle:
        warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was "
                      "provided as a generator. The generator is expected to yield already-shuffled "
                      "data.", stacklevel=3)
    return GeneratorAdapter(x, class_weight)


class EpochIterator:
    """Yields (step, batch) for one epoch each time it is iterated, as Keras' EpochIterator.

    Without `steps_per_epoch` an epoch is one pass over the data. With it, an epoch is that many
    batches, and the next epoch continues where the last one stopped (arrays and Sequences start a
    new pass once one is used up; a generator is simply read on). A source that runs dry before
    `steps_per_epoch` batches ends the epoch early with a warning.
    """

    def __init__(self, adapter, steps_per_epoch: int | None = None) -> None:
        self.adapter, self.steps_per_epoch = adapter, steps_per_epoch
        self._num_batches = adapter.num_batches
        self._iterator = None
        self._seen = 0

    @property
    def num_batches(self) -> int | None:
        return self.steps_per_epoch or self._num_batches

    def peek(self) -> tuple:
        return self.adapter.peek()

    def __iter__(self):
        steps = self.steps_per_epoch
        if self._iterator is None or steps is None:
            self._iterator, self._seen = iter(self.adapter), 0
        step = 0
        while steps is None or step < steps:
            if self._num_batches is not None and self._seen >= self._num_batches:
                if steps is not None:
                    _ran_out_warning()
                break
            try:
                batch = next(self._iterator)
            except StopIteration:
                if self._num_batches is None:
                    self._num_batches = self._seen  # a generator's length, now known
                if steps is not None:
                    _ran_out_warning()
                break
            self._seen += 1
            yield step, batch
            step += 1
        if self._num_batches is not None and self._seen >= self._num_batches:
            self._iterator = None  # a full pass is done: the next epoch starts a new one
        self.adapter.on_epoch_end()


def _ran_out_warning() -> None:
    warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset or "
                  "generator can generate at least `steps_per_epoch * epochs` batches.", stacklevel=4)
