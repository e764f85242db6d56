"""`ProgbarLogger`: the "Epoch 1/5" lines and progress bars `fit`, `evaluate` and `predict` print."""

from __future__ import annotations

from engine.callbacks.callback import Callback
from engine.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints a Keras 3 progress bar per epoch (verbose 1) or one line per epoch (verbose 2).

    `fit` adds one unless verbose=0. Inside `fit` the validation pass prints nothing of its own;
    its results appear as 'val_' values on the epoch's line.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict) -> None:
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # predictions are not shown

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = Progbar(self.target, verbose=self.verbose, unit_name="step",
                               stateful_metrics=_ALL)

    def _update_progbar(self, batch: int, logs) -> None:
        if self.progbar is None:
            self._reset_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, logs, finalize=False)

    def _finalize_progbar(self, logs) -> None:
        if self.progbar is None:
            self._reset_progbar()
        if self.target is None:  # a generator: the length is known once it ran out
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, logs or {}, finalize=True)


class _All:
    """A set that holds every name: logs are already running means, so show them as they are."""

    def __contains__(self, item) -> bool:
        return True

    def __iter__(self):
        return iter(())


_ALL = _All()
