"""Gradient descent and its two best-known refinements, on numpy arrays.

One update rule per method, each the textbook formula:

- ``sgd``:      w <- w - lr * g
- ``momentum``: v <- momentum * v + g;  w <- w - lr * v            (torch.optim.SGD)
- ``adam``:     m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g**2;
                w <- w - lr * (m / (1 - b1**t)) / (sqrt(s / (1 - b2**t)) + eps)   (torch.optim.Adam)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._validate import as_float, one_of, positive

METHODS = ("sgd", "momentum", "adam")


@dataclass
class DescentPath:
    """Every iterate and its loss: ``points`` (steps + 1, *shape), ``losses`` (steps + 1,)."""

    points: np.ndarray
    losses: np.ndarray

    @property
    def diverged(self) -> bool:
        """True when the loss grew past 1e6 times its start or stopped being finite."""
        final = self.losses[-1]
        return bool(not np.isfinite(final) or abs(final) > 1e6 * max(abs(self.losses[0]), 1e-12))


def descend(
    loss: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], Any],
    start: Any,
    *,
    lr: float,
    steps: int,
    method: str = "sgd",
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> DescentPath:
    """Run ``steps`` updates of ``method`` from ``start``; stop early once not finite."""
    positive("lr", lr)
    one_of("method", method, METHODS)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    w = as_float("start", start).copy()
    velocity = np.zeros_like(w)
    second = np.zeros_like(w)
    points = np.full((steps + 1, *w.shape), np.nan)
    losses = np.full(steps + 1, np.nan)
    points[0], losses[0] = w, loss(w)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = np.asarray(grad(w), dtype=np.float64)
            if method == "sgd":
                w = w - lr * g
            elif method == "momentum":
                velocity = momentum * velocity + g
                w = w - lr * velocity
            else:
                velocity = betas[0] * velocity + (1 - betas[0]) * g
                second = betas[1] * second + (1 - betas[1]) * g * g
                corrected = velocity / (1 - betas[0] ** t)
                w = w - lr * corrected / (np.sqrt(second / (1 - betas[1] ** t)) + eps)
            points[t], losses[t] = w, loss(w)
            if not np.all(np.isfinite(w)) or not np.isfinite(losses[t]):
                break  # the rest stays NaN: a plot shows where it blew up
    return DescentPath(points, losses)
