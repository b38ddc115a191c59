"""Checks for derivations and exercises: ``check_derivation`` and ``assert_close``.

Both raise assertion errors a learner can act on: which step, which entry, by how much,
and what was allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ._errors import DerivationError, NotCloseError

__all__ = ["DerivationReport", "assert_close", "check_derivation"]


@dataclass
class DerivationReport:
    """Result of ``check_derivation``: the steps, the points tried, the largest difference."""

    steps: list[str]
    points: int
    max_relative_error: float

    def __str__(self) -> str:
        return f"all {len(self.steps)} steps agree at {self.points} random points (max relative difference {self.max_relative_error:.1e})"

    __repr__ = __str__


DerivationReport.__module__ = "lossviz.check"


def check_derivation(
    steps: Sequence[Callable[..., Any] | tuple[str, Callable[..., Any]]],
    *,
    variables: dict[str, tuple[float, float]],
    points: int = 50,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    seed: int = 0,
) -> DerivationReport:
    """Check that consecutive steps of a derivation are equal at random points.

    Step k passes at a point when |step_k - step_(k-1)| <= atol + rtol * max(|step_k|,
    |step_(k-1)|). The relative difference reported is |step_k - step_(k-1)| divided by
    max(|step_k|, |step_(k-1)|, atol), the largest over steps and points.

    Parameters
    ----------
    steps : sequence of callables or (label, callable) pairs
        Each a function of the named ``variables`` (numpy-vectorised); at least two.
    variables : dict
        name -> (low, high): each variable is drawn uniformly from its range.
    points : int, default 50
        How many random points.
    rtol, atol : float, default 1e-9, 1e-12
        The tolerance above.
    seed : int, default 0

    Returns
    -------
    DerivationReport

    Raises
    ------
    DerivationError
        Naming the first step that differs from its predecessor, the point where it does,
        and both values (an ``AssertionError``).
    ValueError
        Fewer than two steps.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import check_derivation
    >>> check_derivation(
    ...     [("d/dx x e^x", lambda x: x * np.exp(x) + np.exp(x)), ("factor", lambda x: (x + 1) * np.exp(x))],
    ...     variables={"x": (-2, 2)},
    ... ).steps
    ['d/dx x e^x', 'factor']
    >>> check_derivation([lambda x: (x + 1) ** 2, lambda x: x**2 + 1], variables={"x": (1, 2)})
    Traceback (most recent call last):
    ...
    lossviz.check.DerivationError: step 2 (step 2) differs from step 1 (step 1) at x=1.63696: 3.679643566 vs 6.95356694
    """
    if len(steps) < 2:
        raise ValueError("steps must hold at least two expressions to compare")
    rng = np.random.default_rng(seed)
    sample = {name: rng.uniform(low, high, points) for name, (low, high) in variables.items()}
    labelled = [step if isinstance(step, tuple) else (f"step {number}", step) for number, step in enumerate(steps, 1)]
    previous = np.broadcast_to(np.asarray(labelled[0][1](**sample), dtype=np.float64), (points,))
    worst = 0.0
    for number, (label, expression) in enumerate(labelled[1:], 2):
        current = np.broadcast_to(np.asarray(expression(**sample), dtype=np.float64), (points,))
        difference = np.abs(current - previous)
        size = np.maximum(np.abs(current), np.abs(previous))
        bad = ~(difference <= atol + rtol * size)
        if bad.any():
            k = int(np.argmax(bad))
            point = ", ".join(f"{name}={values[k]:.6g}" for name, values in sample.items())
            raise DerivationError(
                f"step {number} ({label}) differs from step {number - 1} ({labelled[number - 2][0]}) "
                f"at {point}: {current[k]:.10g} vs {previous[k]:.10g}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = difference / np.maximum(size, atol)
        worst = max(worst, float(np.max(relative)))
        previous = current
    return DerivationReport([label for label, _ in labelled], points, worst)


def _digits(got: float, expected: float) -> int:
    """Significant digits that show where two numbers part (10 at least, 17 at most)."""
    if not (math.isfinite(got) and math.isfinite(expected)) or got == expected:
        return 10
    size = max(abs(got), abs(expected))
    return min(17, max(10, 2 + math.ceil(-math.log10(abs(got - expected) / size))))


def assert_close(got: Any, expected: Any, *, what: str = "your answer", rtol: float = 1e-7, atol: float = 1e-12) -> None:
    """Raise an ``AssertionError`` a learner can act on: which entry, expected vs got, and
    how far off against what was allowed.

    Entry by entry, ``got`` passes when |got - expected| <= atol + rtol * |expected|
    (numpy's ``isclose``); NaN passes nowhere. Shapes must match exactly (no
    broadcasting), so a (3,) answer for a (3, 1) question is reported as a shape error,
    not silently accepted. Values are printed with enough digits to see where they part.

    Parameters
    ----------
    got : array_like or None
        The answer.
    expected : array_like
        The right value.
    what : str, default "your answer"
        How the message names ``got``.
    rtol, atol : float, default 1e-7, 1e-12
        The tolerance above.

    Raises
    ------
    NotCloseError
        ``got`` is None, has another shape, or some entry is off (an ``AssertionError``).

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import assert_close
    >>> assert_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    >>> assert_close(np.exp(-1) * (1 + 1e-11), np.exp(-1), rtol=1e-12, atol=0.0)
    Traceback (most recent call last):
    ...
    lossviz.check.NotCloseError: your answer is wrong at 1 of 1 entries; first at index (): expected 0.3678794411714, got 0.3678794411751: relative error 1.0e-11, more than rtol=1e-12 allows
    """
    if got is None:
        raise NotCloseError(f"{what} is None: did you forget to return a value?")
    got_array = np.asarray(got, dtype=np.float64)
    expected_array = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected_array.shape:
        raise NotCloseError(f"{what} has shape {got_array.shape}, expected {expected_array.shape}")
    bad = ~np.isclose(got_array, expected_array, rtol=rtol, atol=atol)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        g, e = float(got_array[index]), float(expected_array[index])
        digits = _digits(g, e)
        raise NotCloseError(
            f"{what} is wrong at {int(bad.sum())} of {bad.size} entries; first at index {tuple(int(i) for i in index)}: "
            f"expected {e:.{digits}g}, got {g:.{digits}g}{_how_far(g, e, rtol, atol)}"
        )


def _how_far(got: float, expected: float, rtol: float, atol: float) -> str:
    """': relative error 3.2e-02, more than rtol=1e-07 allows' (or the absolute error,
    where atol is most of what was allowed); nothing to add for NaN or inf."""
    if not (math.isfinite(got) and math.isfinite(expected)):
        return ""
    off = abs(got - expected)
    if atol >= rtol * abs(expected):
        return f": off by {off:.1e}, more than atol={atol:g} + rtol={rtol:g} x |expected| = {atol + rtol * abs(expected):.1e} allows"
    return f": relative error {off / abs(expected):.1e}, more than rtol={rtol:g} allows"
