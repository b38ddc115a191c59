"""Speed of a full gradient check of N = 2,000 inputs, in one run:

- ``lossviz.check.gradcheck`` (central differences, 2N evaluations of f and ~25 more);
- ``torch.autograd.gradcheck`` on the torch twin of the same function (float64);
- the floor: 2N evaluations of f alone, which any finite-difference check must pay;

for three functions: a cheap loss (MSE), an elementwise transcendental one (softplus)
and a row-wise one (cross-entropy over 20 x 100 logits).

Run ``python -m benchmarks.gradcheck_speed [N] [repeats]`` from the repository's root.
Each timing is the median of ``repeats`` rounds in which the three runs take turns (the machine is shared, so single
timings are noisy). Targets: lossviz within 1.5x of the floor (the script exits 1 if any
row misses it), and >= 3x faster than torch where it can be. The ratio to torch is not
lossviz's to choose once it sits at the floor: both checks pay 2N evaluations, so lossviz
is 3x faster only where f's numpy evaluation costs a third of torch's evaluation plus its
per-entry overhead (true for a cheap loss such as MSE, not for exp/log-heavy ones). The
evaluation counts and the growth with N are in ``gradcheck_cost.py``.
"""

from __future__ import annotations

import sys
from typing import Callable

import numpy as np

from benchmarks.functions import median_seconds
from lossviz.check import gradcheck


def cases(n: int) -> list[tuple[str, np.ndarray, Callable, Callable, Callable]]:
    """(name, x, f, its gradient by hand, the torch twin of f) for N = n inputs."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    target = rng.standard_normal(n)
    weight = rng.uniform(0.5, 2.0, n)
    classes = 100 if n % 100 == 0 else 1
    labels = rng.integers(0, classes, n // classes)
    target_t, weight_t, labels_t = torch.tensor(target), torch.tensor(weight), torch.tensor(labels)

    def softplus(v):  # the stable form log(1 + e^v) = max(v, 0) + log1p(e^-|v|)
        return np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))

    def log_softmax(z):
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def cross_entropy_grad(v):
        z = v.reshape(-1, classes)
        probs = np.exp(log_softmax(z))
        probs[np.arange(len(labels)), labels] -= 1
        return (probs / len(labels)).ravel()

    return [
        ("mse_loss", x, lambda v: np.mean((v - target) ** 2), lambda v: 2 * (v - target) / n, lambda v: F.mse_loss(v, target_t)),
        (
            "weighted softplus",
            x,
            lambda v: np.sum(weight * softplus(v)),
            lambda v: weight / (1 + np.exp(-v)),
            lambda v: torch.sum(weight_t * F.softplus(v)),
        ),
        (
            f"cross_entropy ({n // classes} x {classes} logits)",
            x,
            lambda v: -np.mean(log_softmax(v.reshape(-1, classes))[np.arange(len(labels)), labels]),
            cross_entropy_grad,
            lambda v: F.cross_entropy(v.reshape(-1, classes), labels_t),
        ),
    ]


def main(n: int = 2000, repeats: int = 5) -> int:
    import torch

    print(f"N = {n} inputs, median of {repeats} runs, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(
        f"{'function':34s} {'lossviz':>9s} {'torch':>9s} {'2N f':>9s} {'torch/lossviz':>14s} {'lossviz/floor':>14s}"
        f"  {'>=3x torch':>10s}  {'<=1.5x floor':>12s}"
    )
    at_floor = True
    faster_rows = []
    for name, x, f, grad, f_torch in cases(n):
        x_t = torch.tensor(x, requires_grad=True)
        with torch.no_grad():
            assert abs(float(f_torch(x_t)) - f(x)) <= 1e-12 * abs(f(x)), f"the torch twin of {name} computes another function"
        gradcheck(f, x, grad)  # also proves the hand gradient right before timing it
        assert torch.autograd.gradcheck(f_torch, (x_t,))

        def floor() -> None:
            for _ in range(2 * n):
                f(x)

        ours, theirs, bottom = median_seconds(
            [lambda: gradcheck(f, x, grad), lambda: torch.autograd.gradcheck(f_torch, (x_t,)), floor], repeats
        )
        faster, overhead = theirs / ours, ours / bottom
        at_floor &= overhead <= 1.5
        if faster >= 3:
            faster_rows.append(name)
        print(
            f"{name:34s} {ours:8.3f}s {theirs:8.3f}s {bottom:8.3f}s {faster:13.1f}x {overhead:13.2f}x"
            f"  {'yes' if faster >= 3 else 'no':>10s}  {'yes' if overhead <= 1.5 else 'no':>12s}"
        )
    print("within 1.5x of the 2N floor for every function:", "met" if at_floor else "NOT MET")
    print(">= 3x faster than torch.autograd.gradcheck for:", ", ".join(faster_rows) or "none")
    return 0 if at_floor else 1


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:])))
