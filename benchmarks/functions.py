"""What the gradcheck benchmarks share: three kinds of f, a call counter, paired timings.

The three kinds, each with its gradient by hand and its torch twin (float64):

- ``mse_loss``: every entry alike, f cheap;
- ``softplus``: an elementwise transcendental function (log1p and exp per entry);
- ``log-sum-exp`` of logits 3 N(0, 1): every entry coupled, the gradient (a softmax)
  tiny next to f (entries from ~1e-10 to ~0.1 beside f ~ 12).
"""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable

import numpy as np


def three_kinds(n: int) -> dict[str, tuple[np.ndarray, Callable, Callable, Callable]]:
    """name -> (x, f, its gradient by hand, f's torch twin) for N = n."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    target = rng.standard_normal(n)

    def log_sum_exp(v):
        top = np.max(v)
        return top + np.log(np.sum(np.exp(v - top)))

    def softmax(v):
        e = np.exp(v - np.max(v))
        return e / np.sum(e)

    def torch_mse(t):
        import torch

        return torch.mean((t - torch.as_tensor(target)) ** 2)

    def torch_softplus(t):
        import torch

        return torch.sum(torch.nn.functional.softplus(t))

    def torch_log_sum_exp(t):
        import torch

        return torch.logsumexp(t, dim=0)

    return {
        "mse_loss": (x, lambda v: np.mean((v - target) ** 2), lambda v: 2 * (v - target) / n, torch_mse),
        "softplus": (x, lambda v: np.sum(np.logaddexp(0.0, v)), lambda v: 1 / (1 + np.exp(-v)), torch_softplus),
        "log-sum-exp": (3 * x, log_sum_exp, softmax, torch_log_sum_exp),
    }


def counted(f: Callable) -> Callable:
    """f, counting its calls in ``.calls`` and the seconds spent inside them in ``.seconds``."""

    def counting(*args: Any) -> Any:
        start = time.perf_counter()
        try:
            return f(*args)
        finally:
            counting.seconds += time.perf_counter() - start
            counting.calls += 1

    counting.calls, counting.seconds = 0, 0.0
    return counting


def median_seconds(runs: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median wall time of each run; the runs take turns, so a change in the machine's
    load (it is shared) affects all of them alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, record in zip(runs, times):
            start = time.perf_counter()
            run()
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]
