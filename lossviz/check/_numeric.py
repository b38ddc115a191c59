"""Finite differences: the step each method takes, f called safely, and ``numeric_grad``.

Why float64: the central difference's error is about ``eps**(2/3)`` (roundoff ``eps/h``
plus truncation ``h**2``, balanced at ``h ~ eps**(1/3)``). In float64 that is ~4e-11; in
float32 it is ~5e-6, too coarse to tell a right gradient from a slightly wrong one.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

__all__ = ["EPS", "METHODS", "RELATIVE_STEP", "InputChangedError", "numeric_grad", "steps"]

EPS = float(np.finfo(np.float64).eps)

METHODS = ("forward", "central", "complex")

# Relative step per method, each the minimiser of (truncation + roundoff) error:
# forward: h*f'' + eps/h -> h ~ sqrt(eps); central: h**2*f''' + eps/h -> h ~ eps**(1/3);
# complex step has no subtraction, hence no roundoff, so any tiny h works.
RELATIVE_STEP = {"forward": EPS**0.5, "central": EPS ** (1 / 3), "complex": 1e-20}

NOT_COMPLEX_SAFE = (
    "f is not complex-safe ({reason}): complex step needs f written with numpy operations "
    "that keep the imaginary part (no abs, .real, float() or casts to float); use method='central'"
)

WRITES_ITS_INPUT = (
    "f writes into its input: the checks pass x read-only, so that every evaluation sees "
    "exactly the point it asks for (an f that changes x in place would be checked at "
    "another point than x); work on a copy inside f (v = v.copy())"
)


class InputChangedError(ValueError):
    """f tried to write into the array it was given (the checks pass it read-only)."""


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def as_input(x: Any) -> np.ndarray:
    """``x`` as a new float64 array: real, finite and not empty, or a clear error."""
    array = np.asarray(x)
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError("x must be a plain array: a masked array's mask would be ignored")
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"x must be an array of real numbers, got dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"x is empty (shape {array.shape}): there is no derivative to take")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError("x must be finite: a numeric derivative at NaN or inf means nothing")
    return array


def steps(x: np.ndarray, method: str) -> np.ndarray:
    """Per-entry step of ``numeric_grad``: the method's relative step times the entry's size.

    The size is never taken below the root-mean-square of ``x`` (or 1 if ``x`` is all
    zeros), so an entry that happens to be near zero does not get a step so small that
    rounding in ``f`` swamps the difference. (If every entry is tiny, so is the step:
    f(x) = sum(x**2) + 1 at x ~ 1e-8 gets a step lost in the rounding of the 1; gradcheck
    then says it cannot judge, a bare ``numeric_grad`` cannot know.) Each step is rounded so
    that ``x + h`` is exactly representable, which removes one source of error for free.

    Parameters
    ----------
    x : ndarray
        The point, float64.
    method : {"forward", "central", "complex"}
        Sets the relative step: ``eps**(1/2)``, ``eps**(1/3)`` or ``1e-20``.

    Returns
    -------
    ndarray
        The steps, shape of ``x``.

    Raises
    ------
    ValueError
        If ``method`` is not one of the three.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import steps
    >>> h = steps(np.array([2.0, 0.0]), "central")
    >>> bool(np.isclose(h[1], h[0] * np.sqrt(2) / 2))  # entry 1 gets the rms of x, sqrt(2)
    True
    """
    check_method(method)
    floor = float(np.sqrt(np.mean(x * x))) if x.size else 0.0
    scale = np.maximum(np.abs(x), floor if floor > 0 else 1.0)
    h = RELATIVE_STEP[method] * scale
    if method != "complex":
        h = (x + h) - x
    return h


def step_array(x: np.ndarray, method: str, h: Any) -> np.ndarray:
    """The steps to take: ``steps(x, method)``, or the caller's ``h`` once validated."""
    if h is None:
        return steps(x, method)
    try:
        step = np.broadcast_to(np.asarray(h, dtype=np.float64), x.shape)
    except (TypeError, ValueError) as error:
        raise ValueError(f"h must be a positive number or an array of x's shape {x.shape}") from error
    if not np.all((step > 0) & np.isfinite(step)):
        raise ValueError(f"h must be positive and finite (a scalar or an array of x's shape), got {h!r}")
    if method != "complex" and np.any(x + step == x):
        k = int(np.argmax(x + step == x))
        raise ValueError(
            f"h is too small for x: x + h == x at flat index {k} (x = {x.flat[k]:g}, h = {step.flat[k]:g}), "
            "so the difference would be 0 whatever f is"
        )
    return step


