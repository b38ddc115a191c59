"""gradcheck never passes what it cannot judge, and costs what it should.

Each case below used to pass: a wrong gradient of a random f, gradients hidden under the
rounding of a large constant or of a tiny x, an f that zeroes x in place, an empty x, an
f that returns NaN. Now each is a failure, a "cannot judge" with its remedy, or a clear
error; and the remedy, applied, gives a sharp verdict. The cost is counted in evaluations
of f (timings are for ``benchmarks/``).
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.functions import counted as count_calls
from benchmarks.functions import three_kinds
from lossviz.check import CannotJudgeError, GradientCheckError, InputChangedError, gradcheck
from lossviz.check._gradcheck import FULL_CHECK_LIMIT, SAMPLE_SIZE, _sample

# --------------------------------------------------------------------------- a random f


@pytest.mark.parametrize("seed", range(30))
def test_a_random_f_is_refused_whatever_the_gradient(seed):
    # f = sum(x^2) + 1e-2 noise: a wrong gradient passed 13 of 30 tries
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(10)

    def noisy(v):
        return np.sum(v**2) + 1e-2 * rng.standard_normal()

    for grad in (lambda v: 2 * v, lambda v: 2.1 * v, np.zeros(10)):
        with pytest.raises(ValueError, match=r"f is not deterministic: f\(x\) gave .* then .* at the same x"):
            gradcheck(noisy, x, grad)


# --------------------------------------------------------------------------- hidden by rounding


def _large_constant(v):
    return 1e6 + 1e-7 * np.sum(v**2) / 2


@pytest.mark.parametrize("seed", range(5))
def test_a_gradient_under_the_rounding_of_a_large_constant_is_never_passed(seed):
    x = np.random.default_rng(seed).standard_normal(10)
    # the true gradient is 1e-7 x; the rounding of 1e6 is ~1e-10, i.e. ~1e-5 per step
    for wrong in (np.zeros(10), 1e-7 * x + 1e-7):
        with pytest.raises(GradientCheckError):
            gradcheck(_large_constant, x, wrong)
    with pytest.raises(CannotJudgeError) as caught:
        gradcheck(_large_constant, x, 1e-7 * x)
    message = str(caught.value)
    assert "CANNOT JUDGE 10 of 10 entries" in message and "f(x) = 1e+06" in message
    assert "compute f without its large constant part" in message and "rescale x or f" in message and "method='complex'" in message
    assert isinstance(caught.value, GradientCheckError)


@pytest.mark.parametrize("seed", range(5))
def test_subtracting_the_constant_afterwards_cannot_restore_the_digits(seed):
    # (1e6 + small) - 1e6 is small, but quantised in steps of 1e6's ulp (1.2e-10): no
    # false alarm, since f's noise is measured where f changes at all
    x = np.random.default_rng(seed).standard_normal(10)
    with pytest.raises(CannotJudgeError):
        gradcheck(lambda v: _large_constant(v) - 1e6, x, 1e-7 * x)


@pytest.mark.parametrize("seed", range(5))
def test_the_remedies_for_a_large_constant_work(seed):
    x = np.random.default_rng(seed).standard_normal(10)
    without = lambda v: 1e-7 * np.sum(v**2) / 2  # noqa: E731  (leave the constant out)
    for method, f in (("central", without), ("complex", _large_constant)):
        assert gradcheck(f, x, 1e-7 * x, method=method).passed
        for wrong in (np.zeros(10), 1e-7 * x + 1e-7, 1.001e-7 * x):
            with pytest.raises(GradientCheckError) as caught:
                gradcheck(f, x, wrong, method=method)
            assert not isinstance(caught.value, CannotJudgeError)


def _plus_one(v):
    return np.sum(v**2) + 1


@pytest.mark.parametrize("seed", range(5))
def test_a_gradient_of_a_tiny_x_beside_a_constant_is_never_passed(seed):
    # x ~ 1e-8: the step (relative to x) is ~6e-14, far below the rounding of the 1
    x = np.random.default_rng(seed).standard_normal(10) * 1e-8
    with pytest.raises(GradientCheckError):
        gradcheck(_plus_one, x, np.zeros(10))
    with pytest.raises(CannotJudgeError, match="CANNOT JUDGE 10 of 10 entries"):
        gradcheck(_plus_one, x, 2 * x)
    # with a step that f's changes can be seen at, or by complex step, it is judged
    for options in ({"h": 1e-4}, {"method": "complex"}):
        assert gradcheck(_plus_one, x, 2 * x, **options).passed
        with pytest.raises(GradientCheckError) as caught:
            gradcheck(_plus_one, x, np.zeros(10), **options)
        assert not isinstance(caught.value, CannotJudgeError)


def test_an_f_constant_at_every_step_passes_only_a_zero_gradient():
    # f does not change at all, from 1e-5 to 1e5 times the first step: as far as float64
    # can tell it is constant (IoU of disjoint boxes is), so 0 is its derivative ...
    constant = lambda v: 5.0 + 0 * np.sum(v)  # noqa: E731
    report = gradcheck(constant, np.ones(3), np.zeros(3))
    assert report.passed and not report.undecided.any()
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(constant, np.ones(3), np.array([0.0, 1e-3, 0.0]))
    assert caught.value.report.failed.tolist() == [False, True, False]
    # ... while sum(x^2) + 1 at x ~ 1e-8 does change, by an ulp or so, at the largest
    # steps: a zero gradient is not passed there
    x = np.random.default_rng(0).standard_normal(10) * 1e-8
    with pytest.raises(GradientCheckError):
        gradcheck(_plus_one, x, np.zeros(10))
    # an f that is exactly 0 has no rounding at all: its zero gradient is exact
    assert gradcheck(lambda v: np.sum(np.maximum(v, 0.0)), -np.ones(3), np.zeros(3)).passed


def test_small_entries_beside_large_ones_are_judged_against_the_largest():
    # softmax of these logits: 1e-9 beside 0.9. Central differences cannot resolve the
    # 1e-9 entry to 0.01% of itself, but to 0.01% of 1e-3 of the largest they can.
    logits = np.array([-12.0, -9.0, -4.0, 0.0, 2.5])
    softmax = np.exp(logits) / np.exp(logits).sum()
    logsumexp = lambda z: np.log(np.sum(np.exp(z)))  # noqa: E731
    assert gradcheck(logsumexp, logits, softmax).passed
    wrong = softmax.copy()
    wrong[3] *= 1.001
    with pytest.raises(GradientCheckError):
        gradcheck(logsumexp, logits, wrong)


# --------------------------------------------------------------------------- f misbehaving


def test_an_f_that_writes_into_x_is_told_so_and_x_is_untouched():
    def zeroing(v):
        total = np.sum(v**2)
        v[:] = 0.0  # the bug: gradient 0 passed, since every later call saw x = 0
        return total

    x = np.array([1.0, -2.0, 3.0])
    for method in ("central", "forward", "complex"):
        with pytest.raises(InputChangedError, match=r"f writes into its input.*v = v.copy\(\)"):
            gradcheck(zeroing, x, np.zeros(3), method=method)
    with pytest.raises(InputChangedError):
        gradcheck(zeroing, x, np.zeros(3), fast=True)
    assert x.tolist() == [1.0, -2.0, 3.0] and issubclass(InputChangedError, ValueError)


@pytest.mark.parametrize("empty", [[], np.zeros((0, 3)), np.zeros(0)])
def test_an_empty_x_is_a_clear_error(empty):
    with pytest.raises(ValueError, match="x is empty"):
        gradcheck(np.sum, empty, np.zeros(np.shape(empty)))


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (float("nan"), ValueError, r"f\(x\) is nan"),
        (float("inf"), ValueError, r"f\(x\) is inf"),
        (-float("inf"), ValueError, r"f\(x\) is -inf"),
        (None, TypeError, "f returned None: did you forget to return its value"),
        ("1.0", TypeError, "f must return a number, got str"),
        (np.array([1.0, 2.0]), ValueError, r"f must return a single number, got shape \(2,\)"),
    ],
)
def test_an_f_that_returns_no_finite_number_is_a_clear_error(value, error, message):
    for method in ("central", "forward"):
        with pytest.raises(error, match=message):
            gradcheck(lambda v: value, np.ones(3), np.zeros(3), method=method)


def test_grad_returning_none_is_a_clear_error():
    with pytest.raises(TypeError, match="grad returned None"):
        gradcheck(np.sum, np.ones(3), lambda v: None)


def test_no_estimate_anywhere_is_no_verdict_and_a_nan_gradient_fails_as_nan():
    # f is NaN left of 0 at every step: entry 0 has no estimate at all
    f = lambda v: np.sum(np.where(v >= 0, v**2, np.nan))  # noqa: E731
    with np.errstate(invalid="ignore"), pytest.raises(CannotJudgeError) as caught:
        gradcheck(f, np.array([0.0, 1.0]), np.array([0.0, 2.0]))
    assert caught.value.report.undecided.tolist() == [True, False]
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: np.sum(v**2), np.array([1.0, 2.0]), np.array([np.nan, 4.0]))
    report = caught.value.report
    assert report.failed.tolist() == [True, False] and np.isnan(report.max_relative_error)
    assert "max relative error nan" in str(report)


# --------------------------------------------------------------------------- cost


COST_CASES = {
    # gradient entries ~1e-6..1e-1 beside f ~ 12: every entry used to get a second look
    # (40,035 evaluations for 2,000 entries, 10x the floor)
    "log-sum-exp of 3 N(0, 1) logits": (lambda rng, n: 3 * rng.standard_normal(n), *three_kinds(1)["log-sum-exp"][1:3]),
    "mean squared error": (lambda rng, n: rng.standard_normal(n), lambda v: np.mean((v - 0.5) ** 2), lambda v: (v - 0.5) / v.size * 2),
    "sum of softplus": (lambda rng, n: rng.standard_normal(n), lambda v: np.sum(np.logaddexp(0.0, v)), lambda v: 1 / (1 + np.exp(-v))),
    # f far noisier than its value: log(cosh(x)) near 0 cancels internally
    "sum of log cosh at 1e-3": (lambda rng, n: 1e-3 * rng.standard_normal(n), lambda v: np.sum(np.log(np.cosh(v))), np.tanh),
}


@pytest.mark.parametrize("name", sorted(COST_CASES))
@pytest.mark.parametrize("n", [200, 2000])
def test_a_full_check_costs_at_most_one_and_a_half_times_2n(name, n):
    point, f, grad = COST_CASES[name]
    counted = count_calls(f)
    report = gradcheck(counted, point(np.random.default_rng(n), n), grad)
    assert report.evaluations == counted.calls <= 1.5 * 2 * n


def test_above_the_limit_a_random_sample_is_checked_and_the_report_says_so():
    n = FULL_CHECK_LIMIT + 1
    x = np.random.default_rng(0).standard_normal(n)
    counted = count_calls(lambda v: np.sum(v**2))
    report = gradcheck(counted, x, 2 * x)
    assert report.entries.shape == (SAMPLE_SIZE,) and len(set(report.entries.tolist())) == SAMPLE_SIZE
    assert f"PASSED at a random sample of {SAMPLE_SIZE} of {n} entries" in str(report)
    assert 2 * SAMPLE_SIZE <= counted.calls <= 1.5 * 2 * SAMPLE_SIZE
    # a wrong entry in the sample is caught and named by its index in x
    wrong = 2 * x
    wrong[report.entries[7]] *= 1.001
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: np.sum(v**2), x, wrong)
    assert caught.value.report.worst()[0][0] == (int(report.entries[7]),)
    # the sample is the seed's; entries= asks for another size
    assert gradcheck(lambda v: np.sum(v**2), x, 2 * x, entries=10, seed=1).entries.shape == (10,)


def test_the_sampling_threshold_and_the_entries_argument():
    rng = np.random.default_rng(0)
    assert _sample(FULL_CHECK_LIMIT, None, rng) is None  # up to the limit: every entry
    assert _sample(FULL_CHECK_LIMIT + 1, None, rng).size == SAMPLE_SIZE
    assert _sample(50, 50, rng) is None and _sample(50, 80, rng) is None
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(ValueError, match="entries must be a positive int"):
            gradcheck(np.sum, np.ones(3), np.ones(3), entries=bad)
