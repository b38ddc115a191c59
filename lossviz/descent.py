"""Gradient descent and its two best-known refinements, on numpy arrays.

One update rule per method, each the textbook formula:

- ``sgd``:      w <- w - lr * g
- ``momentum``: v <- momentum * v + g;  w <- w - lr * v            (torch.optim.SGD)
- ``adam``:     m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g**2;
                w <- w - lr * (m / (1 - b1**t)) / (sqrt(s / (1 - b2**t)) + eps)   (torch.optim.Adam)

and two numeric helpers of the explorers: ``run_descent`` (torch's convention that SGD
with momentum is the momentum method) and ``fit_line`` (the line that minimises any
convex loss of its residuals, by iteratively reweighted least squares).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._validate import as_float, in_range, one_of, positive

__all__ = ["METHODS", "DescentPath", "descend", "run_descent", "fit_line"]

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
    """Run ``steps`` updates of ``method`` from ``start``; stop early once not finite.

    Parameters
    ----------
    loss : callable
        ``loss(w) -> float``.
    grad : callable
        ``grad(w) -> array`` of ``w``'s shape.
    start : array_like
        The first iterate (a number for one weight).
    lr : float
        The learning rate, > 0.
    steps : int
        How many updates, >= 0.
    method : {"sgd", "momentum", "adam"}
    momentum : float, default 0.9
        In [0, 1): the weight of the previous velocity (``"momentum"`` only).
    betas : (float, float), default (0.9, 0.999)
        Adam's decay rates, each in [0, 1).
    eps : float, default 1e-8
        Adam's guard against division by 0, > 0.

    Returns
    -------
    DescentPath
        After the first non-finite iterate the rest stays NaN.

    Raises
    ------
    ValueError
        For an argument out of range (named in the message).
    TypeError
        For a non-numeric ``start`` or a ``steps`` that is not an int.

    Examples
    --------
    >>> path = descend(lambda w: float(w**2), lambda w: 2 * w, 1.0, lr=0.25, steps=3)
    >>> path.points  # w <- w - 0.25 * 2 w = w / 2
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    positive("lr", lr)
    one_of("method", method, METHODS)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    if not 0 <= in_range("momentum", momentum, 0.0, 1.0) < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum}")
    for name, beta in zip(("betas[0]", "betas[1]"), betas):
        if not in_range(name, beta, 0.0, 1.0) < 1:
            raise ValueError(f"{name} must lie in [0, 1), got {beta}")
    positive("eps", eps)
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


def run_descent(
    loss: Callable[..., Any], grad: Callable[..., Any], *, lr: float, momentum: float, steps: int, start: float, method: str
) -> DescentPath:
    """``descend`` with torch's convention: ``"sgd"`` with ``momentum > 0`` is momentum SGD.

    Parameters
    ----------
    loss, grad : callable
        A loss of one weight and its derivative.
    lr, momentum, steps, start, method
        As in ``descend`` (``start`` a number).

    Returns
    -------
    DescentPath

    Raises
    ------
    ValueError, TypeError
        As ``descend``.

    Examples
    --------
    >>> path = run_descent(lambda w: float(w**2), lambda w: 2 * w, lr=0.1, momentum=0.5,
    ...                    steps=2, start=1.0, method="sgd")
    >>> path.points  # v = 2, w = 0.8; v = 0.5 * 2 + 1.6 = 2.6, w = 0.8 - 0.26
    array([1.  , 0.8 , 0.54])
    """
    if method == "sgd" and momentum > 0:
        method = "momentum"
    return descend(loss, grad, np.float64(start), lr=lr, steps=steps, method=method, momentum=momentum)


def fit_line(
    loss: Any, x: Any, y: Any, *, start: tuple[float, float] | None = None, iterations: int = 200, **params: Any
) -> tuple[float, float]:
    """The line ``slope * x + intercept`` minimising ``sum loss(prediction, y)``, by reweighted least squares.

    Each round solves weighted least squares with weights ``psi(r) / r``, ``psi`` the
    loss's derivative (its ``.grad``) at residual ``r``: 2 for MSE, ``1/|r|`` for L1,
    ``min(1, delta/|r|)`` for Huber. This converges for convex losses whose ``psi(r)/r``
    falls with ``|r|``.

    Parameters
    ----------
    loss : Function
        A pointwise regression loss with ``.grad`` (``mse_loss``, ``l1_loss``, ``huber_loss``...).
    x, y : array_like of shape (n,)
        The data, n >= 2, x not all equal.
    start : (float, float), optional
        A (slope, intercept) to begin from (the last fit, while a slider moves); default
        the least-squares line.
    iterations : int, default 200
        At most this many rounds.
    **params
        The loss's parameters (``delta=``...).

    Returns
    -------
    slope, intercept : float

    Raises
    ------
    ValueError
        When x and y are not 1-D of one length n >= 2, or x is constant.
    TypeError
        When ``loss`` has no ``.grad``.

    Examples
    --------
    >>> from lossviz import losses
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> fit_line(losses.mse_loss, x, 2 * x + 1)
    (2.0, 1.0)
    """
    if not callable(getattr(loss, "grad", None)):
        raise TypeError(f"loss must be a lossviz loss with .grad, got {type(loss).__name__}")
    x, y = as_float("x", x), as_float("y", y)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D of one length n >= 2, got shapes {x.shape} and {y.shape}")
    if np.ptp(x) == 0:
        raise ValueError("x must not be constant: a vertical line has no slope")
    design = np.stack([x, np.ones_like(x)], axis=1)
    theta = np.linalg.lstsq(design, y, rcond=None)[0] if start is None else np.array(start, dtype=np.float64)
    floor = 1e-9 * (1.0 + float(np.max(np.abs(y))))  # L1's weight 1/|r| is unbounded at r = 0
    for _ in range(iterations):
        residual = design @ theta - y
        residual = np.where(np.abs(residual) < floor, np.where(residual < 0, -floor, floor), residual)
        weights = loss.grad(y + residual, y, reduction="none", **params) / residual
        weighted = design * weights[:, None]
        new = np.linalg.solve(design.T @ weighted, weighted.T @ y)
        change = float(np.max(np.abs(new - theta)))
        theta = new
        if change <= 1e-12 * (1.0 + float(np.max(np.abs(theta)))):
            break
    return float(theta[0]), float(theta[1])
