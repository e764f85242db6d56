"""The loops behind `fit`, `evaluate` and `predict`, with Keras 3's semantics.

They report only through callbacks (see engine.callbacks) and check `model.stop_training` after
every batch, which is how a GUI's Stop button ends training within one batch. Data stays in its
stored dtype; each batch is gathered and cast to float32 on its own (engine.data_adapters).
Logs hold running means over the epoch, with keys sorted as Keras sorts them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from engine import training_checks as checks
from engine.callbacks import CallbackList, History
from engine.data_adapters import EpochIterator, get_adapter, is_batch_source, unpack_x_y_sample_weight
from engine.layers import _parallel


def _verbosity(verbose) -> int:
    return 1 if verbose == "auto" else int(verbose)


def _callback_list(model, callbacks, verbose: int, epochs: int, steps, history: bool) -> CallbackList:
    if isinstance(callbacks, CallbackList):
        callbacks.set_model(model)
        callbacks.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
        return callbacks
    return CallbackList(callbacks, add_history=history, add_progbar=verbose != 0, model=model,
                        verbose=verbose, epochs=epochs, steps=steps)


def _split_validation(x, y, sample_weight, validation_split: float):
    """Keras' rule: the LAST fraction of the samples, taken before any shuffling."""
    if is_batch_source(x):
        raise ValueError("Argument `validation_split` is only supported for NumPy arrays; pass "
                         "`validation_data` with a generator or Sequence.")
    n = len(x)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at in (0, n):
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into "
                         f"a validation and training set as specified by `validation_split="
                         f"{validation_split}`. Either provide more data, or a different value for "
                         "the `validation_split` argument.")

    def part(a, sl):
        return None if a is None else a[sl]

    train = (x[:split_at], part(y, slice(None, split_at)), part(sample_weight, slice(None, split_at)))
    val = (x[split_at:], part(y, slice(split_at, None)), part(sample_weight, slice(split_at, None)))
    return train, val


class _Batches:
    """An EpochIterator plus the per-batch input fix, after the checks a first batch allows."""

    def __init__(self, model, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None, targets: bool = True) -> None:
        if not is_batch_source(x) and batch_size is None:
            # Keras: with steps but no batch size, the steps split the data evenly.
            batch_size = math.ceil(len(x) / steps) if steps and len(x) else 32
        adapter = get_adapter(x, y, sample_weight, batch_size or 32, shuffle, class_weight)
        self.iterator = EpochIterator(adapter, steps)
        first_x, first_y = self.iterator.peek() if is_batch_source(x) else (adapter.x, adapter.y)
        if first_x is None:
            raise ValueError("The data source yielded no batches.")
        model._ensure_built(first_x)
        self.fix = checks.input_adjuster(model, tuple(first_x.shape))
        if targets:
            if first_y is None:
                raise ValueError("Targets `y` are required: pass `y`, or batches of (x, y).")
            checks.check_targets(model, first_y)
            model.resolve_metrics(first_y)

    @property
    def num_batches(self):
        return self.iterator.num_batches

    def __iter__(self):
        fix = self.fix
        for step, (xb, yb, swb) in self.iterator:
            yield step, (xb if fix is None else fix(xb)), yb, swb


def _logs(model, loss_total: float, seen: float) -> dict[str, float]:
    """The running logs, keys in sorted order as Keras 3 shows them."""
    return _batch_logs(_log_order(model), loss_total, seen)


def _log_order(model) -> list:
    """(name, metric, or None for the loss) in the logs' order: worked out once per loop, since
    a per-batch callback makes the logs after every batch."""
    named = [("loss", None), *((metric.name, metric) for metric in model.compiled_metrics)]
    return sorted(dict(named).items())


def _batch_logs(order: list, loss_total: float, seen: float) -> dict[str, float]:
    loss = loss_total / seen if seen else 0.0
    return {name: loss if metric is None else float(metric.result()) for name, metric in order}


