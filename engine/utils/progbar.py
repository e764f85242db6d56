"""A terminal progress bar in the style of Keras 3 ("1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step")."""

from __future__ import annotations

import sys
import time


def _format_value(value: float) -> str:
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


def format_duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def format_per_step(seconds: float) -> str:
    if seconds >= 1:
        return f"{int(seconds)}s/step"
    if seconds >= 1e-3:
        return f"{int(seconds * 1e3)}ms/step"
    return f"{int(seconds * 1e6)}us/step"


class Progbar:
    """Prints `current/target`, a 20-character bar, time and metric values.

    verbose=1 redraws one line (at most every `interval` seconds, and always at the end);
    verbose=2 prints only the final line.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1,
                 interval: float = 0.05, stream=None) -> None:
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()

    def line(self, current: int, values: dict[str, float], finished: bool) -> str:
        elapsed = time.perf_counter() - self._start
        parts = []
        if self.target:
            digits = len(str(self.target))
            filled = int(self.width * min(current, self.target) / self.target)
            parts.append(f"{current:{digits}d}/{self.target} {'━' * filled}"
                         f"{'━' * (self.width - filled) if self._dynamic else ' ' * (self.width - filled)}")
        else:
            parts.append(f"{current}")
        per_step = elapsed / max(current, 1)
        if finished:
            parts.append(f"{format_duration(elapsed)} {format_per_step(per_step)}")
        elif self.target:
            parts.append(f"{format_duration(per_step * (self.target - current))}")
        text = " ".join(parts)
        for key in sorted(values):
            text += f" - {key}: {_format_value(values[key])}"
        return text

    def update(self, current: int, values: dict[str, float] | None = None,
               finalize: bool | None = None) -> None:
        finished = finalize if finalize is not None else bool(self.target) and current >= self.target
        if self.verbose == 0 or (self.verbose == 2 and not finished):
            return
        now = time.perf_counter()
        if not finished and (not self._dynamic or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        text = self.line(current, values or {}, finished)
        if self._dynamic:
            self.stream.write("\r" + text + ("\n" if finished else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
