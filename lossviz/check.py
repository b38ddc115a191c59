"""Numeric derivatives and checks that fail loudly.

- ``numeric_grad``: forward, central or complex-step derivative of ``f: array -> float``.
- ``gradcheck``: compares an analytic gradient with ``numeric_grad`` and raises
  ``GradientCheckError`` (an ``AssertionError``) with a table of the worst entries.
- ``torchcheck``: compares a lossviz function's value and ``.grad`` with torch autograd.
- ``check_derivation``: checks that consecutive steps of a derivation are equal.
- ``fd_error``: the error-vs-step-size data of the "V curve".

Why float64: the central difference's error is about ``eps**(2/3)`` (roundoff ``eps/h``
plus truncation ``h**2``, balanced at ``h ~ eps**(1/3)``). In float64 that is ~4e-11; in
float32 it is ~5e-6, too coarse to tell a right gradient from a slightly wrong one.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

EPS = float(np.finfo(np.float64).eps)

METHODS = ("forward", "central", "complex")

# Relative step per method, each the minimiser of (truncation + roundoff) error:
# forward: h*f'' + eps/h -> h ~ sqrt(eps); central: h**2*f''' + eps/h -> h ~ eps**(1/3);
# complex step has no subtraction, hence no roundoff, so any tiny h works.
RELATIVE_STEP = {"forward": EPS**0.5, "central": EPS ** (1 / 3), "complex": 1e-20}

# Default relative tolerances. Each sits orders of magnitude above what the method
# reaches on smooth functions (forward ~1e-8, central ~1e-10, complex ~1e-15), to leave
# room for curvature, and orders below the errors that matter (a factor of 1.001).
RTOL = {"forward": 1e-4, "central": 1e-6, "complex": 1e-10}

# A pass whose rounding bound exceeds this fraction of the entry could not have told a
# 0.1% error (the smallest the mutation tests use) apart; gradcheck looks again.
BLUR = 1e-4

# Rounding in f itself: a value computed by a few thousand float64 operations is
# off by up to ~this many eps times its magnitude (pairwise sums grow like log n).
ROUNDOFF_FACTOR = 64.0


class GradientCheckError(AssertionError):
    """Analytic and numeric gradients disagree; ``.report`` holds the details."""

    def __init__(self, report: "GradcheckReport") -> None:
        super().__init__(str(report))
        self.report = report


class DerivationError(AssertionError):
    """Two consecutive steps of a derivation are not equal."""


# --------------------------------------------------------------------------- numerics


def _as_input(x: Any) -> np.ndarray:
    array = np.asarray(x)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"x must be an array of real numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError("x must be finite: a numeric derivative at NaN or inf means nothing")
    return array


def _scalar(value: Any) -> Any:
    """``value`` (what f returned) as a single number; ValueError if it is not one."""
    if np.size(value) != 1:
        raise ValueError(f"f must return a single number, got shape {np.shape(value)}")
    return np.asarray(value).reshape(())[()]


def _evaluator(f: Callable[[np.ndarray], Any], x: np.ndarray) -> tuple[Any, Callable[[np.ndarray], Any]]:
    """``f(x)`` checked to be a single number, and ``f`` in the form the loops call.

    The loops call ``f`` thousands of times, so its result is validated once, here;
    a one-element array result gets a reshaping wrapper, a scalar result none.
    """
    raw = f(x)
    value = _scalar(raw)
    if np.ndim(raw) == 0:
        return value, f
    return value, lambda v: np.reshape(f(v), ())[()]


def steps(x: np.ndarray, method: str) -> np.ndarray:
    """Per-entry step: the method's relative step times the entry's magnitude.

    The magnitude is never taken below the root-mean-square of ``x`` (or 1 if ``x`` is
    all zeros), so an entry that happens to be near zero does not get a step so small
    that rounding in ``f`` swamps the difference. (If every entry is tiny, so is the
    step: f(x) = 3x - 1 at x = 1e-100 gets a step lost in the rounding of -1; gradcheck's
    second look recovers from that, a bare ``numeric_grad`` cannot know.) Each step is rounded so that
    ``x + h`` is exactly representable, which removes one source of error for free.
    """
    _check_method(method)
    floor = float(np.sqrt(np.mean(x * x))) if x.size else 0.0
    scale = np.maximum(np.abs(x), floor if floor > 0 else 1.0)
    h = RELATIVE_STEP[method] * scale
    if method != "complex":
        h = (x + h) - x
    return h


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _roundoff(magnitude: Any, h: Any) -> Any:
    """The rounding a difference quotient cannot beat: a few eps of |f| divided by h."""
    return ROUNDOFF_FACTOR * EPS * magnitude / h


@dataclass
class _Samples:
    """Everything one pass of differences computed, for ``gradcheck``."""

    numeric: np.ndarray
    h: np.ndarray
    noise: np.ndarray  # the roundoff bound of each numeric entry
    centre: float  # f(x), NaN for the complex step (which never evaluates it)
    evaluate: Callable[[np.ndarray], Any]  # f, returning a scalar


def _step_array(x: np.ndarray, method: str, h: Any) -> np.ndarray:
    if h is None:
        return steps(x, method)
    step = np.broadcast_to(np.asarray(h, dtype=np.float64), x.shape)
    if not np.all(step > 0):
        raise ValueError("h must be positive (a scalar or an array of x's shape)")
    return step


def _differences(f: Callable[[np.ndarray], Any], x: np.ndarray, method: str, h: Any) -> _Samples:
    _check_method(method)
    step = _step_array(x, method, h)
    if method == "complex":
        return _complex_step(f, x, step)
    centre, evaluate = _evaluator(f, x)
    centre = float(centre)
    work = x.copy()
    flat = work.reshape(-1)  # a view: writing flat[i] moves entry i of work
    flat_step = step.ravel()
    plus = np.empty(x.size)
    minus = np.full(x.size, centre)  # forward differences subtract f(x)
    central = method == "central"
    # This loop is the whole cost of a check: per evaluation one store and one call of f.
    for i, (original, h_i) in enumerate(zip(x.ravel().tolist(), flat_step.tolist())):
        flat[i] = original + h_i
        plus[i] = evaluate(work)
        if central:
            flat[i] = original - h_i
            minus[i] = evaluate(work)
        flat[i] = original
    numeric = (plus - minus) / (2 * flat_step if central else flat_step)
    magnitude = np.maximum(np.maximum(np.abs(plus), np.abs(minus)), abs(centre))
    noise = _roundoff(magnitude, flat_step)
    return _Samples(numeric.reshape(x.shape), step, noise.reshape(x.shape), centre, evaluate)


NOT_COMPLEX_SAFE = (
    "f is not complex-safe ({reason}): complex step needs f written with numpy operations "
    "that keep the imaginary part (no abs, .real, float() or casts to float); use method='central'"
)


def _complex_step(f: Callable[[np.ndarray], Any], x: np.ndarray, step: np.ndarray) -> _Samples:
    """Im f(x + i h e_k) / h for every k: no subtraction, so no roundoff to balance."""
    work = x.astype(np.complex128)
    flat = work.reshape(-1)
    out = np.empty(x.size)
    evaluate: Callable[[np.ndarray], Any] = f
    with warnings.catch_warnings():
        # numpy warns (and then drops the imaginary part) when f casts to real.
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        for i, (original, h_i) in enumerate(zip(x.ravel().tolist(), step.ravel().tolist())):
            flat[i] = complex(original, h_i)
            try:
                if i == 0:
                    value, evaluate = _evaluator(f, work)
                else:
                    value = evaluate(work)
            except (np.exceptions.ComplexWarning, TypeError) as error:
                raise TypeError(NOT_COMPLEX_SAFE.format(reason="it casts its input to real")) from error
            if i == 0 and not np.iscomplexobj(value):
                raise TypeError(NOT_COMPLEX_SAFE.format(reason="it returned a real number for a complex input"))
            out[i] = value.imag / h_i
            flat[i] = original
    return _Samples(out.reshape(x.shape), step, np.zeros(x.shape), float("nan"), evaluate)


def numeric_grad(f: Callable[[np.ndarray], Any], x: Any, *, method: str = "central", h: Any = None) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by finite differences, shape of ``x``.

    ``method``: ``"forward"`` (f(x+h)-f(x))/h, error ~ sqrt(eps) ~ 1e-8;
    ``"central"`` (f(x+h)-f(x-h))/(2h), error ~ eps**(2/3) ~ 1e-10;
    ``"complex"`` Im f(x+ih)/h, no subtraction so error ~ eps, for analytic ``f``
    written with complex-safe numpy (no ``abs``, comparisons or ``.real``).

    ``h``: absolute step, a scalar or an array of ``x``'s shape; by default chosen per
    entry by ``steps`` (relative to the entry's magnitude). Costs ``2 * x.size + 1``
    evaluations of ``f`` (central), ``x.size + 1`` (forward) or ``x.size`` (complex).
    """
    return _differences(f, _as_input(x), method, h).numeric


