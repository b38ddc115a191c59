"""``gradcheck`` and ``vjpcheck``: an analytic gradient against finite differences, with a
verdict given only where the differences can tell right from wrong.

A full check moves one entry at a time (2N evaluations of f for central differences); a
fast check moves x along a few random directions d and compares u^T J d (a handful of
evaluations, as torch's ``fast_mode`` and JAX's ``check_vjp`` do). Both give f a read-only
x, evaluate f twice at x (it must agree with itself), and pass an entry only when f's
rounding noise is small beside it: otherwise ``CannotJudgeError``, with the remedy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._errors import CannotJudgeError, GradientCheckError
from ._numeric import (
    EPS,
    RELATIVE_STEP,
    WRITES_ITS_INPUT,
    Evaluator,
    InputChangedError,
    as_input,
    centre_value,
    check_method,
    differences,
    step_array,
    steps,
)
from ._refine import NOISE_SAFETY, ROUNDOFF_FACTOR, Line, Verdict, estimate, measured_noise, noise_and_curvature, second_look
from ._report import GradcheckReport

__all__ = ["gradcheck", "vjpcheck"]

# Default relative tolerances. Each sits orders of magnitude above what the method
# reaches on smooth functions (forward ~1e-8, central ~1e-10, complex ~1e-15), to leave
# room for curvature, and orders below the errors that matter (a factor of 1.001).
RTOL = {"forward": 1e-4, "central": 1e-6, "complex": 1e-10}

# A pass vouches for an entry only if f's rounding bound there is below this fraction of
# the entry: then an error of 0.1% (the smallest the mutation tests use) would have shown.
RESOLUTION = 1e-4

# ...of the entry, or of this fraction of the gradient's largest entry, if larger: an entry
# a thousand times smaller than the largest (softmax's 1e-9 beside 0.9; a zero where others
# are 1) is judged to RESOLUTION * SMALL_ENTRY of the largest, as torch's atol judges all.
SMALL_ENTRY = 1e-3

# Above this many entries a full check (2N evaluations of f, each of which costs ~N) takes
# minutes: by default a random sample of SAMPLE_SIZE entries is checked, and the report says so.
FULL_CHECK_LIMIT = 100_000
SAMPLE_SIZE = 1_000

# A passing entry whose rounding bound is too large to vouch for it is looked at again at
# 10x, 100x, 1000x the step (2 evaluations each) before the full second look.
COARSE_LEVELS = (1, 2, 3)

# The first step grows where f's measured noise asks for it, by at most this factor.
MAX_WIDENING = 1000.0

# A failing entry is looked at again at a 10x finer step (2 evaluations) first.
FINE_LEVELS = (-1,)

# Random directions of a fast check (2 evaluations each, plus 2 at x).
PROBES = 2


def _analytic(grad: Any, x: np.ndarray) -> np.ndarray:
    """``grad(x)`` (on a copy) or ``grad`` itself, as a float64 array of x's shape."""
    value = grad(x.copy()) if callable(grad) else grad
    if value is None:
        raise TypeError("grad returned None: did you forget to return the gradient?")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"grad must give an array of real numbers, got {type(value).__name__}") from error
    if array.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {array.shape}")
    return array


def _tolerances(method: str, rtol: Any, atol: Any) -> tuple[float, float]:
    rtol = RTOL[method] if rtol is None else rtol
    for name, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) or not 0 <= value < np.inf:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(rtol), float(atol)


def _sample(size: int, entries: Any, rng: np.random.Generator) -> np.ndarray | None:
    """Flat indices of the entries to check, or None for all of them."""
    if entries is None:
        if size <= FULL_CHECK_LIMIT:
            return None
        entries = SAMPLE_SIZE
    if isinstance(entries, bool) or not isinstance(entries, (int, np.integer)) or entries < 1:
        raise ValueError(f"entries must be a positive int (how many entries to check), got {entries!r}")
    if entries >= size:
        return None
    return np.sort(rng.choice(size, int(entries), replace=False))


