"""Peak memory of `fit` on a CIFAR-10-sized uint8 data set, measured in fresh subprocesses.

The data are 50,000 random-but-fixed uint8 images of 32×32×3 (153.6 MB, as CIFAR-10's training set)
with integer labels 0..9. The model is the usual small CIFAR CNN (Conv2D 32 ×2, pool, Conv2D 64 ×2,
pool, Dense 256, Dense 10; adam; sparse categorical cross-entropy; batch 64). `fit` gets the whole
uint8 array and a callback stops it after a few dozen batches: the engine must cast batch by batch,
never the whole set, so the peak stays small however large the data.

Each measurement runs in its own interpreter so no earlier allocation hides in the figures:
- "rss": resident set size before the data, after the data, and the peak (ru_maxrss) by the end of
  fit. Goal (issue "Engine depth"): peak − RSS after data ≤ 400 MB.
- "tracemalloc": NumPy reports its array buffers to tracemalloc, so its peak counts the bytes of
  arrays (and Python objects) allocated during fit, without the interpreter's own footprint.

    python benchmarks/bench_memory.py              # both measurements, 30 batches
    python benchmarks/bench_memory.py --steps 50
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 400
IMAGES, SIDE, CHANNELS, CLASSES = 50_000, 32, 3, 10
MB = 1e6


def proc_status(field: str) -> float | None:
    """A memory field of /proc/self/status in bytes (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def rss_now() -> float:
    """Current resident set size in bytes (elsewhere than Linux the peak is the best we have)."""
    now = proc_status("VmRSS")
    return rss_peak() if now is None else now


def rss_peak() -> float:
    """Peak resident set size of this process in bytes.

    ru_maxrss (KiB on Linux, bytes on macOS) follows the kernel's high-water mark, which is updated
    lazily and can trail the current size by a few hundred KiB; Linux's VmHWM includes it.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = float(peak) if sys.platform == "darwin" else float(peak) * 1024
    return max(peak, proc_status("VmHWM") or 0.0, proc_status("VmRSS") or 0.0)


def make_data():
    """Fixed uint8 images and (n, 1) uint8 labels as Keras' cifar10.load_data gives them.

    Filled in chunks so no temporary larger than a chunk ever exists: the peak before fit is the
    data itself.
    """
    import numpy as np
    rng = np.random.default_rng(2024)
    x = np.empty((IMAGES, SIDE, SIDE, CHANNELS), np.uint8)
    for start in range(0, IMAGES, 1000):
        x[start:start + 1000] = rng.integers(0, 256, (min(1000, IMAGES - start), SIDE, SIDE,
                                                      CHANNELS), dtype=np.uint8)
    y = rng.integers(0, CLASSES, (IMAGES, 1), dtype=np.uint8)
    return x, y


def build_model():
    from engine import Sequential, layers
    return Sequential([
        layers.Input(shape=(SIDE, SIDE, CHANNELS)),
        layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
        layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dense(CLASSES, activation="softmax"),
    ])


def child(mode: str, steps: int, batch_size: int) -> dict:
    """One measurement in this (fresh) process; returns the figures as a dict."""
    import tracemalloc

    import numpy as np  # noqa: F401 (imported before the baseline so it is not counted as data)

    sys.path.insert(0, str(ROOT))
    from engine.callbacks import Callback

    class StopAfter(Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch + 1 >= steps:
                self.model.stop_training = True

    figures = {"mode": mode, "rss_before_data": rss_now()}
    x, y = make_data()
    figures.update(rss_after_data=rss_now(), peak_before_fit=rss_peak(), data_bytes=x.nbytes + y.nbytes)
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    figures["params"] = model.count_params()
    figures["model"] = " → ".join(type(layer).__name__ for layer in model.layers)
    if mode == "tracemalloc":
        tracemalloc.start()
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, callbacks=[StopAfter()])
    figures["seconds"] = time.perf_counter() - start
    if mode == "tracemalloc":
        figures["traced_peak"] = float(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    figures.update(rss_peak=rss_peak(), rss_after_fit=rss_now(), loss=history.history["loss"][-1])
    return figures


def run_child(mode: str, steps: int, batch_size: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--steps", str(steps),
           "--batch-size", str(batch_size)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"The {mode} measurement failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="batches before the callback stops fit")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--child", choices=["rss", "tracemalloc"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.steps, args.batch_size)))
        return 0

    print(f"Data: {IMAGES:,} random-but-fixed uint8 images {SIDE}×{SIDE}×{CHANNELS} + uint8 labels "
          f"0..{CLASSES - 1}; model: CIFAR CNN, adam, sparse_categorical_crossentropy, batch "
          f"{args.batch_size}; fit stopped after {args.steps} batches by a callback")
    rss = run_child("rss", args.steps, args.batch_size)
    traced = run_child("tracemalloc", args.steps, args.batch_size)
    print(f"Model: {rss['model']}, {rss['params']:,} parameters; data {rss['data_bytes'] / MB:.1f} MB; "
          f"{rss['seconds'] / args.steps * 1000:.0f} ms per batch (rss run)\n")
    print(f"{'resident set size (MB)':<42}{'rss run':>10}{'traced run':>12}")
    rows = [("before the data (interpreter, numpy, engine)", "rss_before_data"),
            ("after the data", "rss_after_data"),
            ("peak before fit", "peak_before_fit"),
            ("peak by the end of fit (VmHWM/ru_maxrss)", "rss_peak"),
            ("after fit", "rss_after_fit")]
    for label, key in rows:
        print(f"{label:<42}{rss[key] / MB:>10.1f}{traced[key] / MB:>12.1f}")
    above = rss["rss_peak"] - rss["rss_after_data"]
    print(f"\nPeak RSS above the loaded data:       {above / MB:8.1f} MB")
    print(f"tracemalloc peak of allocations in fit: {traced['traced_peak'] / MB:8.1f} MB "
          "(NumPy buffers + Python objects)")
    verdict = "holds" if above <= GOAL_MB * MB else "MISSED"
    print(f"Goal: peak ≤ data + {GOAL_MB} MB → {verdict}")
    return 0 if above <= GOAL_MB * MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