# --------------------------------------------------------------------------- gradcheck


@dataclass
class GradcheckReport:
    """Result of ``gradcheck``: shown as a table in a notebook and in the error."""

    method: str
    rtol: float
    atol: float
    analytic: np.ndarray
    numeric: np.ndarray
    tolerance: np.ndarray
    failed: np.ndarray  # boolean mask of entries out of tolerance
    kinks: np.ndarray  # boolean mask of entries where f has a kink within the step
    rows: int = 5

    @property
    def passed(self) -> bool:
        return not bool(self.failed.any())

    @property
    def relative_error(self) -> np.ndarray:
        """|analytic - numeric| / max(|analytic|, |numeric|), 0 where both are 0."""
        difference = np.abs(self.analytic - self.numeric)
        size = np.maximum(np.abs(self.analytic), np.abs(self.numeric))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(size > 0, difference / np.where(size > 0, size, 1), 0.0)

    @property
    def max_relative_error(self) -> float:
        judged = ~self.kinks | self.failed  # a passing kink has no single derivative to match
        errors = self.relative_error[judged]
        return float(errors.max()) if errors.size else 0.0

    def worst(self) -> list[tuple[tuple[int, ...], float, float, float, str]]:
        """The worst entries: failures first, then by their error relative to tolerance."""
        excess = np.abs(self.analytic - self.numeric) / np.where(self.tolerance > 0, self.tolerance, EPS)
        order = np.lexsort((-excess.ravel(), ~self.failed.ravel()))
        rows = []
        for flat_index in order[: self.rows]:
            index = np.unravel_index(flat_index, self.analytic.shape)
            status = "FAIL" if self.failed.flat[flat_index] else ("kink" if self.kinks.flat[flat_index] else "ok")
            rows.append(
                (
                    tuple(int(i) for i in index),
                    float(self.analytic.flat[flat_index]),
                    float(self.numeric.flat[flat_index]),
                    float(self.relative_error.flat[flat_index]),
                    status,
                )
            )
        return rows

    def _summary(self) -> str:
        verdict = "PASSED" if self.passed else f"FAILED at {int(self.failed.sum())} of {self.failed.size} entries"
        passed_kinks = int((self.kinks & ~self.failed).sum())
        kinks = f", {passed_kinks} at kinks (any subgradient accepted)" if passed_kinks else ""
        return (
            f"gradcheck {verdict} ({self.method} differences, rtol={self.rtol:g}{kinks}); "
            f"max relative error {self.max_relative_error:.2e}"
        )

    def __str__(self) -> str:
        lines = [self._summary(), f"{'index':>14} {'analytic':>14} {'numeric':>14} {'rel. error':>10}  status"]
        for index, analytic, numeric, error, status in self.worst():
            lines.append(f"{str(index):>14} {analytic:>14.6g} {numeric:>14.6g} {error:>10.2e}  {status}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{index}</td><td>{analytic:.6g}</td><td>{numeric:.6g}</td><td>{error:.2e}</td><td>{status}</td></tr>"
            for index, analytic, numeric, error, status in self.worst()
        )
        return (
            f"<p>{self._summary()}</p><table><tr><th>index</th><th>analytic</th><th>numeric</th>"
            f"<th>relative error</th><th>status</th></tr>{rows}</table>"
        )

    __repr__ = __str__


