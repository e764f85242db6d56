"""Epoch time of the seed MLP: the engine's `fit` against a hand-written NumPy loop and PyTorch.

The model is the one a first Keras tutorial builds: 784 inputs → Dense(64, relu) → Dense(10,
softmax), SGD(learning_rate=0.01), categorical cross-entropy on one-hot labels, accuracy, batch 32,
shuffled every epoch. Each contender trains whole epochs on the same data in this one run; rounds
alternate between contenders so slow drift of the machine hits all of them alike, and the median
over the timed rounds is reported.

    python benchmarks/bench_mlp.py                 # full MNIST if found, else fixed random data
    python benchmarks/bench_mlp.py --data PATH/mnist.npz --reps 9 --no-torch

Goals (issue "Engine depth"): engine / NumPy loop ≤ 1.15, engine / PyTorch ≤ 0.8.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import engine  # noqa: E402
from engine import backend  # noqa: E402
from engine.layers import Dense, Input  # noqa: E402
from engine.optimizers import SGD  # noqa: E402

BATCH, LR, HIDDEN, CLASSES = 32, 0.01, 64, 10
GOAL_NUMPY, GOAL_TORCH = 1.15, 0.8

# One epoch: returns (mean loss, accuracy) so the reader can see all contenders learn alike.
Epoch = Callable[[], tuple[float, float]]


# --- data --------------------------------------------------------------------------------------
def find_mnist(given: str | None) -> Path | None:
    """--data, else $HORNBOOK_DATA_DIR/mnist.npz, else the shared copy beside the checkout."""
    candidates = [Path(given)] if given else []
    if os.environ.get("HORNBOOK_DATA_DIR"):
        candidates.append(Path(os.environ["HORNBOOK_DATA_DIR"]) / "mnist.npz")
    candidates.append(ROOT.parent / "shared" / "data" / "mnist.npz")
    return next((p for p in candidates if p.is_file()), None)


def load_data(given: str | None) -> tuple[np.ndarray, np.ndarray, str]:
    """x (60000, 784) float32 in [0, 1] and integer labels (60000,), with a description."""
    path = find_mnist(given)
    if given and path != Path(given):
        sys.exit(f"No such file: {given}")
    if path is not None:
        with np.load(path) as data:
            x, labels = data["x_train"], data["y_train"]
        x = x.reshape(len(x), -1).astype(np.float32) / np.float32(255)
        return x, labels.astype(np.int64), f"MNIST training set from {path}"
    rng = np.random.default_rng(1234)
    x = rng.random((60_000, 784), dtype=np.float32)
    labels = rng.integers(0, CLASSES, 60_000)
    return x, labels, "60,000 random-but-fixed float32 samples (no mnist.npz found)"


# --- contenders ----------------------------------------------------------------------------------
def engine_model() -> engine.Sequential:
    engine.utils.set_random_seed(0)
    model = engine.Sequential([Input(shape=(784,)), Dense(HIDDEN, activation="relu"),
                               Dense(CLASSES, activation="softmax")])
    model.compile(optimizer=SGD(learning_rate=LR), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def engine_epoch(model: engine.Sequential, x: np.ndarray, onehot: np.ndarray) -> Epoch:
    def run() -> tuple[float, float]:
        logs = model.fit(x, onehot, epochs=1, batch_size=BATCH, verbose=0).history
        return logs["loss"][-1], logs["accuracy"][-1]
    return run


def numpy_epoch(x: np.ndarray, onehot: np.ndarray, weights: list[np.ndarray],
                rng: np.random.Generator) -> Epoch:
    """The same work per batch written straight in NumPy, with preallocated gradient buffers.

    Given the engine's initial `weights` and a generator in the engine's state, it shuffles alike and
    reaches the same loss and accuracy: a check that both do the same work.
    """
    W1, b1, W2, b2 = (np.array(w, np.float32) for w in weights)
    gW1, gb1, gW2, gb2 = (np.empty_like(a) for a in (W1, b1, W2, b2))
    lr, eps = np.float32(LR), np.float32(1e-7)

    def run() -> tuple[float, float]:
        order = rng.permutation(len(x))
        loss_sum, correct = 0.0, 0
        for start in range(0, len(x), BATCH):
            index = order[start:start + BATCH]
            xb, yb = x[index], onehot[index]
            n = len(index)
            h = xb @ W1
            h += b1
            np.maximum(h, 0, out=h)
            p = h @ W2
            p += b2
            p -= p.max(axis=1, keepdims=True)  # stable softmax
            np.exp(p, out=p)
            p /= p.sum(axis=1, keepdims=True)
            loss_sum -= float((yb * np.log(np.clip(p, eps, 1 - eps))).sum())
            correct += int((p.argmax(axis=1) == yb.argmax(axis=1)).sum())
            g = p - yb  # softmax + cross-entropy, per sample; the 1/n comes next
            g *= np.float32(1.0 / n)
            np.matmul(h.T, g, out=gW2)
            np.sum(g, axis=0, out=gb2)
            gh = g @ W2.T
            gh *= h > 0
            np.matmul(xb.T, gh, out=gW1)  # no input gradient for the first layer
            np.sum(gh, axis=0, out=gb1)
            for w, gw in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2)):
                gw *= lr
                w -= gw
        return loss_sum / len(x), correct / len(x)
    return run


def torch_epoch(x: np.ndarray, labels: np.ndarray) -> Epoch | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    X, Y = torch.from_numpy(x), torch.from_numpy(labels)
    net = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
                              torch.nn.Linear(HIDDEN, CLASSES))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    criterion = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy on logits

    def run() -> tuple[float, float]:
        order = torch.randperm(len(X))
        loss_sum, correct = 0.0, 0
        for start in range(0, len(X), BATCH):
            index = order[start:start + BATCH]
            xb, yb = X[index], Y[index]
            logits = net(xb)
            loss = criterion(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(index)
            correct += int((logits.detach().argmax(dim=1) == yb).sum())
        return loss_sum / len(X), correct / len(X)
    return run


# --- report --------------------------------------------------------------------------------------
def blas_summary() -> str:
    """Which BLAS numpy calls, and the environment knobs that steer OpenBLAS."""
    try:
        from threadpoolctl import threadpool_info
        pools = [f"{p['internal_api']} {p.get('version')} ({p.get('architecture')}, "
                 f"{p['num_threads']} threads)" for p in threadpool_info()
                 if p.get("user_api") == "blas"]
        text = "; ".join(pools) or "none found by threadpoolctl"
    except ImportError:
        try:
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            text = f"{blas.get('name')} {blas.get('version')}"
            extra = blas.get("openblas configuration", "")
            text += f" [{' '.join(extra.split())}]" if extra else ""
        except Exception as exc:  # only the report degrades; the figures stand
            text = f"unknown ({exc})"
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("OPENBLAS_", "OMP_", "MKL_", "GOTO"))}
    knobs = ", ".join(f"{k}={v}" for k, v in sorted(env.items())) or "none set"
    return f"{text}; environment: {knobs}"


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def measure(contenders: dict[str, Epoch], warmup: int, reps: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, tuple[float, float]] = {}
    for round_ in range(warmup + reps):
        this_round = []
        for name, run in contenders.items():
            start = time.perf_counter()
            results[name] = run()
            elapsed = time.perf_counter() - start
            this_round.append(f"{name} {elapsed:.2f}s")
            if round_ >= warmup:
                times[name].append(elapsed)
        label = "warm-up" if round_ < warmup else f"round {round_ - warmup + 1}/{reps}"
        print(f"  {label}: " + ", ".join(this_round), flush=True)
    print("\nLast epoch's loss / accuracy (all should learn alike):")
    for name, (loss, acc) in results.items():
        print(f"  {name:<12} loss {loss:.4f}  accuracy {acc:.4f}")
    return times


def profile(run: Epoch) -> None:
    """cProfile one engine epoch: own time per function, the largest first."""
    import cProfile
    import pstats
    profiler = cProfile.Profile()
    profiler.runcall(run)
    print("\nOne engine epoch under cProfile (profiling adds its own overhead per call):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="path to a Keras mnist.npz")
    parser.add_argument("--reps", type=int, default=7, help="timed epochs per contender")
    parser.add_argument("--warmup", type=int, default=1, help="untimed epochs per contender")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, profile one engine epoch and list the hot spots")
    args = parser.parse_args(argv)

    x, labels, description = load_data(args.data)
    onehot = np.eye(CLASSES, dtype=np.float32)[labels]
    print(f"Data: {description}; x {x.shape} {x.dtype}, one-hot y {onehot.shape}")
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, engine "
          f"{engine.__version__}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    print(f"NumPy BLAS: {blas_summary()}")
    print(f"Load average before: {load_average()}")

    model = engine_model()
    twin_rng = np.random.default_rng()
    twin_rng.bit_generator.state = backend.rng().bit_generator.state
    contenders: dict[str, Epoch] = {
        "engine fit": engine_epoch(model, x, onehot),
        "NumPy loop": numpy_epoch(x, onehot, model.get_weights(), twin_rng)}
    torch_run = None if args.no_torch else torch_epoch(x, labels)
    if torch_run is not None:
        import torch
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
        contenders["PyTorch"] = torch_run
    else:
        print("PyTorch: " + ("skipped (--no-torch)" if args.no_torch else "not importable"))
    print(f"\nOne epoch = {len(x) // BATCH + (len(x) % BATCH > 0)} batches of {BATCH}; "
          f"{args.warmup} warm-up + {args.reps} timed rounds")
    times = measure(contenders, args.warmup, args.reps)
    print(f"Load average after: {load_average()} (other work on the machine widens min..max; "
          "the median resists it)")

    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"\n{'contender':<12} {'median s/epoch':>15} {'min':>8} {'max':>8} {'µs/batch':>9}")
    steps = -(-len(x) // BATCH)
    for name, t in times.items():
        print(f"{name:<12} {medians[name]:>15.3f} {min(t):>8.3f} {max(t):>8.3f} "
              f"{medians[name] / steps * 1e6:>9.1f}")
    print("\nRatios of the medians (of the fastest rounds in brackets, a check against load):")
    goals = {"NumPy loop": GOAL_NUMPY, "PyTorch": GOAL_TORCH}
    for other, goal in goals.items():
        if other in medians:
            ratio = medians["engine fit"] / medians[other]
            best = min(times["engine fit"]) / min(times[other])
            print(f"  engine / {other:<10} = {ratio:.3f} [{best:.3f}]  (goal ≤ {goal}: "
                  f"{'met' if ratio <= goal else 'MISSED'})")
    if args.profile:
        profile(contenders["engine fit"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
