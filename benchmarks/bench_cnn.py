"""Training speed of two small CNNs: the engine's `train_step` against PyTorch on the same machine.

(a) the Keras MNIST example CNN — Conv2D(32, 3, relu), MaxPooling2D, Conv2D(64, 3, relu),
    MaxPooling2D, Flatten, Dense(128, relu), Dropout(0.5), Dense(10, softmax); Adam; batch 128;
(b) a CIFAR-10-shaped CNN — two Conv2D(32, 3, same, relu), MaxPooling2D, two Conv2D(64, 3, same,
    relu), MaxPooling2D, Flatten, Dense(256, relu), Dense(10, softmax); Adam; batch 64.

Each contender trains on the same batches (MNIST digits when mnist.npz is found, else fixed random
uint8 images; CIFAR-shaped batches are always fixed random uint8 images), cast to float32 / 255
before timing. A round is `--batches` training steps after `--warmup` untimed ones; rounds
alternate between contenders so drift of the machine hits both alike, and the median is reported.
Without PyTorch a hand-written NumPy CNN (textbook im2col, no buffer reuse) stands in.

    python benchmarks/bench_cnn.py                      # both models, all cores
    python benchmarks/bench_cnn.py --threads 1 --model cifar --profile
    python benchmarks/bench_cnn.py --threads 1,2        # each count in its own process, then
                                                        # a table of ratios and parallel speedups

Timings are only as good as the machine is quiet: every round prints the load average, and a
ratio measured while other programs kept the cores busy is flagged as unreliable (PyTorch's
OpenMP threads suffer more than ours from sharing cores, which flatters the engine).

Goals (issue "Engine depth"): engine / PyTorch ≤ 1.25 for (a), ≤ 1.5 for (b).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"mnist": 1.25, "cifar": 1.5}
SPECS = {"mnist": ((28, 28, 1), 128), "cifar": ((32, 32, 3), 64)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mnist", "cifar", "both"], default="both")
    parser.add_argument("--threads", type=_thread_counts, default=[os.cpu_count() or 1],
                        help="threads for PyTorch and for NumPy's BLAS (default: all cores); "
                             "a list such as 1,2 runs each count in a fresh process")
    parser.add_argument("--batches", type=int, default=50, help="timed steps per round")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps before each round")
    parser.add_argument("--reps", type=int, default=3, help="timed rounds per contender")
    parser.add_argument("--data", help="path to a Keras mnist.npz")
    parser.add_argument("--no-torch", action="store_true", help="use the NumPy reference instead")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, time the engine's layers one by one and cProfile a round")
    args = parser.parse_args(argv)
    args.thread_counts, args.threads = args.threads, args.threads[0]
    return args


def _thread_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected positive thread counts, got {text!r}")
    return counts


ARGS = parse_args(None if __name__ == "__main__" else [])
# BLAS reads its thread count when it loads, so this must precede the first NumPy import.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)
BUSY_LOAD = 0.5  # a 1-minute load average above this (beyond our own run) means shared cores

import numpy as np  # noqa: E402

sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "benchmarks"))
from _numpy_cnn import NumpyCNN  # noqa: E402

import engine  # noqa: E402
from engine.layers import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D  # noqa: E402


# --- data ----------------------------------------------------------------------------------------
def find_mnist(given: str | None) -> Path | None:
    candidates = [Path(given)] if given else []
    if os.environ.get("HORNBOOK_DATA_DIR"):
        candidates.append(Path(os.environ["HORNBOOK_DATA_DIR"]) / "mnist.npz")
    candidates.append(ROOT.parent / "shared" / "data" / "mnist.npz")
    return next((p for p in candidates if p.is_file()), None)


def batches(which: str, count: int) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """`count` float32 NHWC batches in [0, 1] with integer labels, and where they came from."""
    shape, size = SPECS[which]
    rng = np.random.default_rng(1234)
    path = find_mnist(ARGS.data) if which == "mnist" else None
    if path is not None:
        with np.load(path) as data:
            x, y = data["x_train"][:count * size, :, :, None], data["y_train"][:count * size]
        source = f"MNIST digits from {path}"
    else:
        x = rng.integers(0, 256, (count * size, *shape), dtype=np.uint8)
        y = rng.integers(0, 10, count * size)
        source = "fixed random uint8 images"
    xs = [x[i * size:(i + 1) * size].astype(np.float32) / np.float32(255) for i in range(count)]
    ys = [y[i * size:(i + 1) * size].astype(np.int64) for i in range(count)]
    return xs, ys, source


# --- contenders ----------------------------------------------------------------------------------
def engine_model(which: str) -> engine.Sequential:
    if which == "mnist":
        layers = [Input((28, 28, 1)), Conv2D(32, 3, activation="relu"), MaxPooling2D(),
                  Conv2D(64, 3, activation="relu"), MaxPooling2D(), Flatten(),
                  Dense(128, activation="relu"), Dropout(0.5), Dense(10, activation="softmax")]
    else:
        layers = [Input((32, 32, 3)), Conv2D(32, 3, padding="same", activation="relu"),
                  Conv2D(32, 3, padding="same", activation="relu"), MaxPooling2D(),
                  Conv2D(64, 3, padding="same", activation="relu"),
                  Conv2D(64, 3, padding="same", activation="relu"), MaxPooling2D(), Flatten(),
                  Dense(256, activation="relu"), Dense(10, activation="softmax")]
    model = engine.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def engine_steps(model, xs, ys):
    state = {"i": 0}

    def step() -> float:
        i = state["i"] = (state["i"] + 1) % len(xs)
        return model.train_step(xs[i], ys[i])
    return step


def torch_steps(which: str, xs, ys):
    import torch
    from torch import nn
    torch.manual_seed(0)
    if which == "mnist":
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                            nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128),
                            nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    else:
        net = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
                            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()  # softmax + cross-entropy on logits, as Keras fuses them
    tx = [torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))) for x in xs]
    ty = [torch.from_numpy(y) for y in ys]
    state = {"i": 0}

    def step() -> float:
        i = state["i"] = (state["i"] + 1) % len(tx)
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(net(tx[i]), ty[i])
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


# --- measuring -----------------------------------------------------------------------------------
def load_average() -> str:
    """The 1-, 5- and 15-minute load averages: above ~0.5 other work shares the cores."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def measure(contenders: dict, warmup: int, count: int, reps: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    last_loss = {}
    for round_ in range(reps):
        line = []
        for name, step in contenders.items():
            for _ in range(warmup):
                step()
            start = time.perf_counter()
            for _ in range(count):
                last_loss[name] = step()
            times[name].append(time.perf_counter() - start)
            line.append(f"{name} {times[name][-1]:.2f}s")
        print(f"  round {round_ + 1}/{reps}: " + ", ".join(line) + f"  (load {load_average()})",
              flush=True)
    print("  last batch loss: " + ", ".join(f"{k} {v:.3f}" for k, v in last_loss.items()))
    return times


