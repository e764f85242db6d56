"""TrainingBridge: the engine callback through which a TrainingWorker's fit reports and obeys.

Work done after each batch runs with cold caches (the batch's arrays evicted them), so it costs
several times what it would in a tight loop; on a small MLP a batch takes a quarter of a
millisecond, and twenty microseconds after each one were a tenth of the training time. So after
each batch the bridge only keeps the engine's logs and compares the loss with the divergence
guard's alarm level. Every CHECK_INTERVAL (or every batch when batches are slower than that, and
at once when the loss crosses that level) it catches up in one go: the divergence guard over every
kept batch, in order; the stop and pause flags; and, every PROGRESS_INTERVAL and at each epoch's
end, the smoothed points and the progress signal.
"""

from __future__ import annotations

import time

from engine.callbacks import Callback
from gui.workers.batch_smoothing import BatchSmoother
from gui.workers.divergence import DivergenceGuard

CHECK_INTERVAL = 0.01     # seconds: Stop and Pause take effect this soon, or after one batch
PROGRESS_INTERVAL = 0.05  # seconds between progress signals: 20 updates a second look smooth
PAUSE_POLL = 0.02         # seconds between looks at the pause flag while paused


class TrainingBridge(Callback):
    def __init__(self, worker) -> None:
        super().__init__()
        self.worker = worker
        self.epoch, self.steps = 0, 1
        self.divergence: dict | None = None  # {epoch, batch, steps, message} once the guard spoke
        self.guard = DivergenceGuard()
        self.smoother: BatchSmoother | None = None
        self.kept: list[tuple[int, dict]] = []  # (batch, running logs) not yet sent
        self.checked = 0                        # how many of them the guard has seen
        self.check_every = 1                    # batches between catch-ups, from their speed
        self.last_check = self.last_emit = time.monotonic()
        self.alarm = self.guard.alarm_level

    def on_train_begin(self, logs=None):
        worker = self.worker
        self.smoother = BatchSmoother(worker.batch_size, worker.train_samples,
                                      BatchSmoother.mean_keys_of(self.model))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.steps = self.params.get("steps") or 1
        self.smoother.start_epoch(self.steps)

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.kept.append((batch, logs))  # the engine makes a new logs dict for every batch
        # `not <=` is also true for NaN: a diverging loss is looked at (and stopped) at once.
        if (not logs.get("loss", 0.0) <= self.alarm or batch + 1 == self.steps
                or len(self.kept) - self.checked >= self.check_every):
            self._catch_up(batch)

    def _catch_up(self, batch: int) -> None:
        worker, model = self.worker, self.model
        guard, alarm = self.guard, self.alarm
        for kept_batch, logs in self.kept[self.checked:]:
            loss = logs.get("loss", 0.0)
            # Below the alarm level (and with a baseline set) the guard has nothing to say:
            # asking it about every batch was most of this loop's cost.
            if loss <= alarm and guard.baseline is not None:
                continue
            message = guard.check(self.epoch, kept_batch, loss, model.optimizer)
            alarm = guard.alarm_level
            if message and not self.divergence:
                self.divergence = {"epoch": self.epoch, "batch": kept_batch, "steps": self.steps,
                                   "message": message}
                model.stop_training = True
        self.alarm = guard.alarm_level
        now = time.monotonic()
        batch_time = (now - self.last_check) / max(1, len(self.kept) - self.checked)
        self.check_every = max(1, min(1000, int(CHECK_INTERVAL / max(batch_time, 1e-6))))
        self.checked, self.last_check = len(self.kept), now
        stopping = worker.stop_requested
        if stopping:
            model.stop_training = True
        # The last batch of an epoch is always sent, so a payload never spans two epochs.
        if (now - self.last_emit >= PROGRESS_INTERVAL or batch + 1 == self.steps
                or model.stop_training or worker.pause_requested):
            self._send()
        if worker.pause_requested and not stopping:
            # Pausing blocks right here, between two batches, until Resume or Stop.
            worker.pausedAt.emit(self.epoch, batch)
            while worker.pause_requested and not worker.stop_requested:
                time.sleep(PAUSE_POLL)
            self.last_check = time.monotonic()  # the pause is not a batch's time

    def _send(self) -> None:
        batch, logs = self.kept[-1]
        points = {"batch": [b for b, _ in self.kept], "values": {}}
        for kept_batch, kept_logs in self.kept:
            self.smoother.update(kept_batch, kept_logs, points["values"])
        self.kept, self.checked = [], 0
        self.last_emit = time.monotonic()
        self.worker.batchEnded.emit(self.epoch, batch, self.steps, dict(logs), points)

    def on_epoch_end(self, epoch, logs=None):
        self.worker.epochEnded.emit(epoch, {k: float(v) for k, v in (logs or {}).items()})