# Second look at an entry that disagrees at the first step, by central differences at
# steps 10**level times the central step: smaller first (the step was too coarse for
# f's curvature, e.g. sin at x = 1e5), then larger (f loses digits internally, so small
# steps drown in its rounding, e.g. log(cosh(x)) near 0). Levels 0, -1, -2 come first
# because together they also tell a kink from a curve.
LEVELS = (0, -1, -2, -3, 1, 2, 3, 4, 5, -4, -5)


@dataclass
class _Estimate:
    """Central difference at one step, with its one-sided slopes and roundoff bound."""

    central: float
    left: float
    right: float
    noise: float

    @property
    def jump(self) -> float:
        return abs(self.right - self.left)


def _estimate(evaluate: Callable[[np.ndarray], Any], work: np.ndarray, i: int, h: float, centre: float) -> _Estimate:
    """Central difference at step ``h`` (or the complex step, if ``work`` is complex).

    A step that leaves f's domain (f raises ValueError, e.g. a cosine pushed past 1 by a
    coarse step) gives no estimate: NaN, which agrees with nothing.
    """
    flat = work.reshape(-1)
    original = flat[i]
    try:
        if np.iscomplexobj(work):
            flat[i] = complex(original.real, h)
            slope = float(np.imag(evaluate(work))) / h
            return _Estimate(slope, slope, slope, 0.0)
        h = (original + h) - original
        flat[i] = original + h
        plus = float(evaluate(work))
        flat[i] = original - h
        minus = float(evaluate(work))
    except ValueError:
        return _Estimate(float("nan"), float("nan"), float("nan"), float("inf"))
    finally:
        flat[i] = original
    noise = _roundoff(max(abs(plus), abs(minus), abs(centre)), h)
    return _Estimate((plus - minus) / (2 * h), (centre - minus) / h, (plus - centre) / h, noise)


