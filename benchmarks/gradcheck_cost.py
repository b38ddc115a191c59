"""What a full ``lossviz.check.gradcheck`` costs, against N, for three kinds of f
(``benchmarks/functions.py``: MSE, softplus, log-sum-exp of logits whose softmax is tiny
next to f).

For each N: the evaluations of f the check made, against the 2N that central differences
must pay (target: at most 1.5 x 2N for N >= 100; a fixed ~25 more, for f(x) twice and the
noise measurement, cannot be spread over a smaller N), and the check's time against the
time of 2N evaluations of f (the floor; target: at most 1.5x for N >= 1000, where f's own
cost outweighs the ~2 us a call costs in Python). The ratio staying flat as N grows is
what "linear in N" means here: the check's own work per evaluation is constant (each
evaluation of f costs ~N).

The floor is measured inside the same run: f is timed at each call the check makes, and
the floor is 2N times the mean of those calls. This machine is shared, and one call of
the same f on the same array took 0.6 ms in one minute and 2.3 ms a few minutes later;
a floor timed separately (before or after) compared the check with another machine.
Everything outside f (the check's own work, and the timer's ~0.2 us a call) counts
against the check.

Run ``python -m benchmarks.gradcheck_cost [largest N] [repeats]`` from the repository's
root (default 100000, 3). Timings are medians of ``repeats`` runs (the largest N runs
once: it takes minutes).
"""

from __future__ import annotations

import sys
import time
from typing import Callable

import numpy as np

from benchmarks.functions import counted, three_kinds
from lossviz.check import gradcheck

TARGET_EVALUATIONS = 1.5  # x 2N, for N >= 100
TARGET_TIME = 1.5  # x the time of 2N evaluations of f, for N >= 1000


def measure(f: Callable, x: np.ndarray, grad: Callable, repeats: int) -> tuple[int, float, float]:
    """(evaluations, median seconds of gradcheck, its floor: 2N times the mean seconds of
    one evaluation of f, timed inside that same run), from the run of median time."""
    runs = []
    for _ in range(repeats):
        counting = counted(f)
        start = time.perf_counter()
        report = gradcheck(counting, x, grad)
        seconds = time.perf_counter() - start
        assert report.passed and report.evaluations == counting.calls
        runs.append((seconds, counting.calls, 2 * x.size * counting.seconds / counting.calls))
    seconds, calls, floor = sorted(runs)[len(runs) // 2]
    return calls, seconds, floor


def main(largest: int = 100_000, repeats: int = 3) -> int:
    sizes = [n for n in (10, 100, 1_000, 10_000, 100_000) if n <= largest]
    print(f"{'f':12s} {'N':>7s} {'evaluations':>12s} {'/ 2N':>6s} {'gradcheck':>10s} {'2N f':>9s} {'/ floor':>8s} {'us / entry':>10s}")
    met = True
    for n in sizes:
        for name, (x, f, grad, _) in three_kinds(n).items():
            evaluations, seconds, floor = measure(f, x, grad, repeats if n < 100_000 else 1)
            per_2n, per_floor = evaluations / (2 * n), seconds / floor
            met &= (n < 100 or per_2n <= TARGET_EVALUATIONS) and (n < 1000 or per_floor <= TARGET_TIME)
            print(
                f"{name:12s} {n:7d} {evaluations:12d} {per_2n:6.2f} {seconds:9.3f}s {floor:8.3f}s {per_floor:7.2f}x"
                f" {1e6 * seconds / n:10.1f}",
                flush=True,
            )
    print(
        f"targets: evaluations <= {TARGET_EVALUATIONS} x 2N (N >= 100), time <= {TARGET_TIME} x the 2N floor (N >= 1000):",
        "met" if met else "NOT MET",
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:])))