@dataclass
class _Review:
    """What re-examining one entry (or direction) needs beyond the entry itself."""

    centre: float  # f(x)
    rtol: float
    atol: float
    sigma: float = 0.0  # f's rounding noise, once measured along a random direction

    def tolerance(self, analytic: float, numeric: float, noise: float) -> float:
        return self.atol + self.rtol * max(abs(analytic), abs(numeric)) + noise

    def settle(self, line: Line, analytic: float, h: float, floor: float, blurred: bool) -> Verdict:
        """The verdict after looking again. An entry that passed with a rounding bound too
        large to vouch for it is first estimated at coarser steps (less rounding), one that
        failed at a 10x finer step (less truncation: a curve steeper than the step assumed);
        one such estimate that agrees with the analytic value within a tolerance sharp
        enough to vouch for it decides (a wrong value would have to hit it by chance). The
        full second look decides the rest. What the bound must vouch for is the entry as
        this estimate sees it (not the first step's, which may be far off: x**5 at 0), or
        ``floor`` if larger: the final verdict judges it the same way, so cannot overturn it."""
        for level in COARSE_LEVELS if blurred else FINE_LEVELS:
            closer = estimate(line, h * 10.0**level, self.centre, self.sigma)
            allowed = self.tolerance(analytic, closer.central, closer.noise)
            if not abs(analytic - closer.central) <= allowed:
                break  # disagrees (or left f's domain): the second look decides
            if closer.noise <= RESOLUTION * max(abs(analytic), abs(closer.central), floor):
                return Verdict(closer.central, allowed, closer.noise, True)
        # The second look measures f's noise along this entry itself: the up-front sigma,
        # measured across all entries at once, may see a kink of another entry as noise.
        return second_look(line, analytic, h, self.centre, self.rtol, self.atol, 0.0)


def _roundoff(magnitude: np.ndarray, sigma: float, h: np.ndarray, method: str) -> np.ndarray:
    """The rounding bound of each first-step difference quotient (see ``_refine.roundoff``);
    a forward difference subtracts f(x) once unhalved, so twice the central bound."""
    if method == "complex":
        return np.zeros_like(h)
    bound = np.maximum(ROUNDOFF_FACTOR * EPS * magnitude, NOISE_SAFETY * sigma) / h
    return 2 * bound if method == "forward" else bound


def _scale(analytic: np.ndarray, numeric: np.ndarray, floor: float | None = None) -> np.ndarray:
    """What a rounding bound is compared with: the entry, or ``floor`` if larger (by
    default SMALL_ENTRY of the largest entry)."""
    size = np.nan_to_num(np.maximum(np.abs(analytic), np.abs(numeric)), nan=0.0, posinf=0.0)
    if floor is None:
        floor = SMALL_ENTRY * float(size.max(initial=0.0))
    return np.maximum(size, floor)


def _noise_along_random_direction(evaluate: Evaluator, step: np.ndarray, centre: float, rng: np.random.Generator) -> tuple[float, float]:
    """(f's rounding noise sigma, how much to shrink the steps for f's curvature), measured
    once: every entry moved by a random +-1 times its step (``noise_and_curvature``)."""
    direction = step * rng.choice((-1.0, 1.0), step.shape)
    return noise_and_curvature(Line(evaluate, direction=direction), 1.0, centre)