def profile_engine(model, xs, ys, count: int) -> None:
    """Per-layer forward/backward times (best of 5) and a cProfile of `count` steps."""
    import cProfile
    import pstats

    def best(fn) -> float:
        fn()
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
        return min(runs) * 1e3

    print(f"\nEngine step by step, batch {len(xs[0])} (ms, best of 5; backward includes the "
          "activation's derivative; conv+pool: a Conv2D and its MaxPooling2D run fused):")
    # The model's own steps: its layers, with each fused Conv2D → MaxPooling2D pair as one.
    steps = model._steps or model.layers
    x, acts = xs[0], [xs[0]]
    for layer in steps:
        acts.append(layer.forward(acts[-1], training=True))
    grads = [np.full(a.shape, 1e-3, np.float32) for a in acts[1:]]
    total = 0.0
    for i, layer in enumerate(steps):
        forward = best(lambda i=i, layer=layer: layer.forward(acts[i], training=True))
        both = best(lambda i=i, layer=layer: (layer.forward(acts[i], training=True),
                                               layer.backward(grads[i])))
        total += both
        print(f"  {layer.name:<30} {str(acts[i].shape):<20} forward {forward:7.2f}  "
              f"backward {both - forward:7.2f}")
    print(f"  sum of steps {total:.1f} ms; whole train_step "
          f"{best(lambda: model.train_step(x, ys[0])):.1f} ms")
    profiler = cProfile.Profile()
    step = engine_steps(model, xs, ys)
    profiler.runcall(lambda: [step() for _ in range(count)])
    print(f"\ncProfile of {count} engine steps (own time per function):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def run(which: str, torch_ok: bool) -> float | None:
    shape, size = SPECS[which]
    xs, ys, source = batches(which, 16)
    print(f"\n=== {which.upper()} CNN: input {shape}, batch {size}; data: {source} ===")
    engine.utils.set_random_seed(0)
    model = engine_model(which)
    contenders = {"engine": engine_steps(model, xs, ys)}
    if torch_ok:
        contenders["PyTorch"] = torch_steps(which, xs, ys)
        reference = "PyTorch"
    else:
        contenders["NumPy ref"] = NumpyCNN(which, seed=0).steps(xs, ys)
        reference = "NumPy ref"
    times = measure(contenders, ARGS.warmup, ARGS.batches, ARGS.reps)
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"  {name:<10} median {medians[name]:.3f} s / {ARGS.batches} batches "
              f"({medians[name] / ARGS.batches * 1e3:.1f} ms/batch; min {min(t):.3f}, "
              f"max {max(t):.3f})")
    ratio = medians["engine"] / medians[reference]
    fastest = min(times["engine"]) / min(times[reference])
    verdict = "met" if ratio <= GOALS[which] else "MISSED"
    print(f"  engine / {reference} = {ratio:.3f} (medians; fastest rounds {fastest:.3f})  "
          f"(goal ≤ {GOALS[which]}{'' if torch_ok else ', which is set against PyTorch'}: "
          f"{verdict})")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > BUSY_LOAD + ARGS.threads:
        print(f"  WARNING: load average {load:.2f} with {os.cpu_count()} CPUs — other programs "
              "shared the cores, so this ratio is unreliable; rerun on a quiet machine")
    print(f"RESULT {which} threads={ARGS.threads} engine_ms={medians['engine'] / ARGS.batches * 1e3:.2f} "
          f"ref_ms={medians[reference] / ARGS.batches * 1e3:.2f} ratio={ratio:.4f} "
          f"fastest={fastest:.4f} load={load:.2f}")
    if ARGS.profile:
        profile_engine(model, xs, ys, ARGS.batches)
    return ratio


