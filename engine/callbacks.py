"""Callbacks with Keras' hook names. `fit`, `evaluate` and `predict` report only through these."""

from __future__ import annotations

import math

from engine.utils.progbar import Progbar


class Callback:
    """Override any hook; `self.model` and `self.params` are set before training begins."""

    def __init__(self) -> None:
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


class CallbackList:
    """Fans each hook out to every callback, skipping the ones that do not override it."""

    def __init__(self, callbacks, model, params: dict) -> None:
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
        self._hooks: dict[str, list] = {}

    def _targets(self, hook: str) -> list:
        if hook not in self._hooks:
            # Batch hooks run thousands of times per epoch: call only real overrides.
            self._hooks[hook] = [getattr(cb, hook) for cb in self.callbacks
                                 if getattr(type(cb), hook) is not getattr(Callback, hook)]
        return self._hooks[hook]

    def call(self, hook: str, *args) -> None:
        for fn in self._targets(hook):
            fn(*args)

    def wants(self, hook: str) -> bool:
        return bool(self._targets(hook))


class _AliasedHistory(dict):
    """History.history where old names ('acc', 'val_acc') still read the accuracy lists."""

    _ALIASES = {"acc": "accuracy", "val_acc": "val_accuracy"}

    def __missing__(self, key):
        if key in self._ALIASES and self._ALIASES[key] in self:
            return self[self._ALIASES[key]]
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return super().__contains__(key) or (
            key in self._ALIASES and super().__contains__(self._ALIASES[key]))


class History(Callback):
    """Collects each epoch's logs: `history.history['loss']` is a list with one value per epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = _AliasedHistory()
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints "Epoch i/n" and a progress bar per epoch (verbose 1), or one line per epoch (2)."""

    def __init__(self, verbose: int = 1) -> None:
        super().__init__()
        self.verbose = verbose
        self._bar: Progbar | None = None
        self._seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')}")
        self._bar = Progbar(self.params.get("steps"), verbose=self.verbose)
        self._seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        if self._bar is not None:
            self._bar.update(self._seen, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None:
            self._bar.update(self._seen, logs, finalize=True)

    def on_test_begin(self, logs=None):
        if not self.params.get("epochs"):  # a bare evaluate() call, not validation inside fit
            self._bar = Progbar(self.params.get("steps"), verbose=self.verbose)

    def on_test_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        if not self.params.get("epochs") and self._bar is not None:
            self._bar.update(self._seen, logs, finalize=False)

    def on_test_end(self, logs=None):
        if not self.params.get("epochs") and self._bar is not None:
            self._bar.update(self._seen, logs, finalize=True)


class TerminateOnNaN(Callback):
    """Stops training when the loss becomes NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
