"""`Callback`, the hooks `fit`, `evaluate` and `predict` report through, and `CallbackList`."""

from __future__ import annotations


class Callback:
    """Override any hook. `self.model` and `self.params` ({'verbose', 'epochs', 'steps'}) are set
    before the first hook runs. Setting `self.model.stop_training = True` in a batch hook ends
    training after that batch."""

    def __init__(self) -> None:
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_batch_begin(self, batch, logs=None):
        """Keras 2's name for `on_train_batch_begin`; still called from it."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2's name for `on_train_batch_end`; still called from it."""

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...

    def on_epoch_end(self, epoch, logs=None):
        """`logs` holds the epoch's means ('loss', metrics) and the 'val_' results."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """`logs` holds the running means of this epoch so far."""
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback: Callback, hook: str) -> bool:
    """True when `callback` does something in `hook` (a subclass method or an instance function)."""
    fn = getattr(callback, hook)
    if getattr(fn, "__func__", fn) is not getattr(Callback, hook):
        return True
    return hook in _ALIASES and _overrides(callback, _ALIASES[hook])


class CallbackList(Callback):
    """Calls each hook on every callback, in order; adds `History` and `ProgbarLogger` at the end
    (so they see what other callbacks add to the logs, such as 'learning_rate').

    Batch hooks run thousands of times per epoch, so only callbacks that override a hook are called.
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params) -> None:
        super().__init__()
        from engine.callbacks.history import History
        from engine.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"Every callback must be a Callback instance. Received: {cb!r}")
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self._targets: dict[str, list] = {}
        if model is not None:
            self.set_model(model)
        self.set_params(params)

    def set_model(self, model) -> None:
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)
        self._targets.clear()

    def hooks(self, hook: str) -> list:
        """The bound methods to call for `hook` (cached: callbacks are fixed once training runs)."""
        targets = self._targets.get(hook)
        if targets is None:
            targets = self._targets[hook] = [getattr(cb, hook) for cb in self.callbacks
                                             if _overrides(cb, hook)]
        return targets

    def wants(self, hook: str) -> bool:
        return bool(self.hooks(hook))

    def _call(self, hook: str, *args) -> None:
        for fn in self.hooks(hook):
            fn(*args)

    def _call_batch(self, hook: str, batch: int, logs) -> None:
        for fn in self.hooks(hook):
            fn(batch, logs=logs)  # Keras passes batch logs by keyword

    def on_train_begin(self, logs=None): self._call("on_train_begin", logs)
    def on_train_end(self, logs=None): self._call("on_train_end", logs)
    def on_epoch_begin(self, epoch, logs=None): self._call("on_epoch_begin", epoch, logs)
    def on_epoch_end(self, epoch, logs=None): self._call("on_epoch_end", epoch, logs)
    def on_test_begin(self, logs=None): self._call("on_test_begin", logs)
    def on_test_end(self, logs=None): self._call("on_test_end", logs)
    def on_predict_begin(self, logs=None): self._call("on_predict_begin", logs)
    def on_predict_end(self, logs=None): self._call("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def __iter__(self):
        return iter(self.callbacks)
