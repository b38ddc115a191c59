"""torch's ``reduction`` argument, forwards and backwards, in one place.

``reduce`` turns per-element losses into the returned value. ``pull_back`` is the way
back, for every loss: it takes the upstream ``grad_output`` through the reduction to
d(output)/d(per-element losses) and multiplies it by the loss's local derivative, so a
loss's gradient is always ``pull_back(d(per-element loss)/d(input), grad_output, ...)``.
``sum_to`` undoes a broadcast, for arguments that torch broadcasts against each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import as_float, one_of

__all__ = ["REDUCTIONS", "check", "reduce", "reduce_backward", "pull_back", "sum_to"]

REDUCTIONS = ("none", "mean", "sum")


def check(reduction: str) -> str:
    """``reduction`` itself if it is one of ``REDUCTIONS``; else a ValueError naming it."""
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
    with np.errstate(divide="ignore", invalid="ignore"):  # a mean over nothing is 0/0 = NaN, as torch's
        return total / (losses.size if denominator is None else denominator)


def reduce_backward(
    grad_output: Any, shape: tuple[int, ...], reduction: str, denominator: float | None = None
) -> np.ndarray:
    """d(reduce(losses))/d(losses) times ``grad_output``, broadcast to ``shape`` (read-only).

    ``grad_output`` (default 1) has the output's shape: ``shape`` for ``"none"``, a scalar
    otherwise, where a one-element array of any shape also counts as the scalar.
    """
    if reduction == "none":
        if grad_output is None:
            return np.broadcast_to(np.float64(1.0), shape)
        upstream = as_float("grad_output", grad_output)
        if upstream.shape != shape:
            raise ValueError(f"grad_output must have the output's shape {shape}, got {upstream.shape}")
        return upstream
    # numpy scalars, not Python floats: a mean over nothing is 0/0 = NaN as in torch, not a ZeroDivisionError
    upstream = np.float64(1.0) if grad_output is None else as_float("grad_output", grad_output)
    if np.ndim(upstream) != 0:
        if np.size(upstream) != 1:
            raise ValueError(f"grad_output must be a scalar for reduction={reduction!r}, got shape {np.shape(upstream)}")
        upstream = upstream.reshape(())
    if reduction == "mean":
        count = int(np.prod(shape)) if denominator is None else denominator
        with np.errstate(divide="ignore", invalid="ignore"):  # over nothing: no entry receives it
            upstream = upstream / count
    return np.broadcast_to(upstream, shape)


def pull_back(
    local: np.ndarray,
    grad_output: Any,
    reduction: str,
    *,
    axis: int | None = None,
    denominator: float | None = None,
    where: np.ndarray | None = None,
) -> np.ndarray:
    """``grad_output`` pulled back through the reduction, times the local derivative.

    ``local`` is d(per-element loss)/d(input); its shape is the losses' shape, or the
    losses' shape with one more ``axis`` (a class axis, a box's 4 coordinates, an
    embedding's features), along which every entry shares its loss's upstream. ``where``
    (the losses' shape) marks the losses that count: elsewhere the upstream is exactly 0,
    even when the mean divides by 0 (torch's ``ignore_index`` gives NaN forwards and 0
    backwards, as its ignored entries never reach the division).
    """
    shape = local.shape if axis is None else np.delete(np.array(local.shape, dtype=int), axis)
    shape = tuple(int(size) for size in shape)
    if where is None:
        upstream = reduce_backward(grad_output, shape, reduction, denominator)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            upstream = np.where(where, reduce_backward(grad_output, shape, reduction, denominator), 0.0)
    if reduction != "none" and where is None:
        upstream = upstream.reshape(-1)[0] if upstream.size else np.float64(0.0)  # one scalar: no full-size copy
    elif axis is not None:
        upstream = np.expand_dims(upstream, axis)
    return local * upstream


def sum_to(gradient: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo a broadcast: sum ``gradient`` over the axes along which ``shape`` was stretched.

    The derivative w.r.t. an argument that broadcasting repeated is the sum of the
    derivatives w.r.t. its copies (torch's ``sum_to_size``).
    """
    extra = gradient.ndim - len(shape)
    stretched = tuple(range(extra)) + tuple(
        extra + k for k, size in enumerate(shape) if size == 1 and gradient.shape[extra + k] != 1
    )
    return np.sum(gradient, axis=stretched).reshape(shape) if stretched else gradient.reshape(shape)