def _should_eval(epoch: int, validation_freq) -> bool:
    if isinstance(validation_freq, list):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1) -> History:
    """Train `model` for `epochs` epochs (see `Sequential.fit`); returns the History."""
    checks.assert_compiled(model, "fit")
    checks.check_fit_arguments(batch_size, epochs, verbose, validation_split, initial_epoch,
                               steps_per_epoch, validation_steps, validation_batch_size, validation_freq)
    if x is None:
        raise ValueError("`fit` needs training data: pass `x` (and `y`).")
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = _split_validation(x, y, sample_weight, validation_split)
    train = _Batches(model, x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight)
    val = None
    if validation_data is not None:
        vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
        val = _Batches(model, vx, vy, vsw, validation_batch_size or batch_size, validation_steps)
    verbose = _verbosity(verbose)
    cbs = _callback_list(model, callbacks, verbose, epochs, train.num_batches, history=True)
    _sync_trainable(model)

    model.stop_training = False
    restore_blas = _parallel.blas_for_small_products(
        batch_size or 32, [v.value for v in model.trainable_weights])
    try:
        cbs.on_train_begin({})
        begin_hooks, end_hooks = cbs.wants("on_train_batch_begin"), cbs.wants("on_train_batch_end")
        metrics, train_step = model.compiled_metrics, model.train_step
        order = _log_order(model)
        training_logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            for metric in metrics:
                metric.reset_state()
            cbs.on_epoch_begin(epoch, {})
            loss_total, seen, steps_run = 0.0, 0, 0
            for step, xb, yb, swb in train:
                if begin_hooks:
                    cbs.on_train_batch_begin(step, {})
                n = len(xb)
                loss_total += train_step(xb, yb, swb) * n
                seen += n
                steps_run += 1
                if end_hooks:
                    cbs.on_train_batch_end(step, _batch_logs(order, loss_total, seen))
                if model.stop_training:
                    break
            if not steps_run:
                warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                              "dataset or generator can generate at least `steps_per_epoch * epochs` "
                              "batches.", stacklevel=3)
                break
            epoch_logs = _logs(model, loss_total, seen)
            if val is not None and _should_eval(epoch, validation_freq):
                val_logs = _evaluate_loop(model, val, cbs)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
        finalize = getattr(model.optimizer, "finalize_variable_values", None)
        if finalize is not None and training_logs:
            finalize(model._flat_values)  # exponential moving average weights (use_ema)
        cbs.on_train_end(training_logs)
    finally:
        restore_blas()
    return model.history


def _sync_trainable(model) -> None:
    """Re-pack the flat parameter vector when a layer's `trainable` changed since it was built."""
    flat = model._flat_values
    variables = model.trainable_weights
    if flat is None or sum(v.value.size for v in variables) != flat.size or any(
            v.value.base is not flat for v in variables):
        model._pack_parameters()


def _evaluate_loop(model, batches: _Batches, cbs: CallbackList) -> dict[str, float]:
    """One pass over `batches` without training; the test hooks of `cbs` report it."""
    regularization = sum(layer.regularization_loss() for layer in model.layers)
    metrics, loss_fn, forward = model.compiled_metrics, model.loss, model._forward
    for metric in metrics:
        metric.reset_state()
    begin_hooks, end_hooks = cbs.wants("on_test_batch_begin"), cbs.wants("on_test_batch_end")
    cbs.on_test_begin({})
    loss_total, seen = 0.0, 0
    for step, xb, yb, swb in batches:
        if begin_hooks:
            cbs.on_test_batch_begin(step, {})
        out = forward(xb, training=False)
        n = len(xb)
        loss_total += (float(loss_fn(yb, out, swb)) + regularization) * n
        seen += n
        for metric in metrics:
            metric.update_state(yb, out, swb)
        if end_hooks:
            cbs.on_test_batch_end(step, _logs(model, loss_total, seen))
    logs = _logs(model, loss_total, seen)
    cbs.on_test_end(logs)
    return logs


