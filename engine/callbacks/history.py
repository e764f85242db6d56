"""`History`: every epoch's logs, as `model.fit(...).history`."""

from __future__ import annotations

from engine.callbacks.callback import Callback


class _AliasedHistory(dict):
    """`history.history` where Keras 2's names ('acc', 'val_acc') still read the accuracy lists."""

    _ALIASES = {"acc": "accuracy", "val_acc": "val_accuracy"}

    def __missing__(self, key):
        alias = self._ALIASES.get(key)
        if alias is not None and alias in self:
            return self[alias]
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return super().__contains__(key) or (
            key in self._ALIASES and super().__contains__(self._ALIASES[key]))

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


class History(Callback):
    """`history.history['loss']` is a list with one value per epoch; `history.epoch` the epoch
    indices. `fit` adds one and returns it (also as `model.history`)."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = _AliasedHistory()
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
