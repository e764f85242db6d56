"""`LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from engine.callbacks.callback import Callback


class LambdaCallback(Callback):
    """`LambdaCallback(on_epoch_end=lambda epoch, logs: ...)`.

    Epoch hooks take (epoch, logs), train hooks (logs), batch hooks (batch, logs) with logs passed
    by keyword; any other hook can be given by name, e.g. `on_test_end=fn`.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs) -> None:
        super().__init__()
        for name in kwargs:
            if not (name.startswith("on_") and hasattr(Callback, name)):
                raise ValueError(f"Unrecognized hook for LambdaCallback: {name}")
        self.__dict__.update(kwargs)
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)
