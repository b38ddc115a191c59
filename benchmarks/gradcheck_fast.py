"""The fast check (u^T J v along random directions) against torch's, in one run.

- ``lossviz.check.gradcheck(f, x, grad, fast=True)``: 2 random directions, 2 evaluations of
  f each plus 2 at x (and a second look where a direction needs one);
- ``torch.autograd.gradcheck(f_torch, (x,), fast_mode=True)``: one random direction, on the
  torch twin of the same function, float64.

For three kinds of f (``benchmarks/functions.py``: MSE, softplus, log-sum-exp of 3 N(0, 1)
logits) and N from 1e3 to 1e6: the median time of each check over ``repeats`` runs (the two take turns), and how
many times each evaluates f. Then, at N = 1e4, how many of a set of wrong gradients each
catches over 20 seeds: a factor 1.001, a sign flip, a dropped 1/N, one entry x 1.01.
Targets: lossviz's fast check makes at most 10 evaluations of f whatever N, and catches
every whole-gradient mistake (factor, sign, 1/N) in every seed.

When its fast check fails, torch recomputes both Jacobians in full (2N evaluations and N
backward passes) only to word its error message; the verdict is already made. For the
table of wrong gradients (a verdict per seed) that rerun is skipped (``verdict_only``),
or 240 failing torch checks at N = 1e4 would take most of an hour.

Run ``python -m benchmarks.gradcheck_fast [largest N] [repeats]`` from the repository's
root (default 1000000, 5).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Callable, Iterator

import numpy as np
import torch

from benchmarks.functions import counted, median_seconds, three_kinds
from lossviz.check import GradientCheckError, gradcheck

TARGET_EVALUATIONS = 10


def with_gradient(f_torch: Callable, grad: Callable) -> Callable:
    """f_torch whose backward is ``grad`` (hand-written, possibly wrong) instead of autograd's."""

    class HandGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return f_torch(t.detach())

        @staticmethod
        def backward(ctx, grad_output):
            (t,) = ctx.saved_tensors
            return grad_output * torch.tensor(grad(t.detach().numpy()))

    return HandGradient.apply


@contextlib.contextmanager
def verdict_only() -> Iterator[None]:
    """torch's fast gradcheck without the full-Jacobian rerun that words a failure's message."""
    module = importlib.import_module("torch.autograd.gradcheck")
    rerun = module._run_slow_mode_and_get_error
    module._run_slow_mode_and_get_error = lambda *args, **kwargs: " (slow-mode rerun skipped)"
    try:
        yield
    finally:
        module._run_slow_mode_and_get_error = rerun


def torch_fast(f_torch: Callable, x: np.ndarray, seed: int = 0) -> bool:
    torch.manual_seed(seed)
    x_t = torch.tensor(x, requires_grad=True)
    return torch.autograd.gradcheck(f_torch, (x_t,), fast_mode=True, raise_exception=False)


def lossviz_fast(f: Callable, x: np.ndarray, grad: Callable, seed: int = 0) -> bool:
    try:
        return gradcheck(f, x, grad, fast=True, seed=seed).passed
    except GradientCheckError:
        return False


MUTANTS = {
    "factor 1.001": lambda g: 1.001 * g,
    "sign flip": lambda g: -g,
    "1/N dropped": lambda g: g * g.size,
    "one entry x 1.01": lambda g: g * np.where(np.arange(g.size) == int(np.argmax(np.abs(g))), 1.01, 1.0),
}
WHOLE = ("factor 1.001", "sign flip", "1/N dropped")


def main(largest: int = 1_000_000, repeats: int = 5) -> int:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median of {repeats} runs", flush=True)
    print(f"{'f':12s} {'N':>8s} {'lossviz':>9s} {'torch':>9s} {'torch/lossviz':>14s} {'lossviz evals':>14s} {'torch evals':>12s}")
    met = True
    for n in (n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= largest):
        for name, (x, f, grad, f_torch) in three_kinds(n).items():
            ours, theirs = counted(f), counted(with_gradient(f_torch, grad))
            assert lossviz_fast(ours, x, grad) and torch_fast(theirs, x), f"{name}: a right gradient failed"
            evaluations, torch_evaluations = ours.calls, theirs.calls
            met &= evaluations <= TARGET_EVALUATIONS
            ours_s, theirs_s = median_seconds([lambda: lossviz_fast(f, x, grad), lambda: torch_fast(with_gradient(f_torch, grad), x)], repeats)
            print(
                f"{name:12s} {n:8d} {ours_s * 1e3:7.2f}ms {theirs_s * 1e3:7.2f}ms {theirs_s / ours_s:13.1f}x"
                f" {evaluations:14d} {torch_evaluations:12d}",
                flush=True,
            )
    n, seeds = 10_000, 20
    print(f"\nwrong gradients caught at N = {n}, out of {seeds} seeds (lossviz fast / torch fast_mode)")
    print(f"{'f':12s}" + "".join(f"{mutant:>20s}" for mutant in MUTANTS))
    for name, (x, f, grad, f_torch) in three_kinds(n).items():
        row = []
        for mutant, change in MUTANTS.items():
            wrong = lambda v, change=change: change(grad(v))  # noqa: E731
            ours = sum(not lossviz_fast(f, x, wrong, seed) for seed in range(seeds))
            with verdict_only():
                theirs = sum(not torch_fast(with_gradient(f_torch, wrong), x, seed) for seed in range(seeds))
            met &= mutant not in WHOLE or ours == seeds
            row.append(f"{ours:>2d} / {theirs:>2d}".rjust(20))
        print(f"{name:12s}" + "".join(row))
    print(f"targets (<= {TARGET_EVALUATIONS} evaluations of f; every whole-gradient mistake caught):", "met" if met else "NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:])))
