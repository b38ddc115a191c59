"""torch's ``reduction`` argument, forwards and backwards, in one place.

``reduce`` turns per-element losses into the returned value; ``reduce_backward`` turns the
upstream ``grad_output`` into d(output)/d(per-element losses) times ``grad_output``, so a
loss's gradient is always ``reduce_backward(...) * d(per-element loss)/d(input)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import one_of

REDUCTIONS = ("none", "mean", "sum")


def check(reduction: str) -> str:
    return one_of("reduction", reduction, REDUCTIONS)


def reduce(losses: np.ndarray, reduction: str, denominator: float | None = None) -> np.ndarray:
    """``none``: as is; ``sum``: total; ``mean``: total / ``denominator`` (default: count).

    ``denominator`` serves losses whose mean is weighted (``cross_entropy`` with ``weight``
    divides by the sum of the target classes' weights, not by the count).
    """
    if reduction == "none":
        return losses
    total = np.sum(losses)
    if reduction == "sum":
        return total
    return total / (losses.size if denominator is None else denominator)


def reduce_backward(
    grad_output: Any, shape: tuple[int, ...], reduction: str, denominator: float | None = None
) -> np.ndarray:
    """d(reduce(losses))/d(losses) times ``grad_output``, broadcast to ``shape``."""
    if reduction == "none":
        upstream = np.ones(shape) if grad_output is None else np.asarray(grad_output, dtype=np.float64)
        if upstream.shape != shape:
            raise ValueError(f"grad_output must have the output's shape {shape}, got {upstream.shape}")
        return upstream
    # numpy scalars, not Python floats: a mean over nothing is 0/0 = NaN as in torch, not a ZeroDivisionError
    upstream = np.float64(1.0) if grad_output is None else np.asarray(grad_output, dtype=np.float64)
    if np.ndim(upstream) != 0:
        if np.size(upstream) != 1:
            raise ValueError(f"grad_output must be a scalar for reduction={reduction!r}, got shape {np.shape(upstream)}")
        upstream = upstream.reshape(())
    if reduction == "mean":
        count = int(np.prod(shape)) if denominator is None else denominator
        upstream = upstream / count
    return np.broadcast_to(upstream, shape).astype(np.float64)