def gradcheck(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Callable[[np.ndarray], Any] | Any,
    *,
    method: str = "central",
    rtol: float | None = None,
    atol: float = 0.0,
    h: Any = None,
    fast: bool = False,
    entries: int | None = None,
    seed: int = 0,
) -> GradcheckReport:
    """Check an analytic gradient against finite differences; raise if they disagree.

    Entry ``i`` passes when

        |analytic_i - numeric_i| <= atol + rtol * max(|analytic_i|, |numeric_i|) + noise_i

    where ``noise_i`` bounds the rounding of the difference quotient: a few eps of |f|
    over the step, or a few times f's own rounding noise where that is larger. That noise
    is measured once, before the first step, from 4th differences of f along a random
    direction (which also show whether f curves at the scale of the step). The first
    steps are ``numeric_grad``'s, made smaller where f curves at their scale and larger
    where f's noise would blur an entry (by at most 1000x).

    A pass vouches for an entry only if ``noise_i`` is below 1e-4 of the entry (or of
    1e-3 times the largest entry, if larger). Otherwise f's rounding is as large as the
    difference being judged, and the verdict is ``CannotJudgeError``, with the remedy:
    f = 1e6 + 1e-7 sum(x**2) / 2, or f = sum(x**2) + 1 at x ~ 1e-8, have gradients
    invisible under the rounding of their constant. So does an entry where no step gives
    an estimate (f is not finite around x) or where the estimates never settle.

    Another look: an entry whose bound was too large to vouch for it is estimated again
    at 10x, 100x, 1000x coarser steps; one that failed, at a 10x finer step; one such
    estimate that agrees within a sharp tolerance decides. Otherwise the second look
    re-estimates it by central differences (complex steps for ``method="complex"``) at
    steps 10x, 100x... smaller and larger (``LEVELS`` in ``lossviz.check._refine``), with
    f's noise measured along that entry. It passes only if three neighbouring steps
    (spanning a factor of 100) agree with each other and with the analytic value, or if the
    estimates close in on the analytic value 50x per level as the step shrinks: three
    steps 10x apart that agree are accurate, so a wrong value cannot hide behind a loose
    estimate. Kinks: an entry whose one-sided slopes jump by the same amount at steps 1x,
    0.1x, 0.01x and 0.0001x (as at ReLU's 0) is marked a kink and passes if the analytic
    value lies between the two slopes (a subgradient). An entry where f does not change at
    all, at any step, passes a claimed 0 (f is constant there, as far as float64 can tell).
    Once one failure is confirmed the verdict is certain: after max(2N, 200) more
    evaluations, the remaining failing entries keep their first-step verdict.

    Limits: an f that changes on a scale far below the first step (sin(1e7 x) near x = 1,
    where the step is ~6e-6) and carries rounding noise as well can be reported FAILED
    although right; pass a smaller ``h`` there.

    Parameters
    ----------
    f : callable
        ``f(x) -> number``. It gets ``x`` read-only (an f that writes into its input is
        told so) and must return the same value each time it is called at the same point.
    x : array_like
        The point: real, finite, not empty.
    grad : callable or array_like
        ``grad(x) -> gradient`` (called on a copy of ``x``) or the gradient itself;
        shape of ``x``.
    method : {"central", "forward", "complex"}, default "central"
        The finite difference (see ``numeric_grad``).
    rtol : float, optional
        Relative tolerance; by default ``RTOL[method]``: 1e-6 central, 1e-4 forward,
        1e-10 complex (far above what each method reaches on smooth functions, far below
        a 0.1% error).
    atol : float, default 0.0
        Absolute tolerance.
    h : float or array_like, optional
        The first step (see ``numeric_grad``); by default relative to each entry.
    fast : bool, default False
        Check u^T J d along a few random directions d (``vjpcheck``) instead of every
        entry: a handful of evaluations of ``f`` instead of 2N.
    entries : int, optional
        How many entries to check, chosen at random. By default all of them, or a random
        sample of 1,000 when ``x`` has more than 100,000 (the report says so).
    seed : int, default 0
        Seeds the sample, the random directions and the noise measurement.

    Returns
    -------
    GradcheckReport
        The numbers behind the verdict; printed, a table of the worst entries.
        A central check of N entries costs 2N evaluations of ``f``, about 23 more (f(x)
        twice, the noise measurement) and a few for each entry that needs another look
        (``report.evaluations`` counts them).

    Raises
    ------
    GradientCheckError
        Some entry disagrees beyond tolerance (an ``AssertionError``; ``.report`` holds
        the table).
    CannotJudgeError
        No entry disagrees, but at some entries f's rounding noise is as large as the
        difference being judged (a ``GradientCheckError``); the message says how to fix it.
    ValueError
        Bad arguments; f returns several numbers, a non-finite value at ``x``, different
        values at the same point, or writes into its input.
    TypeError
        f or grad return None or no number; with ``method="complex"``, f is not complex-safe.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import gradcheck
    >>> x = np.array([1.0, 2.0])
    >>> gradcheck(lambda v: np.sum(v**2), x, lambda v: 2 * v).passed
    True
    >>> gradcheck(lambda v: np.sum(v**2), x, lambda v: 2 * v + 1)
    Traceback (most recent call last):
    ...
    lossviz.check.GradientCheckError: gradcheck FAILED at 2 of 2 entries (central differences, rtol=1e-06); max relative error 3.33e-01
             index       analytic        numeric rel. error  status
              (0,)              3              2   3.33e-01  FAIL
              (1,)              5              4   2.00e-01  FAIL

    A gradient hidden under the rounding of a large constant is not vouched for, even
    when it is right:

    >>> gradcheck(lambda v: 1e6 + 1e-7 * np.sum(v**2) / 2, x, 1e-7 * x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lossviz.check.CannotJudgeError: gradcheck CANNOT JUDGE 2 of 2 entries (central differences, rtol=1e-06)
    ...
    """
    check_method(method)
    x = as_input(x)
    analytic = _analytic(grad, x)
    rtol, atol = _tolerances(method, rtol, atol)
    rng = np.random.default_rng(seed)
    if fast:
        if entries is not None:
            raise ValueError("entries chooses entries for a full check; fast=True checks random directions")
        return vjpcheck(f, x, lambda _, u: u * analytic, method=method, rtol=rtol, atol=atol, seed=seed)
    sample = _sample(x.size, entries, rng)
    chosen = np.arange(x.size) if sample is None else sample
    a = analytic.reshape(-1)[chosen]
    review = _Review(0.0, rtol, atol)
    with Evaluator(f, x, complex_step=method == "complex") as evaluate:
        review.centre = centre = centre_value(evaluate)
        shrink = 1.0
        if method != "complex":
            review.sigma, shrink = _noise_along_random_direction(evaluate, steps(x, method), centre, rng)
        step = step_array(x, method, h) if h is not None else _first_steps(x, method, review.sigma, centre, shrink, analytic)
        numeric, plus, minus = differences(evaluate, step, method, centre, chosen)
        h_first = step.reshape(-1)[chosen]
        magnitude = np.maximum(np.maximum(np.abs(plus), np.abs(minus)), abs(centre))
        noise = _roundoff(magnitude, review.sigma, h_first, method)
        tolerance = atol + rtol * np.maximum(np.abs(a), np.abs(numeric)) + noise
        failed = ~(np.abs(a - numeric) <= tolerance)
        hopeless = ~np.isfinite(a)  # a NaN or inf gradient fails as it is
        scale = _scale(a, numeric)
        blurred = ~failed & ~(noise <= RESOLUTION * scale)
        kinks, certain, unsettled = (np.zeros(a.shape, dtype=bool) for _ in range(3))
        # The second look starts from numeric_grad's step (the caller's h if given), shrunk
        # for curvature but not widened for noise: its own levels go 1e5 times wider, and a
        # noise measurement inflated by curvature must not move them all away from f's
        # scale. Forward differences get central ones (more accurate), the complex step
        # complex ones (central ones would lose its precision).
        if h is None or method == "forward":
            h_second = steps(x, "central" if method == "forward" else method).reshape(-1)[chosen] * shrink
        else:
            h_second = h_first
        unconfirmed = _reexamine(
            evaluate, review, chosen, a, h_second, _scale(a, np.zeros(a.shape)), failed & ~hopeless, blurred,
            (numeric, tolerance, noise, failed, kinks, certain, unsettled), budget=max(2 * chosen.size, 200),
        )
        evaluations = evaluate.calls
    final_scale = _scale(a, numeric)
    # No estimate at any step (f is not finite or not defined around x_i), or none that
    # settled (no three neighbouring steps agree, from 1e-5 to 1e5 times the first): no
    # verdict either way.
    no_estimate = failed & ~hopeless & (np.isnan(numeric) | unsettled)
    undecided = (~failed & ~kinks & ~certain & ~(noise <= RESOLUTION * final_scale)) | no_estimate
    failed &= ~no_estimate
    shaped = (_shaped(array, x.shape, sample) for array in (a, numeric, tolerance, failed, kinks, undecided, unconfirmed))
    report = GradcheckReport(
        method, rtol, atol, *shaped, shape=x.shape, entries=sample, evaluations=evaluations, value=centre, sigma=review.sigma
    )
    _raise_unless_passed(report)
    return report