class Evaluator:
    """``f`` as every check calls it: at one buffer that the check moves, read-only to f.

    ``f`` gets a read-only view of ``buffer``; the check writes the point into ``flat``
    (a flat view of the same memory) and calls ``evaluator()``. Counting the calls is what
    the cost figures report. The first call validates f's result (one number); the loops
    then convert with as little work as possible. For the complex step, use it as a
    context manager: numpy's ComplexWarning (f dropping the imaginary part) becomes an error.
    """

    def __init__(self, f: Callable[[np.ndarray], Any], x: np.ndarray, *, complex_step: bool = False) -> None:
        self.f = f
        self.complex_step = complex_step
        self.buffer = x.astype(np.complex128 if complex_step else np.float64)
        self.flat = self.buffer.reshape(-1)
        self.view = self.buffer.view()
        self.view.flags.writeable = False
        self.calls = 0
        self._unwrap: Callable[[Any], Any] | None = None
        self._warnings: Any = None

    def __enter__(self) -> "Evaluator":
        if self.complex_step:
            self._warnings = warnings.catch_warnings()
            self._warnings.__enter__()
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._warnings is not None:
            self._warnings.__exit__(*exc)
            self._warnings = None

    def __call__(self) -> Any:
        self.calls += 1
        try:
            raw = self.f(self.view)
        except ValueError as error:
            if "read-only" in str(error):
                raise InputChangedError(WRITES_ITS_INPUT) from error
            raise
        except (np.exceptions.ComplexWarning, TypeError) as error:
            if self.complex_step:
                raise TypeError(NOT_COMPLEX_SAFE.format(reason="it casts its input to real")) from error
            raise
        if self._unwrap is None:
            return self._first(raw)
        return self._unwrap(raw)

    def _first(self, raw: Any) -> Any:
        if raw is None:
            raise TypeError("f returned None: did you forget to return its value?")
        value = np.asarray(raw)
        if value.dtype == object or not np.issubdtype(value.dtype, np.number):
            raise TypeError(f"f must return a number, got {type(raw).__name__}")
        if value.size != 1:
            raise ValueError(f"f must return a single number, got shape {value.shape}")
        if self.complex_step and not np.iscomplexobj(value):
            raise TypeError(NOT_COMPLEX_SAFE.format(reason="it returned a real number for a complex input"))
        if not self.complex_step and np.iscomplexobj(value):
            raise TypeError("f returned a complex number for a real x")
        self._unwrap = (lambda r: r) if np.ndim(raw) == 0 else (lambda r: np.reshape(r, ())[()])
        return self._unwrap(raw)


def centre_value(evaluate: Evaluator) -> float:
    """f(x), evaluated twice: finite, and the same both times, or a clear error.

    A check compares differences of f far smaller than f; an f that returns another value
    at the same point (random noise, an unseeded dropout) would make them meaningless.
    """
    first, second = evaluate(), evaluate()
    if not np.isfinite(first):
        raise ValueError(f"f(x) is {first}: a derivative of a non-finite value cannot be checked")
    if not (first == second):
        raise ValueError(
            f"f is not deterministic: f(x) gave {complex(first).real!r}, then {complex(second).real!r} at the same x; fix its "
            "randomness (a seed inside f) before checking its gradient"
        )
    return float(np.real(first))


