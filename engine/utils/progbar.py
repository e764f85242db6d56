"""Keras 3's terminal progress bar: "1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - loss: 0.2365".

verbose=1 redraws one line in a terminal (bold count, a green/white bar, ETA while running, elapsed
seconds at the end, time per step, then each value to 4 decimals). verbose=2 prints one line when
done: "1875/1875 - 2s - 1ms/step - loss: 0.2365". When the output is not a terminal (a pipe, a
log file, a captured stream) verbose=1 prints only the finished line, so logs stay clean.
"""

from __future__ import annotations

import math
import sys
import time

_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_value(value) -> str:
    """4 decimals, or scientific notation for values too small to show that way (as Keras)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return f"{value}"
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_time_per_unit(seconds: float, unit_name: str = "step") -> str:
    """'2s/step', '13ms/step' or '641us/step', rounded as Keras rounds."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds: float) -> str:
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


class Progbar:
    """Displays a progress bar (keras.utils.Progbar).

    Args:
        target: total number of steps, or None when unknown (a generator).
        width: bar width in characters.
        verbose: 0 silent, 1 a live bar, 2 one line when finished.
        interval: minimum seconds between redraws.
        stateful_metrics: names shown as given; every other value is averaged over the steps
            seen, as Keras does. `ProgbarLogger` passes running epoch means, so it marks all stateful.
        unit_name: "step" or "sample".
        stream: where to write; sys.stdout (looked up at each write) when None.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics=None, unit_name: str = "step", stream=None) -> None:
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name, self._stream = interval, unit_name, stream
        self.stateful_metrics = (stateful_metrics if hasattr(stateful_metrics, "__contains__")
                                 else set(stateful_metrics or ()))
        self._values: dict[str, list[float]] = {}
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    @property
    def stream(self):
        return self._stream or sys.stdout

    @property
    def dynamic(self) -> bool:
        """Redraw in place (a terminal or a notebook) rather than printing finished lines only."""
        stream = self.stream
        return bool(getattr(stream, "isatty", None) and stream.isatty()) or "ipykernel" in sys.modules

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Show progress at step `current`; `values` is a dict or a list of (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        items = values.items() if isinstance(values, dict) else (values or ())
        for key, value in items:
            if key in self.stateful_metrics or finalize:
                self._values[key] = [value, 1]
            else:
                # A running mean weighted by the steps since the last update, as Keras averages.
                weight = max(current - self._seen_so_far, 1)
                total = self._values.setdefault(key, [0.0, 0])
                total[0] += value * weight
                total[1] += weight
        self._seen_so_far = current
        if self.verbose == 0:
            return
        now = time.time()
        per_step = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            if self.dynamic:
                self._draw(current, now, per_step, finalize)
            elif finalize:
                self._write(self._line_plain(current, now, per_step, finalize) + "\n")
        elif finalize and self.target:
            self._write(self._line_verbose2(current, now, per_step) + "\n")
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        self.update(self._seen_so_far + n, values)

    # --- text -------------------------------------------------------------------------------------
    def _metrics_text(self) -> str:
        return "".join(f" - {key}: {format_value(total / max(1, count))}"
                       for key, (total, count) in self._values.items())

    def _count_text(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _time_text(self, current: int, now: float, per_step: float, finalize: bool) -> str:
        if self.target and not finalize:
            text = format_eta(per_step * (self.target - current))
        else:
            text = f"{now - self._start:.0f}s"
        return text

    def _line_plain(self, current: int, now: float, per_step: float, finalize: bool) -> str:
        # Without colour the filled and empty parts of the bar look alike, as in Keras' output.
        head = f"{self._count_text(current)} {'━' * self.width}" if self.target else f"{current:7d}/Unknown"
        return (f"{head} {self._time_text(current, now, per_step, finalize)} "
                f"{format_time_per_unit(per_step, self.unit_name)}{self._metrics_text()}")

    def _draw(self, current: int, now: float, per_step: float, finalize: bool) -> None:
        if self.target:
            filled = min(self.width, int(self.width * current / self.target))
            bar = f"{_BOLD}{self._count_text(current)}{_RESET} "
            visible = len(self._count_text(current)) + 1 + self.width
            if filled:
                bar += f"{_GREEN}{'━' * filled}{_RESET}"
            bar += f"{_WHITE}{'━' * (self.width - filled)}{_RESET}"
        else:
            bar = f"{current:7d}/Unknown"
            visible = len(bar)
        timing = self._time_text(current, now, per_step, finalize)
        info = (f" {_BOLD}{timing}{_RESET} {format_time_per_unit(per_step, self.unit_name)}"
                f"{self._metrics_text()}")
        total_width = visible + len(info) - len(_BOLD) - len(_RESET)
        message = "\b" * self._prev_total_width + "\r" + bar + info
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        self._write(message)
        self._prev_total_width = total_width

    def _line_verbose2(self, current: int, now: float, per_step: float) -> str:
        return (f"{self._count_text(current)} - {now - self._start:.0f}s - "
                f"{format_time_per_unit(per_step, self.unit_name)}{self._metrics_text()}")

    def _write(self, text: str) -> None:
        stream = self.stream
        stream.write(text)
        stream.flush()

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the first step (often slow: allocation, warm-up)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step