def _first_steps(x: np.ndarray, method: str, sigma: float, centre: float, shrink: float, analytic: np.ndarray) -> np.ndarray:
    """numeric_grad's steps, fitted to what the noise measurement saw, so that few entries
    need another look. Where f curves at the scale of the steps (sin at x = 1e3 with
    steps relative to x), smaller by ``shrink``. Where the rounding bound would blur an entry (an f
    that cancels internally, as log(cosh(x)) near 0; a zero entry beside large ones),
    larger: the step at which the bound is a quarter of RESOLUTION of the (claimed) entry
    (a margin: a bound right at RESOLUTION would pass or not by a rounding), at most
    MAX_WIDENING times numeric_grad's. For most functions they stay numeric_grad's."""
    default = steps(x, method)
    if method == "complex":
        return default
    # a forward difference's truncation is first order in h: 10x more margin
    smallest = default * (shrink / 10 if method == "forward" and shrink < 1 else shrink)
    rounding = max(ROUNDOFF_FACTOR * EPS * abs(centre), NOISE_SAFETY * sigma) * (2 if method == "forward" else 1)
    if rounding == 0:  # f is exactly 0 around x: nothing to widen against
        return (x + smallest) - x
    with np.errstate(divide="ignore"):
        needed = 4 * rounding / (RESOLUTION * _scale(analytic, np.zeros(x.shape)))
    wider = np.clip(needed, smallest, MAX_WIDENING * default)
    return (x + wider) - x