# Rounding noise of f measured from 4th divided differences (as in More and Wild's
# ECnoise): they cancel f's Taylor terms up to the cubic, leaving the rounding. Offsets
# are uneven on purpose: on an even grid a staircase of roundings can be exactly linear
# (log_cosh at 1e-5 gives a 4th difference of exactly 0). The bound used is a few sigma,
# since three windows estimate sigma only roughly.
NOISE_SAFETY = 4.0
NOISE_OFFSETS = (-3.1, -1.9, -0.7, 0.0, 0.9, 2.3, 3.3)


def _noise_at(evaluate: Callable[[np.ndarray], Any], work: np.ndarray, i: int, spacing: float, centre: float) -> float:
    """sigma estimated from 4th divided differences of f at x_i + t * spacing."""
    flat = work.reshape(-1)
    original = float(flat[i].real)
    values = []
    try:
        for t in NOISE_OFFSETS:
            flat[i] = original + t * spacing
            values.append(centre if t == 0 else float(evaluate(work)))
    except ValueError:
        return 0.0  # outside f's domain: nothing measured, the rounding bound stands
    finally:
        flat[i] = original
    offsets, samples = np.array(NOISE_OFFSETS), np.array(values)
    sigmas = []
    for start in range(len(offsets) - 4):
        t = offsets[start : start + 5]
        # weights of the 4th divided difference: 1 / prod_{k != j} (t_j - t_k)
        weights = np.array([1 / np.prod([t[j] - t[k] for k in range(5) if k != j]) for j in range(5)])
        sigmas.append(abs(weights @ samples[start : start + 5]) / np.sqrt(weights @ weights))
    return float(np.sqrt(np.mean(np.square(sigmas))))


def _measured_noise(evaluate: Callable[[np.ndarray], Any], work: np.ndarray, i: int, h: float, centre: float) -> float:
    """sigma of f's own rounding along entry ``i``.

    The bound 64 eps |f| / h assumes f is as precise as its value; a function that
    cancels internally (log(cosh(x)) near 0 takes the log of a number near 1) is far
    noisier than its small value suggests. A 4th difference at spacing s holds the
    rounding plus s**4 times the 4th derivative; starting at the first step, the spacing
    shrinks 100-fold while that drops the estimate 10**4-fold or more (curvature, which
    falls 10**8-fold, as for sin at x = 1e5) and stops when it does not (only rounding
    left) or gives exactly 0 (f no longer changes at all: the previous one is the rounding).
    """
    sigma = _noise_at(evaluate, work, i, h, centre)
    for spacing in (h / 100, h / 10_000):
        finer = _noise_at(evaluate, work, i, spacing, centre)
        if finer == 0 or finer > sigma / 10_000:
            break
        sigma = finer
    return sigma