def compare_thread_counts() -> int:
    """Run this script once per thread count (BLAS fixes its threads when it loads), then tabulate
    the ratios and each contender's speedup over its own first count."""
    forwarded, skip = [], False  # every option but --threads (and --profile)
    for arg in sys.argv[1:]:
        if not skip and arg not in ("--threads", "--profile") and not arg.startswith("--threads="):
            forwarded.append(arg)
        skip = arg == "--threads"
    rows: dict[tuple[str, int], dict[str, float]] = {}
    for count in ARGS.thread_counts:
        print(f"\n##### --threads {count}", flush=True)
        done = subprocess.run([sys.executable, __file__, "--threads", str(count), *forwarded],
                              capture_output=True, text=True, check=False)
        print(done.stdout, end="")
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                which, *fields = line.split()[1:]
                values = dict(field.split("=") for field in fields)
                rows[(which, int(values.pop("threads")))] = {k: float(v) for k, v in values.items()}
    print("\nmodel  threads  engine ms  ref ms  ratio (fastest)  engine speedup  ref speedup  load")
    for (which, count), row in rows.items():
        base = rows.get((which, ARGS.thread_counts[0]), row)
        print(f"{which:<6} {count:>7}  {row['engine_ms']:9.1f}  {row['ref_ms']:6.1f}  "
              f"{row['ratio']:5.3f} ({row['fastest']:5.3f})  {base['engine_ms'] / row['engine_ms']:14.2f}"
              f"  {base['ref_ms'] / row['ref_ms']:11.2f}  {row['load']:.2f}")
    return 0


def main() -> int:
    if len(ARGS.thread_counts) > 1:
        return compare_thread_counts()
    torch_ok = False
    if not ARGS.no_torch:
        try:
            import torch
            torch.set_num_threads(ARGS.threads)
            torch_ok = True
        except ImportError:
            pass
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()}); {ARGS.threads} thread(s) for BLAS "
          f"(OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}) and PyTorch")
    if torch_ok:
        import torch
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    else:
        print("PyTorch " + ("skipped (--no-torch)" if ARGS.no_torch else "is not importable") +
              ": comparing against a hand-written NumPy CNN (benchmarks/_numpy_cnn.py) instead")
    print(f"Load average before: {load_average()} (other work on the machine slows both sides)")
    for which in (["mnist", "cifar"] if ARGS.model == "both" else [ARGS.model]):
        run(which, torch_ok)
    print(f"\nLoad average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