def _shaped(array: np.ndarray, shape: tuple[int, ...], sample: np.ndarray | None) -> np.ndarray:
    return array.reshape(shape) if sample is None else array


def _raise_unless_passed(report: GradcheckReport) -> None:
    if report.failed.any():
        raise GradientCheckError(report)
    if report.undecided.any():
        raise CannotJudgeError(report)


def _reexamine(
    evaluate: Evaluator,
    review: _Review,
    chosen: np.ndarray,
    analytic: np.ndarray,
    h: np.ndarray,
    floor: np.ndarray,
    failing: np.ndarray,
    blurred: np.ndarray,
    results: tuple[np.ndarray, ...],
    *,
    budget: int,
) -> np.ndarray:
    """Look again at the failing and the blurred entries, writing into ``results``
    (numeric, tolerance, noise, failed, kinks, certain, unsettled); ``floor`` is what each
    entry's rounding bound is judged against at least (the entry, or SMALL_ENTRY of the
    largest). Returns the mask of failing
    entries left at their first-step verdict: once a failure is confirmed the verdict is
    certain, and after ``budget`` more evaluations the rest are not looked at again."""
    numeric, tolerance, noise, failed, kinks, certain, unsettled = results
    excess = np.nan_to_num(np.abs(analytic - numeric) / np.where(tolerance > 0, tolerance, EPS), nan=np.inf)
    # the failing entries first, likeliest failures first (so that one is confirmed early)
    order = np.lexsort((-excess, ~blurred, ~failing))
    unconfirmed = np.zeros(failing.shape, dtype=bool)
    start, confirmed = evaluate.calls, False
    for k in order[: int(np.count_nonzero(failing | blurred))].tolist():
        if confirmed and evaluate.calls - start > budget:
            unconfirmed[k] = failing[k]
            continue
        verdict = review.settle(Line(evaluate, index=int(chosen[k])), float(analytic[k]), float(h[k]), float(floor[k]), bool(blurred[k]))
        numeric[k], tolerance[k], noise[k] = verdict.numeric, verdict.tolerance, verdict.noise
        failed[k], kinks[k], certain[k], unsettled[k] = not verdict.passed, verdict.kink, verdict.certain, not verdict.settled
        confirmed |= not verdict.passed and verdict.settled and np.isfinite(verdict.numeric)
    return unconfirmed