def differences(evaluate: Evaluator, step: np.ndarray, method: str, centre: float, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(numeric, f(x + h), f(x - h)) at the flat ``entries``, one entry moved at a time.

    Forward differences report f(x) as f(x - h); the complex step reports Im f(x + ih)
    as f(x + h) and 0 as f(x - h) (nothing is subtracted).
    """
    flat = evaluate.flat
    plus = np.empty(entries.size)
    minus = np.full(entries.size, centre)
    h = step.reshape(-1)[entries]
    # This loop is the whole cost of a check: per evaluation one store and one call of f.
    if method == "complex":
        minus[:] = 0.0
        for k, (i, h_i) in enumerate(zip(entries.tolist(), h.tolist())):
            original = flat[i]
            flat[i] = complex(original.real, h_i)
            plus[k] = evaluate().imag
            flat[i] = original
        return plus / h, plus, minus
    central = method == "central"
    for k, (i, h_i) in enumerate(zip(entries.tolist(), h.tolist())):
        original = flat[i]
        flat[i] = original + h_i
        plus[k] = evaluate()
        if central:
            flat[i] = original - h_i
            minus[k] = evaluate()
        flat[i] = original
    with np.errstate(invalid="ignore", over="ignore"):
        return (plus - minus) / (2 * h if central else h), plus, minus


def numeric_grad(f: Callable[[np.ndarray], Any], x: Any, *, method: str = "central", h: Any = None) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by finite differences, with no judgement attached.

    ``"forward"``: (f(x+h) - f(x)) / h, error ~ sqrt(eps) ~ 1e-8;
    ``"central"``: (f(x+h) - f(x-h)) / (2h), error ~ eps**(2/3) ~ 1e-10;
    ``"complex"``: Im f(x+ih) / h, no subtraction so error ~ eps, for analytic ``f``
    written with complex-safe numpy (no ``abs``, comparisons or ``.real``).
    ``gradcheck`` uses the same differences and also tells whether they can be trusted.

    Parameters
    ----------
    f : callable
        ``f(x) -> number``. It gets ``x`` read-only; it must return the same value every
        time it is called at the same point.
    x : array_like
        The point: real, finite, not empty.
    method : {"central", "forward", "complex"}, default "central"
    h : float or array_like, optional
        Absolute step, a scalar or an array of ``x``'s shape, positive and finite and big
        enough that ``x + h != x``. By default ``steps(x, method)``: relative to each entry.

    Returns
    -------
    ndarray
        The numeric gradient, shape of ``x``. It costs ``2 * x.size + 2`` evaluations of
        ``f`` (central), ``x.size + 2`` (forward) or ``x.size`` (complex).

    Raises
    ------
    ValueError
        Bad ``x``, ``method`` or ``h``; f returns several numbers, a non-finite value at
        ``x``, different values at the same point, or writes into its input.
    TypeError
        f returns None or no number; with ``method="complex"``, f is not complex-safe.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import numeric_grad
    >>> numeric_grad(lambda v: np.sum(v**3), np.array([1.0, 2.0]), method="complex")
    array([ 3., 12.])
    >>> numeric_grad(lambda v: np.sum(v**3), [1.0, 2.0], h=0.0)
    Traceback (most recent call last):
    ...
    ValueError: h must be positive and finite (a scalar or an array of x's shape), got 0.0
    """
    check_method(method)
    x = as_input(x)
    step = step_array(x, method, h)
    entries = np.arange(x.size)
    with Evaluator(f, x, complex_step=method == "complex") as evaluate:
        if method == "complex":
            numeric, _, _ = differences(evaluate, step, method, 0.0, entries)
        else:
            numeric, _, _ = differences(evaluate, step, method, centre_value(evaluate), entries)
    return numeric.reshape(x.shape)


def complex_step(f: Callable[[Any], Any], z: Any, h: Any) -> Any:
    """``Im f(z) / h`` for ``z = x + i h``: the complex-step derivative, elementwise.

    Every complex step in lossviz goes through here (``gradcheck``'s loops call f per
    entry with the same checks): f must keep the imaginary part, or TypeError says why.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            value = f(z)
        except (np.exceptions.ComplexWarning, TypeError) as error:
            raise TypeError(NOT_COMPLEX_SAFE.format(reason="it casts its input to real")) from error
    if not np.iscomplexobj(value):
        raise TypeError(NOT_COMPLEX_SAFE.format(reason="it returned a real number for a complex input"))
    return np.imag(value) / h
