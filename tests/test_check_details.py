"""What the checkers allow and what they print, to the digit: tolerances measured against
the larger of the two values, the rounding bound of each difference, the complex step, and
messages that show where two numbers part."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.activations import tanh
from lossviz.check import GradientCheckError, NotCloseError, assert_close, complex_step, fd_error, gradcheck, torchcheck
from lossviz.check._torch import relative_difference


@pytest.mark.parametrize("fast", [False, True])
def test_rtol_is_relative_to_the_larger_of_the_two_values(fast):
    # f = 1.5 sum(x) has gradient 1.5 everywhere; the "analytic" gradient 1 is off by 0.5
    # per unit (along any direction d: analytic sum(d), numeric 1.5 sum(d)). Against the
    # larger value the allowance is rtol * 1.5: rtol = 0.4 allows 0.6 > 0.5 (passes),
    # rtol = 0.3 allows 0.45 < 0.5 (fails). Against the smaller one, 0.4 would allow only
    # 0.4 and fail.
    x = np.array([0.3, -1.2, 2.0])
    f = lambda v: 1.5 * np.sum(v)  # noqa: E731
    grad = lambda v: np.ones_like(v)  # noqa: E731
    assert gradcheck(f, x, grad, rtol=0.4, fast=fast).passed
    with pytest.raises(GradientCheckError):
        gradcheck(f, x, grad, rtol=0.3, fast=fast)


def test_a_difference_in_the_13th_digit_is_printed_with_two_more():
    # 1.0000000000012 and 1 part at the 13th significant digit (a relative difference of
    # 1.2e-12): the message shows the value to two digits past that, all 14 of them.
    with pytest.raises(NotCloseError) as caught:
        assert_close(1.0000000000012, 1.0, rtol=1e-14, atol=0.0)
    assert "expected 1, got 1.0000000000012: relative error 1.2e-12" in str(caught.value)


def test_the_absolute_allowance_printed_is_atol_plus_rtol_times_expected():
    # atol = 1 dominates rtol |expected| = 0.1: the allowance is 1 + 0.1 = 1.1, and 3 is off by 2
    with pytest.raises(NotCloseError) as caught:
        assert_close(3.0, 1.0, rtol=0.1, atol=1.0)
    assert "off by 2.0e+00, more than atol=1 + rtol=0.1 x |expected| = 1.1e+00 allows" in str(caught.value)


def test_a_forward_difference_is_allowed_twice_the_rounding_of_a_central_one():
    # (f(x+h) - f(x)) / h carries the rounding of f, about eps |f| / h; the central
    # (f(x+h) - f(x-h)) / 2h the same rounding over twice the step. f = sum(x) is linear
    # and h a power of 2, so both differences are exact and with rtol = atol = 0 the
    # allowance is the rounding bound alone: forward's is twice central's.
    x = np.array([1.0, 2.0])
    f = lambda v: np.sum(v)  # noqa: E731
    grad = lambda v: np.ones_like(v)  # noqa: E731
    forward = gradcheck(f, x, grad, method="forward", h=2.0**-10, rtol=0.0, atol=0.0)
    central = gradcheck(f, x, grad, method="central", h=2.0**-10, rtol=0.0, atol=0.0)
    assert forward.passed and central.passed
    assert np.all(central.tolerance > 0)
    np.testing.assert_allclose(forward.tolerance / central.tolerance, 2.0, rtol=0.01)


def test_complex_step_is_the_imaginary_part_over_h():
    # sin(x + ih) = sin x cosh h + i cos x sinh h, and sinh(h) / h = 1 in float64 for h = 1e-20
    x = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_allclose(complex_step(np.sin, x + 1e-20j, 1e-20), np.cos(x), rtol=1e-15)


def test_the_entries_most_wrong_for_their_tolerance_are_confirmed_first():
    # Every entry is off by the same 1e-3, but entry i is allowed rtol * c_i with c_i from
    # 1 to 1000: the small-c entries are the most wrong for what they are allowed. After
    # its budget of re-examinations the check leaves the rest unconfirmed, so those must be
    # the least wrong: every confirmed failure comes before (smaller c than) every
    # unconfirmed one.
    n = 2000
    c = 10.0 ** np.linspace(0, 3, n)
    x = np.linspace(0.5, 1.5, n)
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: float(np.sum(c * v)), x, lambda v: c + 1e-3)
    report = caught.value.report
    confirmed = np.flatnonzero(report.failed & ~report.unconfirmed)
    left = np.flatnonzero(report.unconfirmed)
    assert confirmed.size and left.size
    assert confirmed.max() < left.min()
    assert f"; {left.size} of them differ at the first step, not looked at again" in str(report)


def test_an_f_constant_at_every_step_has_derivative_zero_with_no_allowance():
    # every difference of a constant f is exactly 0 at every step: the estimate is 0, it has
    # no rounding, and with atol = 0 the allowance atol + rtol * 0 + 0 is exactly 0
    report = gradcheck(lambda v: 5.0 + 0 * np.sum(v), np.ones(3), np.zeros(3), atol=0.0)
    assert report.passed
    assert report.numeric.tolist() == [0.0, 0.0, 0.0]
    assert report.tolerance.tolist() == [0.0, 0.0, 0.0]


def test_measuring_the_noise_reuses_f_at_x():
    # The noise window samples f at 7 offsets, one of them 0: f(x) is already known (the
    # centre), so a measurement costs 6 calls, not 7, and the window sees f(x) itself.
    from lossviz.check._numeric import Evaluator
    from lossviz.check._refine import NOISE_OFFSETS, Line, noise_at

    calls = []

    def f(v):
        calls.append(v.copy())
        return float(np.sum(np.sin(v)))

    x = np.array([0.3, 1.1])
    with Evaluator(f, x) as evaluate:
        centre = evaluate()
        calls.clear()
        noise_at(Line(evaluate, index=1), 1e-3, centre)
    assert 0.0 in NOISE_OFFSETS
    assert len(calls) == len(NOISE_OFFSETS) - 1
    assert all(v[1] != x[1] for v in calls)  # f(x) is never evaluated again


def test_the_table_lists_the_failures_most_wrong_for_their_tolerance_first():
    # f = x0 + 2 x1 + 3 x2; the analytic gradient (1.5, 2.6, 300) is off by (0.5, 0.6, 297)
    # against allowances of about rtol = 1e-6 times (1.5, 2.6, 300): 3.3e5, 2.3e5 and 9.9e5
    # times what is allowed, so the rows come in the order 2, 0, 1 (by absolute error it
    # would be 2, 1, 0; by |analytic + numeric| / allowance 1, 0, 2)
    c = np.array([1.0, 2.0, 3.0])
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: float(np.sum(c * v)), np.ones(3), lambda v: np.array([1.5, 2.6, 300.0]))
    rows = caught.value.report.worst()
    assert [row[0] for row in rows] == [(2,), (0,), (1,)]


def test_the_relative_difference_to_torch_is_relative_to_the_larger_value():
    # |1000 - 1001| / max(1000, 1001) = 1 / 1001, not the absolute difference 1
    assert relative_difference([1000.0], [1001.0], atol=0.0) == pytest.approx(1 / 1001, rel=1e-15)


def test_torchcheck_takes_grad_output_as_a_list():
    # torchcheck raises when value or gradient differs; a list is an upstream like an array
    for upstream in ([1.0, -2.0, 0.5], [1, -2, 3]):  # floats or integers, as an array would be
        report = torchcheck(tanh, np.array([-0.5, 0.2, 1.5]), grad_output=upstream)
        assert report.value_error < 1e-15 and report.grad_errors["input"] < 1e-15


def test_the_error_curve_at_a_step_of_one_is_the_truncation_error():
    # central difference of exp at 1 with h = 1: (e^2 - e^0) / 2 = e sinh(1), a relative
    # error of sinh(1) - 1 (a step of 1 is a real step: only h = 0 gives NaN)
    curve = fd_error(np.exp, np.exp, 1.0, steps=[1.0], methods=["central"], dtypes=["float64"])
    assert curve.errors[("central", "float64")][0] == pytest.approx(np.sinh(1.0) - 1.0, rel=1e-12)
