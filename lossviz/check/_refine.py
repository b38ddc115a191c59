"""The second look: f along one line through x, at many steps, and its rounding noise.

Everything here works on ``Line``: phi(t) = f(x + t d), where d is one coordinate (an entry
of a full check) or a random direction (a fast check, and the up-front noise estimate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._numeric import EPS, Evaluator, InputChangedError

# The rounding a difference quotient cannot beat before anything is measured: f's value
# rounded, a few eps of |f| (a pairwise sum of n terms adds about log2(n) eps more), over h.
ROUNDOFF_FACTOR = 4.0

# f's rounding noise sigma, once measured, bounds a difference quotient at NOISE_SAFETY
# sigma / h: a few standard deviations, since a handful of 4th differences estimate sigma
# only roughly.
NOISE_SAFETY = 4.0

# Second look at an entry that disagrees at the first step, by central differences at
# steps 10**level times the central step: smaller first (the step was too coarse for
# f's curvature, e.g. sin at x = 1e5), then larger (f loses digits internally, so small
# steps drown in its rounding, e.g. log(cosh(x)) near 0). Levels 0, -1, -2 come first
# because together they also tell a kink from a curve.
LEVELS = (0, -1, -2, -3, 1, 2, 3, 4, 5, -4, -5)


class Line:
    """phi(t) = f(x + t d) on an ``Evaluator``'s buffer; the buffer is restored after each call.

    ``index``: d is that coordinate (flat index); else ``direction`` (an array of x's shape).
    ``t`` may be complex (the complex step moves along i d).
    """

    def __init__(self, evaluate: Evaluator, index: int | None = None, direction: np.ndarray | None = None) -> None:
        self.evaluate = evaluate
        self.index = index
        self.direction = None if direction is None else direction.reshape(-1)
        self.origin = evaluate.flat[index] if index is not None else evaluate.flat.copy()

    def exact(self, h: float) -> float:
        """The step nearest ``h`` for which x_i + h is exact (a coordinate's), else ``h``."""
        if self.index is None or self.evaluate.complex_step:
            return h
        return float((self.origin + h) - self.origin)

    def __call__(self, t: complex) -> Any:
        flat = self.evaluate.flat
        try:
            if self.index is not None:
                flat[self.index] = self.origin + t
            else:
                flat[:] = self.origin + t * self.direction
            return self.evaluate()
        finally:
            if self.index is not None:
                flat[self.index] = self.origin
            else:
                flat[:] = self.origin


def roundoff(magnitude: float, sigma: float, h: float) -> float:
    """The bound on a difference quotient's rounding at step ``h``: the larger of the
    a priori bound (a few eps of |f|) and the measured noise ``sigma`` (a few of it)."""
    return max(ROUNDOFF_FACTOR * EPS * magnitude, NOISE_SAFETY * sigma) / h


@dataclass
class Estimate:
    """Central difference at one step, with its one-sided slopes and roundoff bound."""

    central: float
    left: float
    right: float
    noise: float
    magnitude: float  # the largest |f| it used

    @property
    def jump(self) -> float:
        return abs(self.right - self.left)


def no_estimate() -> Estimate:
    """What a step outside f's domain gives: NaN, which agrees with nothing."""
    nan = float("nan")
    return Estimate(nan, nan, nan, float("inf"), float("inf"))


def estimate(line: Line, h: float, centre: float, sigma: float) -> Estimate:
    """Central difference at step ``h`` (or the complex step, if the line is complex).

    A step that leaves f's domain (f raises ValueError, e.g. a cosine pushed past 1 by a
    coarse step, or returns NaN or inf) gives no estimate: NaN, which agrees with nothing.
    """
    try:
        if line.evaluate.complex_step:
            slope = float(np.imag(line(1j * h))) / h
            return Estimate(slope, slope, slope, 0.0, 0.0)
        h = line.exact(h)
        plus, minus = float(line(h)), float(line(-h))
    except InputChangedError:
        raise
    except ValueError:
        return no_estimate()
    if not (np.isfinite(plus) and np.isfinite(minus)):
        return no_estimate()
    magnitude = max(abs(plus), abs(minus), abs(centre))
    noise = roundoff(magnitude, sigma, h)
    return Estimate((plus - minus) / (2 * h), (centre - minus) / h, (plus - centre) / h, noise, magnitude)


# Rounding noise of f measured from 4th divided differences (as in More and Wild's
# ECnoise): they cancel f's Taylor terms up to the cubic, leaving the rounding. Offsets
# are uneven on purpose: on an even grid a staircase of roundings can be exactly linear
# (log_cosh at 1e-5 gives a 4th difference of exactly 0).
NOISE_OFFSETS = (-3.1, -1.9, -0.7, 0.0, 0.9, 2.3, 3.3)


def _fourth_difference_weights(t: np.ndarray) -> np.ndarray:
    """Weights of the 4th divided difference at 5 points: 1 / prod_{k != j} (t_j - t_k)."""
    return np.array([1 / np.prod([t[j] - t[k] for k in range(5) if k != j]) for j in range(5)])


@dataclass
class Window:
    """What 7 evaluations of phi around t = 0 showed (``noise_at``)."""

    sigma: float  # the noise, from 4th divided differences
    flat: bool = False  # phi was the same at all 7 points: no rounding to see here
    span: float = 0.0  # max - min of phi over them
    size: float = 0.0  # max |phi| over them


def noise_at(line: Line, spacing: float, centre: float) -> Window:
    """sigma estimated from 4th divided differences of phi at t * spacing (7 evaluations)."""
    values = []
    try:
        for t in NOISE_OFFSETS:
            values.append(centre if t == 0 else float(np.real(line(t * spacing))))
    except InputChangedError:
        raise
    except ValueError:
        return Window(0.0)  # outside f's domain: nothing measured, the rounding bound stands
    samples = np.array(values)
    if not np.all(np.isfinite(samples)):
        return Window(0.0)
    if np.all(samples == samples[3]):
        return Window(0.0, flat=True)
    offsets = np.array(NOISE_OFFSETS)
    sigmas = []
    for start in range(len(offsets) - 4):
        weights = _fourth_difference_weights(offsets[start : start + 5])
        sigmas.append(abs(weights @ samples[start : start + 5]) / np.sqrt(weights @ weights))
    return Window(float(np.sqrt(np.mean(np.square(sigmas)))), False, float(np.ptp(samples)), float(np.max(np.abs(samples))))


def measured_noise(line: Line, h: float, centre: float) -> float:
    """sigma of f's own rounding along the line (7 to 21 evaluations).

    The bound a few eps |f| / h assumes f is as precise as its value; a function that
    cancels internally (log(cosh(x)) near 0 takes the log of a number near 1) is far
    noisier than its small value suggests. A 4th difference at spacing s holds the
    rounding plus s**4 times the 4th derivative, so it is also taken 100 and 10**4 times
    finer, and a finer one replaces the estimate if it is 100-fold smaller or more
    (curvature, which falls up to 10**8-fold per 100-fold until it meets the rounding,
    as for sin at x = 1e5, where it meets it 500-fold lower; or only at the finest
    spacing, for an f that wiggles across the coarser windows), unless it sits on one
    step of f's rounding staircase (``_on_one_stair``); rounding alone stays put. A
    spacing where f does not change at all ends the descent. An f that
    does not change at all at the first step is quantised more coarsely than that
    (1e6 + 1e-7 x**2 keeps the ulp of 1e6 however small the result): the spacing then
    grows 100-fold until f changes, and the rounding seen there is the noise.
    """
    return noise_and_curvature(line, h, centre)[0]


def _on_one_stair(window: Window, coarser: Window) -> bool:
    """Whether a finer window that saw no more than f's final rounding sits on one step of
    f's rounding staircase rather than below a coarser window's curvature: the coarser one
    looked like noise on a trend (its span many times its sigma; saturated curvature, f
    wiggling across the window, spans only a few sigma) and the finer one spans too little
    to have shown noise of that size. log(1 + x**2) at x = 1e-5 is frozen below steps of
    1e-12, and a product with it looks smooth there: that is no evidence of curvature."""
    at_floor = window.sigma <= ROUNDOFF_FACTOR * EPS * window.size
    return at_floor and window.span < 100 * coarser.sigma and coarser.span >= 30 * coarser.sigma


def noise_and_curvature(line: Line, h: float, centre: float) -> tuple[float, float]:
    """(``measured_noise``, the factor by which to shrink the step h so that f's curvature
    no longer shows in its 4th differences: 1 unless they fell more than 100-fold when the
    spacing did, which rounding alone would not do; then the spacing at which curvature
    (falling as the 4th power) would equal the rounding: there, the central difference's
    truncation is ~eps**(1/2), far below any tolerance, and its rounding still small)."""
    window = noise_at(line, h, centre)
    if window.flat:
        for spacing in (100 * h, 10_000 * h):
            window = noise_at(line, spacing, centre)
            if not window.flat:
                break
        return window.sigma, 1.0
    first = sigma = window.sigma
    for spacing in (h / 100, h / 10_000):
        finer = noise_at(line, spacing, centre)
        if finer.flat or finer.sigma == 0:
            break
        if finer.sigma <= sigma / 100 and not _on_one_stair(finer, window):
            sigma, window = finer.sigma, finer
    return sigma, (sigma / first) ** 0.25 if first > 100 * sigma else 1.0


def _jump_stays(found: dict[int, Estimate], line: Line, h: float, centre: float, sigma: float, jump: float) -> bool:
    """Whether the one-sided slopes still jump by about ``jump`` at 10**-4 times the step."""
    found[-4] = finer = estimate(line, h * 1e-4, centre, sigma)
    return finer.jump >= 0.5 * jump


@dataclass
class Verdict:
    """What the second look concluded about one entry (or one direction)."""

    numeric: float
    tolerance: float
    noise: float  # the rounding bound inside ``tolerance``
    passed: bool
    kink: bool = False
    # a verdict that does not rest on the rounding bound: the estimates close in on the
    # analytic value, or f is exactly constant along the line and the gradient claimed is 0
    certain: bool = False
    settled: bool = True  # False: no three neighbouring steps agreed, nor did they converge


def second_look(line: Line, analytic: float, h: float, centre: float, rtol: float, atol: float, sigma: float) -> Verdict:
    """The verdict on one entry after refining the step, level by level (``LEVELS``).

    An estimate is trusted only when three neighbouring levels (steps spanning a factor
    of 100) agree with each other within tolerance. Too coarse a step gives errors that
    shrink 100-fold per level, so agreement means the middle one is accurate; rounding
    can make two neighbours agree by accident (a quantised f), three hardly. The entry
    passes if the analytic value agrees with that trusted estimate: a wrong analytic value
    cannot hide behind a loose estimate. Failing that, estimates that close in on the
    analytic value 50x per level as the step shrinks converge to it and also pass.
    A kink is a jump between the one-sided slopes that stays put as the step shrinks
    100-fold, and still at 10**4-fold (a curve's jump shrinks with the step, rounding noise
    grows; a curve that wiggles on a scale far below the first step keeps a jump over the
    first 100-fold, but not beyond); there any value between the slopes (a subgradient) passes. An f that does not change at all at any
    level is constant as far as float64 can tell: a claimed 0 passes there. After the kink test, f's own rounding noise
    along this line is measured (``measured_noise``) and counted in every level's tolerance.
    ``sigma`` is what is known of f's noise before (0 if nothing was measured).
    """

    def tolerance(value: float, noise: float) -> float:
        return atol + rtol * max(abs(analytic), abs(value)) + noise

    def settled(level: int) -> Verdict | None:
        """A verdict from a triple around ``level`` that agrees."""
        for middle in (level - 1, level, level + 1):
            triple = [found.get(k) for k in (middle - 1, middle, middle + 1)]
            if None in triple:
                continue
            low, mid, high = triple
            noise = max(low.noise, mid.noise, high.noise)
            # Estimates closing in on the analytic value 50x per level (at the h**2 rate or
            # faster) as the step shrinks below the first one converge to it, even where
            # f' = 0 and no relative test applies (x**5 at 0: the estimates are h**4, all
            # different, all tending to 0), and whatever the noise bound says (it can be
            # inflated by curvature). Not at coarser steps: there any wrong value is
            # "closed in on" by errors that grow like h**2 away from it.
            errors = [abs(estimate.central - analytic) for estimate in triple]
            if middle <= -1 and 50 * errors[0] <= errors[1] and 50 * errors[1] <= errors[2]:
                # the tolerance shown is what was accepted: the finest estimate's distance
                allowed = max(tolerance(low.central, noise), errors[0])
                return Verdict(low.central, allowed, noise, True, certain=True)
            # Agreement is judged relative to the estimates themselves, not to the analytic
            # value: at steps far beyond f's wiggles (sin at x = 1e5 with h = 1e4) all
            # estimates are near 0 and would otherwise "agree" below |analytic| * rtol.
            spread = atol + rtol * abs(mid.central) + noise
            if abs(low.central - mid.central) <= spread and abs(high.central - mid.central) <= spread:
                allowed = tolerance(mid.central, noise)
                return Verdict(mid.central, allowed, noise, abs(analytic - mid.central) <= allowed)
        return None

    def resolved(verdict: Verdict) -> bool:
        """Rounding noise is within the rtol part of the tolerance: a sharp verdict."""
        return verdict.noise <= rtol * max(abs(analytic), abs(verdict.numeric))

    found: dict[int, Estimate] = {}
    # A triple resolved to rtol decides at once; one that agrees only within f's noise is
    # a candidate, and after all levels the candidate with the tightest tolerance decides
    # (rounding that is correlated between nearby points can make fine steps agree on a
    # biased value; coarser steps, less noisy, then give the tighter verdict).
    candidates: list[Verdict] = []
    for level in LEVELS:
        step = h * 10.0**level
        if level not in found:  # -4 may have been taken already, to confirm a kink
            found[level] = estimate(line, step, centre, sigma)
        if level == -2:
            jumps = [found[k].jump for k in (0, -1, -2)]
            fine = found[-2]
            limit = 100 * (atol + rtol * max(abs(fine.left), abs(fine.right)) + fine.noise)
            if min(jumps) >= 0.5 * max(jumps) and fine.jump > limit and _jump_stays(found, line, h, centre, sigma, max(jumps)):
                allowed = tolerance(max(abs(fine.left), abs(fine.right)), fine.noise)
                low, high = sorted((fine.left, fine.right))
                return Verdict(fine.central, allowed, fine.noise, low - allowed <= analytic <= high + allowed, kink=True)
            verdict = settled(level)
            if verdict is not None and verdict.passed and resolved(verdict):
                return verdict  # a sharp pass; counting more noise could only loosen it
            # Measured only now: across a kink the 4th differences see the kink, not noise.
            if not line.evaluate.complex_step:
                sigma = max(sigma, measured_noise(line, h, centre))
                for k, earlier in found.items():
                    earlier.noise = max(earlier.noise, roundoff(earlier.magnitude, sigma, h * 10.0**k))
        verdict = settled(level)
        if verdict is not None:
            if resolved(verdict):
                return verdict
            candidates.append(verdict)
    if analytic == 0 and all(e.central == 0 and e.left == 0 and e.right == 0 for e in found.values()):
        # f did not change at all, at any step up to 10**5 times the first: as far as
        # float64 can tell f is constant along this line, and 0 is its derivative
        return Verdict(0.0, tolerance(0.0, 0.0), 0.0, True, certain=True)
    if candidates:
        return min(candidates, key=lambda verdict: verdict.tolerance)
    first = found[0]
    return Verdict(first.central, tolerance(first.central, first.noise), first.noise, False, settled=False)