def flatten_logs(model, logs: dict):
    """Keras' evaluate result: loss first, then the compiled metrics; a lone loss as a float."""
    names = ["loss", *(m.name for m in model.compiled_metrics)]
    values = [logs[n] for n in names if n in logs] + [v for k, v in logs.items() if k not in names]
    return values[0] if len(values) == 1 else values


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
             callbacks=None, return_dict=False):
    """Loss and metrics on `x`, `y` (see `Sequential.evaluate`)."""
    checks.assert_compiled(model, "evaluate")
    checks.check_positive_int("batch_size", batch_size)
    checks.check_positive_int("steps", steps)
    checks.check_verbose(verbose)
    if x is None:
        raise ValueError("`evaluate` needs data: pass `x` and `y`.")
    batches = _Batches(model, x, y, sample_weight, batch_size, steps)
    verbose = _verbosity(verbose)
    cbs = _callback_list(model, callbacks, verbose, 1, batches.num_batches, history=False)
    logs = _evaluate_loop(model, batches, cbs)
    return logs if return_dict else flatten_logs(model, logs)


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """Outputs for `x`, batch by batch (see `Sequential.predict`); shape (n, *output_shape[1:])."""
    checks.check_positive_int("batch_size", batch_size)
    checks.check_positive_int("steps", steps)
    checks.check_verbose(verbose)
    if x is None:
        raise ValueError("`predict` needs input data `x`.")
    batches = _Batches(model, x, None, None, batch_size, steps, targets=False)
    verbose = _verbosity(verbose)
    cbs = _callback_list(model, callbacks, verbose, 1, batches.num_batches, history=False)
    begin_hooks, end_hooks = cbs.wants("on_predict_batch_begin"), cbs.wants("on_predict_batch_end")
    known = (batches.iterator.steps_per_epoch is None and not is_batch_source(x)
             and None not in model.output_shape[1:])  # e.g. sequences of any length
    result = np.empty((len(x), *model.output_shape[1:]), np.float32) if known else None
    outputs, filled = [], 0
    cbs.on_predict_begin({})
    for step, xb, _, _ in batches:
        if begin_hooks:
            cbs.on_predict_batch_begin(step, {})
        out = model._forward(xb, training=False)
        if result is not None:  # written straight into the result: no list of batches to join
            result[filled:filled + len(out)] = out
        else:
            outputs.append(out.copy())  # layers may reuse their output buffers between batches
        filled += len(out)
        if end_hooks:
            cbs.on_predict_batch_end(step, {"outputs": out})
    cbs.on_predict_end({})
    if result is not None:
        return result[:filled]
    if not outputs:
        return np.zeros((0, *model.output_shape[1:]), np.float32)
    return np.concatenate(outputs)


def _single_batch(model, x, y, sample_weight, class_weight=None):
    if class_weight is not None and sample_weight is not None:
        raise ValueError("Arguments `sample_weight` and `class_weight` cannot be specified at the "
                         f"same time. Received: sample_weight={sample_weight}, class_weight={class_weight}")
    batches = _Batches(model, x, y, sample_weight, len(x), class_weight=class_weight)
    for metric in model.compiled_metrics:
        metric.reset_state()
    return next(iter(batches))[1:]


def train_on_batch(model, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
    """One gradient update on one batch; returns its loss (and metrics) like `evaluate`."""
    checks.assert_compiled(model, "train_on_batch")
    _sync_trainable(model)
    xb, yb, swb = _single_batch(model, x, y, sample_weight, class_weight)
    logs = _logs(model, model.train_step(xb, yb, swb), 1)
    return logs if return_dict else flatten_logs(model, logs)


def test_on_batch(model, x, y=None, sample_weight=None, return_dict=False):
    """Loss (and metrics) of one batch, without updating the weights."""
    checks.assert_compiled(model, "test_on_batch")
    xb, yb, swb = _single_batch(model, x, y, sample_weight)
    out = model._forward(xb, training=False)
    loss = float(model.loss(yb, out, swb)) + sum(layer.regularization_loss() for layer in model.layers)
    for metric in model.compiled_metrics:
        metric.update_state(yb, out, swb)
    logs = _logs(model, loss, 1)
    return logs if return_dict else flatten_logs(model, logs)
