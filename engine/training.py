"""The loops behind `fit`, `evaluate` and `predict`.

They report only through callbacks and check `model.stop_training` after every batch. Data stays
in its stored dtype; each batch is gathered and cast to float32 on its own, so a uint8 data set is
never copied whole as floats.
"""

from __future__ import annotations

import math

import numpy as np

from engine import backend
from engine.callbacks import CallbackList, History, ProgbarLogger


def _as_array(data, role: str) -> np.ndarray:
    if data is None:
        raise ValueError(f"`{role}` is required.")
    array = np.asarray(data)
    if array.ndim == 0:
        raise ValueError(f"`{role}` must be an array with a batch dimension. Received a scalar.")
    return array


def _check_lengths(x: np.ndarray, y: np.ndarray | None, sample_weight=None) -> None:
    if y is not None and len(x) != len(y):
        raise ValueError(
            f"Data cardinality is ambiguous: x has {len(x)} samples but y has {len(y)}. "
            "Make sure all arrays contain the same number of samples."
        )
    if sample_weight is not None and len(sample_weight) != len(x):
        raise ValueError(f"sample_weight has {len(sample_weight)} entries for {len(x)} samples.")


def _check_inputs(model, x: np.ndarray) -> None:
    expected = model.input_shape[1:] if model._input_layer else None
    if expected is not None and any(
            e is not None and e != r for e, r in zip(expected, x.shape[1:], strict=False)) \
            or (expected is not None and len(expected) != x.ndim - 1):
        raise ValueError(
            f"Input 0 of model '{model.name}' is incompatible: expected shape "
            f"{(None, *expected)}, received data of shape {x.shape}."
        )


def _check_targets(model, y: np.ndarray) -> None:
    out = model.output_shape
    name = getattr(model.loss, "name", "")
    if "sparse" in name:
        if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
            raise ValueError(f"{name} expects integer labels of shape (n,) or (n, 1); received "
                             f"{y.shape}. Use categorical_crossentropy for one-hot labels.")
        if y.size and out[-1] is not None and (y.max() >= out[-1] or y.min() < 0):
            raise ValueError(f"Labels range over {int(y.min())}..{int(y.max())} but the model "
                             f"has {out[-1]} outputs.")
    elif "categorical" in name and (y.ndim != len(out) or y.shape[-1] != out[-1]):
        hint = (" The labels look like class indices: use sparse_categorical_crossentropy or "
                "to_categorical(y)." if y.ndim == 1 or y.shape[-1] == 1 else "")
        raise ValueError(f"Labels of shape {y.shape} do not match the model's output "
                         f"{out} for {name}.{hint}")


def _verbosity(verbose) -> int:
    return 1 if verbose == "auto" else int(verbose)


def _callbacks(model, callbacks, verbose: int, params: dict, history: bool) -> CallbackList:
    cbs = list(callbacks or [])
    if verbose and not any(isinstance(cb, ProgbarLogger) for cb in cbs):
        cbs.append(ProgbarLogger(verbose))
    if history:
        model.history = History()
        cbs.insert(0, model.history)
    return CallbackList(cbs, model, params)


def _running_logs(model, loss_total: float, seen: float) -> dict[str, float]:
    logs = {"loss": loss_total / max(seen, 1)}
    for metric in model.compiled_metrics:
        logs[metric.name] = metric.result()
    return logs