def vjpcheck(
    f: Callable[[np.ndarray], Any],
    x: Any,
    vjp: Callable[[np.ndarray, np.ndarray], Any],
    *,
    method: str = "central",
    rtol: float | None = None,
    atol: float = 0.0,
    probes: int = PROBES,
    seed: int = 0,
) -> GradcheckReport:
    """Fast check of a vector-Jacobian product: u^T J d along a few random directions d.

    For each probe, ``u`` is a random array of f's output shape and ``d`` moves every
    entry of ``x`` by a standard normal times its size (as the full check's steps do). The analytic
    side is ``sum(vjp(x, u) * d)``; the numeric side is the derivative of ``sum(u * f(x +
    t d))`` at t = 0, by the same differences, tolerances, second look and "cannot judge"
    rule as ``gradcheck`` (each probe is judged like one entry, with the largest term of
    the sum standing in for the largest entry). It costs 2 evaluations of f per probe
    plus 2 at x, instead of 2N. A wrong gradient is caught unless its error happens to be
    nearly orthogonal to every d: one wrong entry among N of similar size changes
    u^T J d by about 1/N of the sum, so a full check (or more probes) is the sharper test
    for single-entry mistakes in very large inputs.

    Parameters
    ----------
    f : callable
        ``f(x) -> array`` (any shape, a number included), deterministic; gets x read-only.
    x : array_like
        The point: real, finite, not empty.
    vjp : callable
        ``vjp(x, u) -> u^T J``, shape of ``x``; for a lossviz function,
        ``lambda x, u: function.grad(x, grad_output=u)``.
    method : {"central", "forward", "complex"}, default "central"
    rtol, atol : float, optional
        As for ``gradcheck``.
    probes : int, default 2
        How many random directions.
    seed : int, default 0
        Seeds u and d.

    Returns
    -------
    GradcheckReport
        One row per probe (``report.probes`` is true).

    Raises
    ------
    GradientCheckError, CannotJudgeError, ValueError, TypeError
        As for ``gradcheck``.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import vjpcheck
    >>> x = np.linspace(-2, 2, 100_000)
    >>> report = vjpcheck(np.tanh, x, lambda x, u: u * (1 - np.tanh(x) ** 2))
    >>> report.passed, report.evaluations
    (True, 6)
    >>> vjpcheck(np.tanh, x, lambda x, u: u * (1 - np.tanh(x)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lossviz.check.GradientCheckError: gradcheck FAILED along 2 of 2 random directions (u^T J v) ...
    """
    check_method(method)
    x = as_input(x)
    rtol, atol = _tolerances(method, rtol, atol)
    if isinstance(probes, bool) or not isinstance(probes, (int, np.integer)) or probes < 1:
        raise ValueError(f"probes must be a positive int, got {probes!r}")
    rng = np.random.default_rng(seed)
    output = _output_at(f, x)
    size = np.maximum(np.abs(x), np.sqrt(np.mean(x * x)) or 1.0)
    h = RELATIVE_STEP[method]
    rows = []
    calls = 2
    for _ in range(int(probes)):
        u = rng.standard_normal(output.shape)
        # normal, not +-1: with equal sizes, +-1 directions miss an antisymmetric error
        # (a transposed matrix) half the time; a normal one almost never
        direction = size * rng.standard_normal(x.shape)
        terms = _analytic(lambda v: vjp(v, u.copy()), x) * direction
        analytic = float(np.sum(terms))
        centre = float(np.sum(u * output))

        def projected(v: np.ndarray, u: np.ndarray = u) -> Any:
            return np.sum(u * f(v))

        with Evaluator(projected, x, complex_step=method == "complex") as evaluate:
            line = Line(evaluate, direction=direction)
            rows.append(_judge_direction(line, analytic, float(np.sum(np.abs(terms))), h, centre, method, rtol, atol))
            calls += evaluate.calls
    numeric, tolerance, noise, failed, kinks, certain, unsettled, scale, analytic = (np.array(column) for column in zip(*rows))
    no_estimate = failed & np.isfinite(analytic) & (np.isnan(numeric) | unsettled)
    undecided = (~failed & ~kinks & ~certain & ~(noise <= RESOLUTION * scale)) | no_estimate
    failed &= ~no_estimate
    report = GradcheckReport(
        method, rtol, atol, analytic, numeric, tolerance, failed, kinks, undecided,
        shape=x.shape, probes=True, evaluations=calls, value=float(np.sum(output)),
    )
    _raise_unless_passed(report)
    return report