def _second_look(
    evaluate: Callable[[np.ndarray], Any],
    work: np.ndarray,
    i: int,
    analytic: float,
    h: float,
    centre: float,
    rtol: float,
    atol: float,
) -> tuple[float, float, bool, bool]:
    """(numeric, tolerance, passed, kink) for entry ``i`` after refining the step.

    An estimate is trusted only when three neighbouring levels (steps spanning a factor
    of 100) agree within tolerance. Too coarse a step gives errors that shrink 100-fold
    per level, so agreement means the middle one is accurate; rounding can make two
    neighbours agree by accident (a quantised f), three hardly. A wrong analytic value
    cannot hide behind a loose estimate. A kink is a jump between the one-sided slopes
    that stays put as the step shrinks 100-fold (a curve's jump shrinks with the step,
    rounding noise grows); there any value between the slopes (a subgradient) passes.
    After the kink test, f's own rounding noise is measured (``_measured_noise``) and
    counted in every level's tolerance.
    """

    def tolerance(value: float, noise: float) -> float:
        return atol + rtol * max(abs(analytic), abs(value)) + noise

    def settled(level: int) -> tuple[tuple[float, float, bool, bool], float] | None:
        """A verdict from a triple around ``level`` that agrees, and the noise in its tolerance."""
        for middle in (level - 1, level, level + 1):
            triple = [found.get(k) for k in (middle - 1, middle, middle + 1)]
            if None in triple:
                continue
            low, mid, high = triple
            noise = max(low.noise, mid.noise, high.noise)
            # Agreement is judged relative to the estimates themselves, not to the analytic
            # value: at steps far beyond f's wiggles (sin at x = 1e5 with h = 1e4) all
            # estimates are near 0 and would otherwise "agree" below |analytic| * rtol.
            spread = atol + rtol * abs(mid.central) + noise
            if abs(low.central - mid.central) <= spread and abs(high.central - mid.central) <= spread:
                allowed = tolerance(mid.central, noise)
                return (mid.central, allowed, abs(analytic - mid.central) <= allowed, False), noise
            # Estimates closing in on the analytic value 50x per level (at the h**2 rate or
            # faster) as the step shrinks below the first one converge to it, even where
            # f' = 0 and no relative test applies (x**5 at 0: the estimates are h**4, all
            # different, all tending to 0). Not at coarser steps: there any wrong value is
            # "closed in on" by errors that grow like h**2 away from it.
            errors = [abs(estimate.central - analytic) for estimate in triple]
            if middle <= -1 and 50 * errors[0] <= errors[1] and 50 * errors[1] <= errors[2]:
                # the tolerance shown is what was accepted: the finest estimate's distance
                return (low.central, max(tolerance(low.central, noise), errors[0]), True, False), noise
        return None

    def resolved(outcome: tuple[tuple[float, float, bool, bool], float]) -> bool:
        """Rounding noise is within the rtol part of the tolerance: a sharp verdict."""
        (numeric, _, _, _), noise = outcome
        return noise <= rtol * max(abs(analytic), abs(numeric))

    measured = 0.0
    found: dict[int, _Estimate] = {}
    # A triple resolved to rtol decides at once; one that agrees only within f's noise is
    # a candidate, and after all levels the candidate with the tightest tolerance decides
    # (rounding that is correlated between nearby points can make fine steps agree on a
    # biased value; coarser steps, less noisy, then give the tighter verdict).
    candidates: list[tuple[float, float, bool, bool]] = []
    for level in LEVELS:
        step = h * 10.0**level
        found[level] = estimate = _estimate(evaluate, work, i, step, centre)
        estimate.noise = max(estimate.noise, NOISE_SAFETY * measured / step)
        if level == -2:
            jumps = [found[k].jump for k in (0, -1, -2)]
            fine = found[-2]
            limit = 100 * (atol + rtol * max(abs(fine.left), abs(fine.right)) + fine.noise)
            if min(jumps) >= 0.5 * max(jumps) and fine.jump > limit:
                allowed = tolerance(max(abs(fine.left), abs(fine.right)), fine.noise)
                low, high = sorted((fine.left, fine.right))
                return fine.central, allowed, low - allowed <= analytic <= high + allowed, True
            outcome = settled(level)
            if outcome is not None and outcome[0][2] and resolved(outcome):
                return outcome[0]  # a sharp pass; counting more noise could only loosen it
            # Measured only now: across a kink the 4th differences see the kink, not noise.
            if not np.iscomplexobj(work):
                measured = _measured_noise(evaluate, work, i, h, centre)
                for k, earlier in found.items():
                    earlier.noise = max(earlier.noise, NOISE_SAFETY * measured / (h * 10.0**k))
        outcome = settled(level)
        if outcome is not None:
            if resolved(outcome):
                return outcome[0]
            candidates.append(outcome[0])
    if candidates:
        return min(candidates, key=lambda verdict: verdict[1])
    return found[0].central, tolerance(found[0].central, found[0].noise), False, False