def fit(model, x, y, *, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_batch_size=None,
        validation_freq=1) -> History:
    if model.optimizer is None or model.loss is None:
        raise RuntimeError("You must compile the model with a loss and an optimizer before fit.")
    x, y = _as_array(x, "x"), _as_array(y, "y")
    _check_lengths(x, y, sample_weight)
    batch_size = batch_size or 32
    if not 0 <= validation_split < 1:
        raise ValueError(f"validation_split must be in [0, 1). Received: {validation_split}")
    if validation_split and validation_data is None:
        # Keras takes the LAST fraction of the data, before any shuffling.
        split = int(math.floor(len(x) * (1 - validation_split)))
        validation_data = (x[split:], y[split:])
        x, y = x[:split], y[:split]
        sample_weight = None if sample_weight is None else np.asarray(sample_weight)[:split]
    model._ensure_built(x)
    _check_inputs(model, x)
    _check_targets(model, y)
    model.resolve_metrics(y)
    if class_weight is not None:
        labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(-1)
        weights = np.array([class_weight.get(int(c), 1.0) for c in range(int(labels.max()) + 1)])
        class_sw = weights[labels.astype(int)]
        sample_weight = class_sw if sample_weight is None else class_sw * sample_weight
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float32)
    steps = math.ceil(len(x) / batch_size)
    verbose = _verbosity(verbose)
    params = {"epochs": epochs, "steps": steps, "verbose": verbose, "batch_size": batch_size}
    cbs = _callbacks(model, callbacks, verbose, params, history=True)
    model.stop_training = False
    cbs.call("on_train_begin", None)
    batch_hooks = cbs.wants("on_train_batch_end")
    for epoch in range(initial_epoch, epochs):
        for metric in model.compiled_metrics:
            metric.reset_state()
        cbs.call("on_epoch_begin", epoch, None)
        order = backend.rng().permutation(len(x)) if shuffle else None
        loss_total, seen = 0.0, 0
        for step in range(steps):
            part = slice(step * batch_size, (step + 1) * batch_size)
            index = order[part] if order is not None else part
            xb = x[index]
            xb = xb if xb.dtype == np.float32 else xb.astype(np.float32)
            swb = None if sample_weight is None else sample_weight[index]
            cbs.call("on_train_batch_begin", step, None)
            batch_loss = model.train_step(xb, y[index], swb)
            loss_total += batch_loss * len(xb)
            seen += len(xb)
            if batch_hooks:
                cbs.call("on_train_batch_end", step, _running_logs(model, loss_total, seen))
            if model.stop_training:
                break
        logs = _running_logs(model, loss_total, seen)
        if validation_data is not None and (epoch + 1) % validation_freq == 0:
            vx, vy = validation_data[0], validation_data[1]
            val = evaluate(model, vx, vy, batch_size=validation_batch_size or batch_size,
                           verbose=0, return_dict=True, _inside_fit=True)
            logs.update({f"val_{k}": v for k, v in val.items()})
        cbs.call("on_epoch_end", epoch, logs)
        if model.stop_training:
            break
    cbs.call("on_train_end", logs if epochs > initial_epoch else None)
    return model.history


def evaluate(model, x, y, *, batch_size=None, verbose="auto", sample_weight=None, callbacks=None,
             return_dict=False, _inside_fit=False):
    if model.loss is None:
        raise RuntimeError("You must compile the model with a loss before evaluate.")
    x, y = _as_array(x, "x"), _as_array(y, "y")
    _check_lengths(x, y, sample_weight)
    model._ensure_built(x)
    if not _inside_fit:
        _check_inputs(model, x)
        _check_targets(model, y)
    model.resolve_metrics(y)
    batch_size = batch_size or 32
    steps = math.ceil(len(x) / batch_size)
    verbose = _verbosity(verbose)
    cbs = _callbacks(model, callbacks, verbose, {"steps": steps, "verbose": verbose},
                     history=False)
    for metric in model.compiled_metrics:
        metric.reset_state()
    cbs.call("on_test_begin", None)
    loss_total, seen = 0.0, 0
    for step in range(steps):
        part = slice(step * batch_size, (step + 1) * batch_size)
        xb = x[part]
        xb = xb if xb.dtype == np.float32 else xb.astype(np.float32)
        swb = None if sample_weight is None else np.asarray(sample_weight)[part]
        out = model._forward(xb, training=False)
        loss_total += model.loss(y[part], out, swb) * len(xb)
        seen += len(xb)
        for metric in model.compiled_metrics:
            metric.update_state(y[part], out, swb)
        cbs.call("on_test_batch_end", step, _running_logs(model, loss_total, seen))
    reg = sum(layer.regularization_loss() for layer in model.layers)
    logs = _running_logs(model, loss_total + reg * seen, seen)
    cbs.call("on_test_end", logs)
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model, x, *, batch_size=None, verbose="auto", callbacks=None) -> np.ndarray:
    x = _as_array(x, "x")
    model._ensure_built(x)
    _check_inputs(model, x)
    batch_size = batch_size or 32
    outputs = []
    for start in range(0, len(x), batch_size):
        xb = x[start:start + batch_size]
        xb = xb if xb.dtype == np.float32 else xb.astype(np.float32)
        outputs.append(model._forward(xb, training=False).copy())
    if not outputs:
        return np.zeros((0, *model.output_shape[1:]), np.float32)
    return np.concatenate(outputs)
