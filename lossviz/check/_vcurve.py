"""``fd_error``: the error of each finite difference against its step, the "V curve"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ._numeric import METHODS, check_method

__all__ = ["FDErrorCurve", "fd_error"]


@dataclass
class FDErrorCurve:
    """Relative error of each method and precision at each step size (the V curve)."""

    steps: np.ndarray
    errors: dict[tuple[str, str], np.ndarray]

    def best(self, method: str, dtype: str = "float64") -> tuple[float, float]:
        """(smallest error, the step that reached it)."""
        curve = self.errors[(method, dtype)]
        k = int(np.nanargmin(curve))
        return float(curve[k]), float(self.steps[k])


FDErrorCurve.__module__ = "lossviz.check"


def _estimate(f: Callable[[Any], Any], x: Any, h: Any, method: str, real: type) -> Any:
    if method == "forward":
        return (f(x + h) - f(x)) / h
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    complex_type = np.result_type(real, np.complex64).type
    return np.imag(f(complex_type(complex(x, h)))) / h


def fd_error(
    f: Callable[[Any], Any],
    derivative: Callable[[float], float],
    x0: float,
    *,
    steps: Sequence[float] | np.ndarray | None = None,
    methods: Sequence[str] = METHODS,
    dtypes: Sequence[str] = ("float32", "float64"),
) -> FDErrorCurve:
    """Relative error |numeric - exact| / |exact| of each method at each step ``h``.

    ``f`` is evaluated in each precision by casting ``x0`` and ``h`` to that dtype
    (complex64/complex128 for the complex step), so the curve shows both errors of a
    difference: truncation, which shrinks with h, and rounding, which grows as h shrinks.

    Parameters
    ----------
    f : callable
        A scalar, numpy-based function (complex-safe for the complex step).
    derivative : callable
        The exact f'.
    x0 : float
        Where; f'(x0) must not be 0 (the error is relative to it).
    steps : array_like, optional
        The steps h; by default 81 from 1e-20 to 1, evenly spaced in log.
    methods : sequence of str, default all three
    dtypes : sequence of str, default ("float32", "float64")

    Returns
    -------
    FDErrorCurve
        ``.errors[(method, dtype)]``: the error at each step (NaN where h rounds to 0).

    Raises
    ------
    ValueError
        f'(x0) = 0, or an unknown method.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import fd_error
    >>> curve = fd_error(np.exp, np.exp, 1.0, steps=[1e-5], methods=("central",), dtypes=("float64",))
    >>> bool(curve.errors[("central", "float64")][0] < 1e-9)
    True
    """
    h_values = np.logspace(-20, 0, 81) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = float(derivative(x0))
    if exact == 0:
        raise ValueError("choose x0 where the derivative is not zero: the error is relative to it")
    errors: dict[tuple[str, str], np.ndarray] = {}
    for method in methods:
        check_method(method)
        for dtype in dtypes:
            real = np.dtype(dtype).type
            curve = np.empty(h_values.size)
            with np.errstate(all="ignore"):
                for k, h_value in enumerate(h_values):
                    x, h = real(x0), real(h_value)
                    curve[k] = np.nan if h == 0 else abs(float(_estimate(f, x, h, method, real)) - exact) / abs(exact)
            errors[(method, dtype)] = curve
    return FDErrorCurve(h_values, errors)