def gradcheck(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Callable[[np.ndarray], Any] | Any,
    *,
    method: str = "central",
    rtol: float | None = None,
    atol: float = 0.0,
    h: Any = None,
) -> GradcheckReport:
    """Check an analytic gradient against finite differences; raise if they disagree.

    ``f`` maps an array to a number; ``grad`` is ``x -> gradient`` or the gradient itself
    (shape of ``x``). Entry ``i`` passes when

        |analytic_i - numeric_i| <= atol + rtol * max(|analytic_i|, |numeric_i|) + noise_i

    ``rtol`` defaults to ``RTOL[method]`` (1e-6 central, 1e-4 forward, 1e-10 complex: far
    above what each method reaches on smooth functions, far below a 0.1% error).
    ``noise_i = 64 eps max|f| / h_i`` is the rounding a difference quotient cannot beat,
    so an entry is judged only as precisely as finite differences can judge it; a tiny
    entry beside large ones (softmax's 1e-4 beside 0.9) is judged relative to itself.

    Second look: an entry that fails at the first step is not
    reported at once. Its step may have been too coarse for f's curvature or too fine for
    f's own rounding, so it is re-estimated by central differences (complex steps for
    ``method="complex"``) at steps 10x, 100x... smaller and larger (``LEVELS``); it passes only if two neighbouring steps agree with
    each other and with the analytic value. This costs extra evaluations only for
    failing entries, and never lets a wrong value through: agreement of two steps 10x
    apart means the estimate is accurate.

    Kinks: an entry whose one-sided slopes jump by the same amount at steps 1x, 0.1x and
    0.01x (as at ReLU's 0) is marked a kink and passes if the analytic value lies between
    the two slopes, i.e. is a valid subgradient there.

    Returns a ``GradcheckReport``; raises ``GradientCheckError`` (an ``AssertionError``)
    listing the worst entries when any entry fails.
    """
    x = _as_input(x)
    _check_method(method)
    analytic = np.asarray(grad(x.copy()) if callable(grad) else grad, dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {analytic.shape}")
    rtol = RTOL[method] if rtol is None else rtol
    samples = _differences(f, x, method, h)
    numeric = samples.numeric.copy()
    tolerance = atol + rtol * np.maximum(np.abs(analytic), np.abs(numeric)) + samples.noise
    failed = ~(np.abs(analytic - numeric) <= tolerance)  # NaN fails
    # Passed only because the rounding bound dominates the tolerance (an entry tiny beside
    # a large f, or x so small that its step is tiny): such a pass could not tell a 0.1%
    # error, so it is looked at again, first at a 10x coarser step (less rounding).
    size = np.maximum(np.abs(analytic), np.abs(numeric))
    blurred = ~failed & (samples.noise > BLUR * size) & (analytic != numeric)
    kinks = np.zeros(x.shape, dtype=bool)
    if failed.any() or blurred.any():
        # forward differences get their second look by central ones (more accurate); the
        # complex step by complex steps (central ones would lose its precision).
        central_h = samples.h if method != "forward" else _step_array(x, "central", None)
        work = x.astype(np.complex128) if method == "complex" else x.copy()
        for i in np.flatnonzero(failed | blurred).tolist():
            index = np.unravel_index(i, x.shape)
            a, h_i = float(analytic[index]), float(central_h[index])
            if blurred[index]:
                coarse = _estimate(samples.evaluate, work, i, 10 * h_i, samples.centre)
                allowed = atol + rtol * max(abs(a), abs(coarse.central)) + coarse.noise
                if abs(a - coarse.central) <= allowed and coarse.noise <= BLUR * max(abs(a), abs(coarse.central)):
                    numeric[index], tolerance[index] = coarse.central, allowed
                    continue
            numeric[index], tolerance[index], passed, kinks[index] = _second_look(
                samples.evaluate, work, i, a, h_i, samples.centre, rtol, atol
            )
            failed[index] = not passed
    report = GradcheckReport(method, rtol, atol, analytic, numeric, tolerance, failed, kinks)
    if not report.passed:
        raise GradientCheckError(report)
    return report


# --------------------------------------------------------------------------- torch


@dataclass
class TorchReport:
    """Result of ``torchcheck``: the largest relative differences from torch."""

    name: str
    value_error: float
    grad_errors: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        grads = ", ".join(f"d/d{name} {error:.1e}" for name, error in self.grad_errors.items())
        return f"{self.name} matches torch: value {self.value_error:.1e}, {grads} (max relative difference)"

    __repr__ = __str__


def _relative_difference(ours: np.ndarray, theirs: np.ndarray, atol: float) -> float:
    ours, theirs = np.broadcast_arrays(np.asarray(ours, np.float64), np.asarray(theirs, np.float64))
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    difference = np.where(same, 0.0, np.abs(ours - theirs))
    size = np.maximum(np.maximum(np.abs(ours), np.abs(theirs)), atol)
    with np.errstate(invalid="ignore"):
        error = np.where(same, 0.0, difference / np.where(size > 0, size, 1))
    return float(np.max(error, initial=0.0)) if np.all(np.isfinite(error)) else float("inf")


def resolve_torch(path: str) -> Callable[..., Any]:
    """The torch/torchvision callable at a dotted path such as ``torch.nn.functional.mse_loss``."""
    import importlib

    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def torchcheck(
    function: Any,
    *args: Any,
    torch_function: Callable[..., Any] | None = None,
    grad_output: Any = None,
    rtol: float = 1e-10,
    atol: float = 1e-300,
    seed: int = 0,
    **kwargs: Any,
) -> TorchReport:
    """Compare a lossviz ``Function``'s value and ``.grad`` with torch autograd in float64.

    Float array arguments become float64 tensors (those named in ``function.wrt``
    require grad), integer arrays become int64 tensors, anything else is passed as is.
    ``grad_output`` defaults to a seeded random array of the output's shape, so every
    entry of the vector-Jacobian product is exercised. Raises ``AssertionError`` naming
    the quantity and the difference when values or gradients differ by more than
    ``rtol`` relative (``atol`` is the magnitude below which differences are absolute).
    """
    import torch

    torch_function = torch_function or resolve_torch(function.torch)
    bound = inspect.signature(function.forward).bind(*args, **kwargs)
    tensors: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        if isinstance(value, (np.ndarray, list)) or (isinstance(value, (float, int)) and name in function.wrt):
            array = np.asarray(value)
            if np.issubdtype(array.dtype, np.integer) and name not in function.wrt:
                tensors[name] = torch.as_tensor(array, dtype=torch.int64)
            else:
                tensors[name] = torch.tensor(array, dtype=torch.float64, requires_grad=name in function.wrt)
    ours = np.asarray(function(*args, **kwargs), dtype=np.float64)
    # Call torch the way the caller called lossviz: positional stays positional, keyword
    # stays keyword (torch keeps deprecated arguments such as size_average in its
    # positional slots, so re-binding everything positionally would shift them).
    positional_names = list(bound.arguments)[: len(args)]
    torch_args = [tensors.get(name, value) for name, value in zip(positional_names, args)]
    torch_kwargs = {name: tensors.get(name, value) for name, value in kwargs.items()}
    theirs = torch_function(*torch_args, **torch_kwargs)
    if grad_output is None:
        grad_output = np.random.default_rng(seed).standard_normal(ours.shape)
    grad_output = np.asarray(grad_output, dtype=np.float64)
    report = TorchReport(function.name, _relative_difference(ours, theirs.detach().numpy(), atol))
    if report.value_error > rtol:
        raise AssertionError(f"{function.name}: value differs from torch by {report.value_error:.2e} relative\nours  ={ours}\ntorch={theirs.detach().numpy()}")
    wrt = [name for name in function.wrt if name in tensors]
    torch_grads = torch.autograd.grad(theirs, [tensors[name] for name in wrt], torch.as_tensor(grad_output), allow_unused=True)
    our_grads = function.grad(*args, grad_output=grad_output, **kwargs)
    if len(function.wrt) == 1:
        our_grads = (our_grads,)
    for name, mine, reference in zip(wrt, our_grads, torch_grads):
        reference = np.zeros(np.shape(mine)) if reference is None else reference.numpy()
        if np.shape(mine) != np.shape(reference):
            raise AssertionError(f"{function.name}: d/d{name} has shape {np.shape(mine)}, torch's {np.shape(reference)}")
        report.grad_errors[name] = error = _relative_difference(mine, reference, atol)
        if error > rtol:
            raise AssertionError(f"{function.name}: d/d{name} differs from torch autograd by {error:.2e} relative\nours  ={mine}\ntorch={reference}")
    return report


# --------------------------------------------------------------------------- derivations


@dataclass
class DerivationReport:
    steps: list[str]
    points: int
    max_relative_error: float

    def __str__(self) -> str:
        return f"all {len(self.steps)} steps agree at {self.points} random points (max relative difference {self.max_relative_error:.1e})"

    __repr__ = __str__


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

    ``steps``: callables of the named ``variables`` (numpy-vectorised), optionally as
    ``(label, callable)`` pairs; ``variables``: name -> (low, high) sampling range.
    Raises ``DerivationError`` naming the first step that differs from its predecessor,
    the point where it does, and both values.
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
        tolerance = atol + rtol * np.maximum(np.abs(current), np.abs(previous))
        bad = ~(difference <= tolerance)
        if bad.any():
            k = int(np.argmax(bad))
            point = ", ".join(f"{name}={values[k]:.6g}" for name, values in sample.items())
            raise DerivationError(
                f"step {number} ({label}) differs from step {number - 1} ({labelled[number - 2][0]}) "
                f"at {point}: {current[k]:.10g} vs {previous[k]:.10g}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = difference / np.maximum(np.maximum(np.abs(current), np.abs(previous)), atol)
        worst = max(worst, float(np.max(relative)))
        previous = current
    return DerivationReport([label for label, _ in labelled], points, worst)


# --------------------------------------------------------------------------- V curve


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

    ``f`` is a scalar, numpy-based function (complex-safe for the complex step);
    it is evaluated in each precision by casting ``x0`` and ``h`` to that dtype
    (complex64/complex128 for the complex step). ``derivative`` gives the exact f'(x0).
    """
    h_values = np.logspace(-20, 0, 81) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = float(derivative(x0))
    if exact == 0:
        raise ValueError("choose x0 where the derivative is not zero: the error is relative to it")
    errors: dict[tuple[str, str], np.ndarray] = {}
    for method in methods:
        _check_method(method)
        for dtype in dtypes:
            real = np.dtype(dtype).type
            curve = np.empty(h_values.size)
            with np.errstate(all="ignore"):
                for k, h_value in enumerate(h_values):
                    x, h = real(x0), real(h_value)
                    if h == 0:
                        curve[k] = np.nan
                        continue
                    if method == "forward":
                        estimate = (f(x + h) - f(x)) / h
                    elif method == "central":
                        estimate = (f(x + h) - f(x - h)) / (2 * h)
                    else:
                        complex_type = np.result_type(real, np.complex64).type
                        estimate = np.imag(f(complex_type(complex(x, h)))) / h
                    curve[k] = abs(float(estimate) - exact) / abs(exact)
            errors[(method, dtype)] = curve
    return FDErrorCurve(h_values, errors)


# --------------------------------------------------------------------------- exercises


def assert_close(got: Any, expected: Any, *, what: str = "your answer", rtol: float = 1e-7, atol: float = 1e-12) -> None:
    """Raise an ``AssertionError`` a learner can act on: which entry, expected vs got.

    Used by the graded exercises' tests; shapes must match exactly (no broadcasting), so a
    (3,) answer for a (3, 1) question is reported as a shape error, not silently accepted.
    """
    if got is None:
        raise AssertionError(f"{what} is None: did you forget to return a value?")
    got_array = np.asarray(got, dtype=np.float64)
    expected_array = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected_array.shape:
        raise AssertionError(f"{what} has shape {got_array.shape}, expected {expected_array.shape}")
    bad = ~np.isclose(got_array, expected_array, rtol=rtol, atol=atol)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        raise AssertionError(
            f"{what} is wrong at {int(bad.sum())} of {bad.size} entries; "
            f"first at index {tuple(int(i) for i in index)}: expected {expected_array[index]:.10g}, got {got_array[index]:.10g}"
        )