def _output_at(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """f(x), twice on a read-only x: finite, and the same both times, or a clear error."""
    view = x.view()
    view.flags.writeable = False
    outputs = []
    for _ in range(2):
        try:
            value = f(view)
        except ValueError as error:
            if "read-only" in str(error):
                raise InputChangedError(WRITES_ITS_INPUT) from error
            raise
        if value is None:
            raise TypeError("f returned None: did you forget to return its value?")
        outputs.append(np.asarray(value, dtype=np.float64))
    first, second = outputs
    if not np.all(np.isfinite(first)):
        raise ValueError("f(x) is not finite: a derivative of a non-finite value cannot be checked")
    if first.shape != second.shape or not np.array_equal(first, second):
        raise ValueError("f is not deterministic: two calls at the same x gave different values; fix its randomness (a seed inside f)")
    return first


def _judge_direction(line: Line, analytic: float, terms: float, h: float, centre: float, method: str, rtol: float, atol: float) -> tuple:
    """(numeric, tolerance, noise, failed, kink, certain, unsettled, scale, analytic) of one probe."""
    review = _Review(centre, rtol, atol)
    first = _first_difference(line, h, centre, method)
    numeric, magnitude = first
    scale = _scale(np.array([analytic]), np.array([numeric]), SMALL_ENTRY * terms)[0]
    noise = float(_roundoff(np.array(magnitude), 0.0, np.array(h), method))
    failed = not abs(analytic - numeric) <= review.tolerance(analytic, numeric, noise)
    if failed and method != "complex":
        review.sigma = measured_noise(line, h, centre)
        noise = float(_roundoff(np.array(magnitude), review.sigma, np.array(h), method))
        failed = not abs(analytic - numeric) <= review.tolerance(analytic, numeric, noise)
    blurred = not failed and not noise <= RESOLUTION * scale
    verdict = Verdict(numeric, review.tolerance(analytic, numeric, noise), noise, not failed)
    if (failed and np.isfinite(analytic)) or blurred:
        verdict = review.settle(line, analytic, h if method != "forward" else RELATIVE_STEP["central"], SMALL_ENTRY * terms, blurred)
        scale = _scale(np.array([analytic]), np.array([verdict.numeric]), SMALL_ENTRY * terms)[0]
    return (verdict.numeric, verdict.tolerance, verdict.noise, not verdict.passed, verdict.kink, verdict.certain, not verdict.settled, scale, analytic)


def _first_difference(line: Line, h: float, centre: float, method: str) -> tuple[float, float]:
    """(the first difference quotient along the line, the largest |f| it used)."""
    try:
        if method == "complex":
            return float(np.imag(line(1j * h))) / h, 0.0
        plus = float(line(h))
        minus = float(line(-h)) if method == "central" else centre
    except InputChangedError:
        raise
    except ValueError:
        return float("nan"), float("inf")
    with np.errstate(invalid="ignore", over="ignore"):
        numeric = (plus - minus) / (2 * h if method == "central" else h)
    return numeric, max(abs(plus), abs(minus), abs(centre))
