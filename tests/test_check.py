"""lossviz.check: numeric derivatives, gradcheck and its report, torchcheck,
check_derivation, fd_error, assert_close and argument errors.

Expected derivatives are written out by hand here, never taken from lossviz. What
gradcheck refuses to vouch for, its cost and its fast mode have their own test modules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossviz._function import Function
from lossviz.check import (
    RTOL,
    DerivationError,
    GradientCheckError,
    NotCloseError,
    TorchMismatchError,
    assert_close,
    check_derivation,
    fd_error,
    gradcheck,
    numeric_grad,
    steps,
    torchcheck,
)

METHODS = ("forward", "central", "complex")

# name -> (f of one entry, f' by hand, sampling range); all complex-safe.
SCALAR_FUNCTIONS = {
    "cubic polynomial": (lambda x: 2 * x**3 - x**2 + 3 * x - 1, lambda x: 6 * x**2 - 2 * x + 3, (-3.0, 3.0)),
    "exp": (np.exp, np.exp, (-3.0, 3.0)),
    "sin": (np.sin, np.cos, (-3.0, 3.0)),
    "log": (np.log, lambda x: 1 / x, (0.1, 10.0)),
    "exp(sin(x))": (lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)), (-3.0, 3.0)),
    # log1p: log(1 + x**2) rounds 1 + x**2 and keeps ~1e-6 of itself at x = 1e-5, which
    # gradcheck rightly cannot judge to 1e-4 (that case has its own tests)
    "log(1 + x^2) * sin(x)": (
        lambda x: np.log1p(x**2) * np.sin(x),
        lambda x: 2 * x / (1 + x**2) * np.sin(x) + np.log(1 + x**2) * np.cos(x),
        (-3.0, 3.0),
    ),
    "x^5 / exp(x)": (lambda x: x**5 * np.exp(-x), lambda x: (5 * x**4 - x**5) * np.exp(-x), (-2.0, 4.0)),
}


def _vectors(low: float, high: float):
    # Entries are 0 or at least 1e-6 in size: when all are tiny so is the step, which then
    # drowns in the rounding of f's constant term (see ``steps``).
    element = st.floats(low, high).filter(lambda v: v == 0 or abs(v) >= 1e-6)
    return hnp.arrays(np.float64, st.integers(1, 6), elements=element)


@st.composite
def function_and_point(draw):
    name = draw(st.sampled_from(sorted(SCALAR_FUNCTIONS)))
    g, dg, (low, high) = SCALAR_FUNCTIONS[name]
    return name, g, dg, draw(_vectors(low, high))


@settings(max_examples=60)
@given(case=function_and_point(), method=st.sampled_from(METHODS))
def test_numeric_grad_matches_hand_derivative(case, method):
    _, g, dg, x = case
    numeric = numeric_grad(lambda v: np.sum(g(v)), x, method=method)
    exact = dg(x)
    assert numeric.shape == x.shape
    # Each method within its stated tolerance, relative to the derivative (floor 1: the
    # entries are O(1), and a zero of f' has no relative error to speak of).
    np.testing.assert_allclose(numeric, exact, rtol=RTOL[method], atol=RTOL[method])


@settings(max_examples=40)
@given(case=function_and_point(), method=st.sampled_from(METHODS), factor=st.sampled_from([1.001, 0.999, -1.0]))
def test_gradcheck_passes_right_and_catches_scaled(case, method, factor):
    _, g, dg, x = case
    f = lambda v: np.sum(g(v))  # noqa: E731
    report = gradcheck(f, x, dg, method=method)
    assert report.passed and np.all(np.abs(report.analytic - report.numeric) <= report.tolerance)
    # Where rounding does not dominate the tolerance (a tiny entry beside a large f is
    # judged only as precisely as differences can judge it), the method's rtol holds.
    size = np.maximum(np.abs(report.analytic), np.abs(report.numeric))
    clear = report.tolerance <= 2 * RTOL[method] * size
    assert np.all(report.relative_error[clear] <= 2 * RTOL[method])
    wrong = dg(x) * factor
    k = int(np.argmax(np.abs(dg(x))))
    if abs(wrong[k] - dg(x)[k]) <= 1e-4 * abs(dg(x)[k]):  # f' ~ 0 everywhere: nothing to catch
        return
    with pytest.raises(GradientCheckError):
        gradcheck(f, x, wrong, method=method)


def test_complex_step_reaches_machine_precision():
    x = np.linspace(-2, 2, 7)
    numeric = numeric_grad(lambda v: np.sum(np.exp(np.sin(v))), x, method="complex")
    exact = np.cos(x) * np.exp(np.sin(x))
    assert np.max(np.abs(numeric - exact) / np.abs(exact)) < 1e-14


def test_numeric_grad_keeps_shape_and_counts_evaluations():
    calls = []

    def f(v):
        calls.append(1)
        return np.sum(v**2)

    x = np.arange(6.0).reshape(2, 3) + 1
    # f(x) twice (it must agree with itself), then one or two evaluations per entry
    for method, cost in (("central", 2 * 6 + 2), ("forward", 6 + 2), ("complex", 6)):
        calls.clear()
        result = numeric_grad(f, x, method=method)
        assert result.shape == (2, 3) and len(calls) == cost
        np.testing.assert_allclose(result, 2 * x, rtol=RTOL[method])


def test_steps_are_exact_and_scale_with_entries():
    x = np.array([1e-8, 1.0, 2.0, -3.0])
    h = steps(x, "central")
    assert np.all((x + h) - x == h)
    assert h[3] / h[2] == pytest.approx(1.5, rel=1e-6)  # relative to the entry ...
    floor = np.sqrt(np.mean(x**2))
    assert h[0] == pytest.approx(h[3] * floor / 3, rel=1e-6)  # ... never below the rms
    assert h[0] == pytest.approx(h[1], rel=1e-9)
    assert h[2] == pytest.approx(2 * np.finfo(float).eps ** (1 / 3), rel=1e-6)


# --------------------------------------------------------------------------- report


def _wrong_one_entry():
    x = np.linspace(-1, 2, 8)
    grad = 3 * x**2
    grad[5] *= 1.01
    return x, grad


def test_report_table_names_the_wrong_entry_first():
    x, grad = _wrong_one_entry()
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: np.sum(v**3), x, grad)
    report = caught.value.report
    assert isinstance(caught.value, AssertionError)
    assert not report.passed and report.failed.sum() == 1 and report.failed[5]
    index, analytic, numeric, error, status = report.worst()[0]
    assert index == (5,) and status == "FAIL"
    assert analytic == pytest.approx(1.01 * 3 * x[5] ** 2)
    assert numeric == pytest.approx(3 * x[5] ** 2, rel=1e-9)
    assert error == pytest.approx(0.01 / 1.01, rel=1e-6)
    text = str(caught.value)
    assert "FAILED at 1 of 8 entries" in text and "central" in text
    assert text.splitlines()[1].split() == ["index", "analytic", "numeric", "rel.", "error", "status"]
    assert text.splitlines()[2].split()[0] == "(5,)" and text.splitlines()[2].endswith("FAIL")
    assert len(text.splitlines()) == 2 + report.rows
    html = report._repr_html_()
    assert "<table>" in html and "<td>(5,)</td>" in html and "FAIL" in html


def test_report_of_a_pass():
    x = np.linspace(0.5, 2, 5)
    report = gradcheck(lambda v: np.sum(np.log(v)), x, lambda v: 1 / v)
    assert report.passed and "PASSED" in str(report)
    assert 0 <= report.max_relative_error < 1e-8
    assert [row[-1] for row in report.worst()] == ["ok"] * 5


def test_entries_of_very_different_magnitude_no_false_alarm():
    # softmax of these logits has entries from ~1e-9 to ~0.9.
    logits = np.array([-12.0, -9.0, -4.0, 0.0, 2.5])
    target = np.array([0.1, 0.2, 0.3, 0.2, 0.2])

    def cross_entropy(z):
        return -np.sum(target * (z - np.log(np.sum(np.exp(z)))))

    def softmax_minus_target(z):
        return np.exp(z) / np.sum(np.exp(z)) - target

    exact = np.exp(logits) / np.exp(logits).sum()
    assert exact.min() < 1e-6 and exact.max() > 0.9
    for method in METHODS:
        gradcheck(cross_entropy, logits, softmax_minus_target, method=method)
    # ...and the tiny entry is still judged: 1e-3 relative wrong there is caught.
    logsumexp = lambda z: np.log(np.sum(np.exp(z)))  # noqa: E731
    wrong = exact.copy()
    wrong[0] *= 1.001
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(logsumexp, logits, wrong, method="complex")
    assert caught.value.report.worst()[0][0] == (0,)


@pytest.mark.parametrize("subgradient", [0.0, 1.0, 0.3])
def test_relu_at_its_kink_accepts_any_subgradient(subgradient):
    x = np.array([0.0, 1.5, -2.0])
    report = gradcheck(lambda v: np.sum(np.maximum(v, 0)), x, np.array([subgradient, 1.0, 0.0]))
    assert report.kinks.tolist() == [True, False, False]
    assert report.worst()[0][0] == (0,) and report.worst()[0][-1] == "kink"
    assert "1 at kinks" in str(report)


@pytest.mark.parametrize("wrong", [2.0, -0.5])
def test_relu_at_its_kink_rejects_a_non_subgradient(wrong):
    x = np.array([0.0, 1.5, -2.0])
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: np.sum(np.maximum(v, 0)), x, np.array([wrong, 1.0, 0.0]))
    assert caught.value.report.worst()[0][:2] == ((0,), wrong)
    assert caught.value.report.max_relative_error > 0.4


def test_abs_kink_in_a_matrix():
    x = np.array([[0.0, -1.0], [2.0, 0.0]])
    # sign(0) = 0 equals the central difference there, so it passes without a second look
    gradcheck(lambda v: np.sum(np.abs(v)), x, np.sign)
    report = gradcheck(lambda v: np.sum(np.abs(v)), x, lambda v: np.sign(v) + (v == 0))
    assert report.kinks.tolist() == [[True, False], [False, True]]
    with pytest.raises(GradientCheckError):
        gradcheck(lambda v: np.sum(np.abs(v)), x, lambda v: np.sign(v) + 1.5 * (v == 0))


def test_zero_derivative_with_no_scale_passes():
    # f = x^5 at 0: every estimate is h^4, nonzero, and f(0) = 0 gives no rounding scale.
    for method in METHODS:
        gradcheck(lambda v: np.sum(v**5), np.zeros(1), np.zeros(1), method=method)
    with pytest.raises(GradientCheckError):
        gradcheck(lambda v: np.sum(v**5), np.zeros(1), np.full(1, 1e-3))


def test_curvy_function_is_not_mistaken_for_a_kink():
    # sin at 1e3 with a step scaled to |x|: one-sided slopes differ by ~h f'', yet a 0.1%
    # error must still be caught.
    x = np.array([1000.0, 1234.5, 999.0])
    gradcheck(lambda v: np.sum(np.sin(v)), x, np.cos)
    with pytest.raises(GradientCheckError) as caught:
        gradcheck(lambda v: np.sum(np.sin(v)), x, lambda v: 1.001 * np.cos(v))
    assert not caught.value.report.kinks.any()


@pytest.mark.parametrize("seed", range(5))
def test_function_noisier_than_its_value_no_false_alarm(seed):
    # log(cosh(x)) at x ~ 1e-3 is ~5e-7 but carries the ~1e-16 rounding of cosh(x) ~ 1:
    # the first step's differences are off by ~1e-5; the measured noise must be counted.
    x = np.random.default_rng(seed).standard_normal(30) * 1e-3
    f = lambda v: np.sum(np.log(np.cosh(v)))  # noqa: E731
    gradcheck(f, x, np.tanh)
    with pytest.raises(GradientCheckError):
        gradcheck(f, x, lambda v: 1.001 * np.tanh(v))


@pytest.mark.parametrize("target_scale", [0.0, 1.0])
def test_lossviz_log_cosh_at_small_residuals(target_scale):
    log_cosh = __import__("lossviz").losses.REGISTRY["log_cosh"]
    rng = np.random.default_rng(3)
    for _ in range(5):
        residual = rng.standard_normal(30) * 1e-3
        target = rng.standard_normal(30) * target_scale
        f = lambda v: log_cosh(v, target, reduction="sum")  # noqa: E731
        grad = lambda v: log_cosh.grad(v, target, reduction="sum")  # noqa: E731
        gradcheck(f, target + residual, grad)
        with pytest.raises(GradientCheckError):
            gradcheck(f, target + residual, lambda v: grad(v) * 1.001)


@pytest.mark.parametrize("method", METHODS)
def test_tiny_inputs_beside_a_large_constant_still_judged(method):
    # Found by hypothesis: f = 2x^3 - x^2 + 3x - 1 at x = 6.1e-5. The step scales with x,
    # so the rounding of the constant -1 swamped it and a 0.1% error passed as noise.
    f = lambda v: np.sum(2 * v**3 - v**2 + 3 * v - 1)  # noqa: E731
    grad = lambda v: 6 * v**2 - 2 * v + 3  # noqa: E731
    x = np.array([6.10351562e-05])
    gradcheck(f, x, grad, method=method)
    with pytest.raises(GradientCheckError):
        gradcheck(f, x, lambda v: 1.001 * grad(v), method=method)


# --------------------------------------------------------------------------- torchcheck


def _softplus_pair(value_factor=1.0, grad_factor=1.0):
    def softplus(input, beta=1.0, threshold=20.0):
        return value_factor * np.logaddexp(0.0, beta * np.asarray(input, dtype=np.float64)) / beta

    function = Function(softplus, formula=r"\log(1 + e^{\beta x}) / \beta", torch="torch.nn.functional.softplus")

    @function.gradient
    def softplus_grad(input, beta=1.0, threshold=20.0, *, grad_output=None):
        input = np.asarray(input, dtype=np.float64)
        grad_output = np.ones_like(input) if grad_output is None else grad_output
        return grad_factor * grad_output / (1 + np.exp(-beta * input))

    return function


INPUT = np.array([[-3.0, -0.5, 0.0], [0.7, 2.0, 9.0]])


def test_torchcheck_passes_a_correct_pair(matches_torch):
    report = matches_torch(_softplus_pair(), INPUT, beta=2.0)
    assert report.value_error < 1e-12 and report.grad_errors["input"] < 1e-12
    assert "softplus matches torch" in str(report)


def test_torchcheck_fails_a_wrong_value():
    with pytest.raises(AssertionError, match="value differs from torch"):
        torchcheck(_softplus_pair(value_factor=1.0001), INPUT)


def test_torchcheck_fails_a_wrong_gradient():
    with pytest.raises(TorchMismatchError, match="d/dinput differs from torch autograd"):
        torchcheck(_softplus_pair(grad_factor=1.0001), INPUT)


def _doubling(target_grad=0.0):
    """2 * input, with a ``target`` that it (and its torch twin) ignores: torch's autograd
    returns no gradient at all for target, which means 0."""

    def doubling(input, target):
        return 2.0 * np.asarray(input, dtype=np.float64)

    function = Function(doubling, formula="2x", torch=None, wrt=("input", "target"))

    @function.gradient
    def doubling_grad(input, target, *, grad_output=None):
        grad_output = np.ones(np.shape(input)) if grad_output is None else np.asarray(grad_output)
        return 2.0 * grad_output, np.full(np.shape(target), target_grad)

    return function


def _torch_doubling(input, target):
    return 2.0 * input


def test_torchcheck_takes_no_gradient_from_torch_as_zero():
    report = torchcheck(_doubling(), INPUT, np.ones_like(INPUT), torch_function=_torch_doubling)
    assert report.grad_errors == {"input": 0.0, "target": 0.0}
    with pytest.raises(TorchMismatchError, match="d/dtarget differs from torch autograd"):
        torchcheck(_doubling(target_grad=1e-3), INPUT, np.ones_like(INPUT), torch_function=_torch_doubling)


def test_torchcheck_with_rtol_zero_accepts_an_exact_match():
    # 2 x and 2 g are exact in floating point, in numpy and in torch alike
    report = torchcheck(_doubling(), INPUT, np.ones_like(INPUT), torch_function=_torch_doubling, rtol=0.0)
    assert report.value_error == 0.0 and report.grad_errors["input"] == 0.0
    with pytest.raises(TorchMismatchError, match="value differs from torch"):
        torchcheck(_doubling(), INPUT, np.ones_like(INPUT), torch_function=lambda input, target: 2.0 * input * (1 + 1e-15), rtol=0.0)


# --------------------------------------------------------------------------- derivations

SIGMOID_DERIVATIVE = [
    ("d/dx (1 + e^-x)^-1", lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    ("split the fraction", lambda x: 1 / (1 + np.exp(-x)) * np.exp(-x) / (1 + np.exp(-x))),
    ("e^-x = (1 + e^-x) - 1", lambda x: 1 / (1 + np.exp(-x)) * (1 - 1 / (1 + np.exp(-x)))),
    ("sigma (1 - sigma)", lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x)))),
]


def test_check_derivation_passes_a_right_chain():
    report = check_derivation(SIGMOID_DERIVATIVE, variables={"x": (-5, 5)})
    assert report.points == 50 and report.max_relative_error < 1e-12
    assert "all 4 steps agree" in str(report)


def test_check_derivation_names_the_first_wrong_step():
    wrong = list(SIGMOID_DERIVATIVE)
    wrong[2] = ("e^-x = (1 + e^-x) + 1", lambda x: 1 / (1 + np.exp(-x)) * (1 + 1 / (1 + np.exp(-x))))
    with pytest.raises(DerivationError, match=r"^step 3 \(e\^-x = \(1 \+ e\^-x\) \+ 1\) differs from step 2"):
        check_derivation(wrong, variables={"x": (-5, 5)})


def test_check_derivation_unlabelled_steps_and_two_variables():
    steps_ = [lambda a, b: (a + b) ** 2, lambda a, b: a**2 + 2 * a * b + b**2, lambda a, b: a**2 + a * b + b**2]
    with pytest.raises(DerivationError, match=r"step 3 \(step 3\) differs from step 2 \(step 2\) at a=.*, b="):
        check_derivation(steps_, variables={"a": (-2, 2), "b": (-2, 2)})
    with pytest.raises(ValueError, match="at least two"):
        check_derivation(steps_[:1], variables={"a": (0, 1), "b": (0, 1)})


def test_check_derivation_reports_the_relative_error_against_the_larger_value():
    # 2e-12 beside 1e-12 pass (the difference is atol) and differ by 1e-12 / 2e-12 = 0.5
    # relative to the larger; relative to the smaller it would be 1.0.
    report = check_derivation([lambda x: 2e-12 + 0 * x, lambda x: 1e-12 + 0 * x], variables={"x": (0, 1)}, atol=1e-12)
    assert report.max_relative_error == pytest.approx(0.5, rel=1e-12)
    # below atol the relative error is taken against atol: 5e-13 / 1e-12
    report = check_derivation([lambda x: 0 * x, lambda x: 5e-13 + 0 * x], variables={"x": (0, 1)}, atol=1e-12)
    assert report.max_relative_error == pytest.approx(0.5, rel=1e-12)


# --------------------------------------------------------------------------- fd_error


def test_fd_error_shows_the_v_curve():
    curve = fd_error(np.exp, np.exp, 1.0)
    assert set(curve.errors) == {(m, d) for m in METHODS for d in ("float32", "float64")}
    assert all(errors.shape == curve.steps.shape for errors in curve.errors.values())
    best_central, h_central = curve.best("central")
    best_forward, h_forward = curve.best("forward")
    best_complex, _ = curve.best("complex")
    assert best_central <= 1e-9 and best_complex <= 1e-13 and best_forward <= 1e-7
    assert best_forward > best_central > best_complex
    # the V: optimal steps near eps**(1/2) (forward) and eps**(1/3) (central) ...
    assert 1e-10 <= h_forward <= 1e-6 and 1e-7 <= h_central <= 1e-3
    # ... and worse on both sides of them
    for method, h_best in (("forward", h_forward), ("central", h_central)):
        errors = curve.errors[(method, "float64")]
        assert errors[np.argmin(np.abs(curve.steps - h_best * 1e-4))] > 100 * curve.best(method)[0]
        assert errors[np.argmin(np.abs(curve.steps - min(h_best * 1e4, 1.0)))] > 100 * curve.best(method)[0]
    # float32 is far worse: the reason gradient checks run in float64
    assert curve.best("central", "float32")[0] > 1e-6 > 1e3 * best_central


def test_fd_error_values_by_hand():
    curve = fd_error(np.sin, np.cos, 0.5, steps=[1e-3], methods=("forward",), dtypes=("float64",))
    expected = abs((np.sin(0.5 + 1e-3) - np.sin(0.5)) / 1e-3 - np.cos(0.5)) / np.cos(0.5)
    assert curve.errors[("forward", "float64")][0] == pytest.approx(expected, rel=1e-6)


def test_fd_error_rejects_zero_derivative_and_unknown_method():
    with pytest.raises(ValueError, match="derivative is not zero"):
        fd_error(np.cos, lambda x: -np.sin(x), 0.0)
    with pytest.raises(ValueError, match="method must be one of"):
        fd_error(np.exp, np.exp, 1.0, methods=("backward",))


# --------------------------------------------------------------------------- assert_close


def test_assert_close_messages():
    assert_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    with pytest.raises(AssertionError, match="your answer is None: did you forget to return a value"):
        assert_close(None, [1.0])
    with pytest.raises(AssertionError, match=r"loss has shape \(3,\), expected \(3, 1\)"):
        assert_close(np.zeros(3), np.zeros((3, 1)), what="loss")
    with pytest.raises(AssertionError, match=r"wrong at 1 of 3 entries; first at index \(2,\): expected 3, got 3.1"):
        assert_close([1.0, 2.0, 3.1], [1.0, 2.0, 3.0])
    with pytest.raises(AssertionError, match=r"index \(\): expected 0.5, got nan$"):
        assert_close(float("nan"), 0.5)


def test_assert_close_shows_the_digits_that_differ_and_the_tolerance():
    # Values that part at the 12th digit used to print as "expected 0.3678794412, got
    # 0.3678794412": the digits now go as far as the difference, and the relative error
    # is shown beside the rtol it exceeds.
    expected = np.exp(-1.0)
    with pytest.raises(NotCloseError) as caught:
        assert_close(expected * (1 + 1e-11), expected, rtol=1e-12, atol=0.0, what="exp(-1)")
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    shown = [float(word.rstrip(":,")) for word in message.split() if word.startswith("0.367")]
    assert len(shown) == 2 and shown[0] != shown[1]  # both values, told apart
    assert "relative error 1.0e-11, more than rtol=1e-12 allows" in message
    # where atol is most of what is allowed (expected ~0), the absolute error is shown
    with pytest.raises(NotCloseError, match=r"off by 1.0e-09, more than atol=1e-12 \+ rtol=1e-07 x \|expected\| = 1.0e-12 allows"):
        assert_close(1e-9, 0.0)


# --------------------------------------------------------------------------- bad arguments


def test_bad_arguments():
    f = lambda v: np.sum(v**2)  # noqa: E731
    with pytest.raises(ValueError, match="method must be one of .*'backward'"):
        numeric_grad(f, [1.0], method="backward")
    with pytest.raises(ValueError, match="method must be one of"):
        gradcheck(f, [1.0], [2.0], method="Central")
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="x must be finite"):
            gradcheck(f, [1.0, bad], [2.0, 2.0])
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        numeric_grad(f, np.array([True, False]))
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        numeric_grad(f, ["a"])
    with pytest.raises(ValueError, match=r"f must return a single number, got shape \(2,\)"):
        numeric_grad(lambda v: v**2, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad must have the shape of x \(2,\), got \(3,\)"):
        gradcheck(f, [1.0, 2.0], [2.0, 4.0, 0.0])
    with pytest.raises(ValueError, match="h must be positive"):
        numeric_grad(f, [1.0, 2.0], h=[1e-5, -1e-5])
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0,\)\)"):
        numeric_grad(f, [])


@pytest.mark.parametrize("h", [0.0, -0.0, -1e-5, np.nan, np.inf, [1e-5, 0.0]])
def test_a_step_that_is_not_positive_and_finite_is_refused(h):
    # numeric_grad(f, x, h=0.0) once gave NaN (0 / 0), and inf a NaN too
    f = lambda v: np.sum(v**2)  # noqa: E731
    for check in (lambda: numeric_grad(f, [1.0, 2.0], h=h), lambda: gradcheck(f, [1.0, 2.0], [2.0, 4.0], h=h)):
        with pytest.raises(ValueError, match="h must be positive and finite"):
            check()


def test_a_step_lost_in_the_rounding_of_x_is_refused():
    # 1e10 + 1e-8 == 1e10: the difference would be 0 whatever f is
    with pytest.raises(ValueError, match=r"h is too small for x: x \+ h == x at flat index 1 \(x = 1e\+10, h = 1e-08\)"):
        numeric_grad(lambda v: np.sum(v**2), [1.0, 1e10], h=1e-8)


@pytest.mark.parametrize(
    "unsafe",
    [
        lambda v: np.sum(np.abs(v)),  # returns a real number
        lambda v: float(np.sum(v)),  # float() of a complex number
        lambda v: np.sum(np.asarray(v, dtype=np.float64) ** 2),  # drops the imaginary part
        lambda v: np.sum(v.real**2),
    ],
)
def test_complex_step_rejects_a_non_complex_safe_f(unsafe):
    with pytest.raises(TypeError, match="complex"):
        numeric_grad(unsafe, [1.0, 2.0], method="complex")


def test_one_element_array_result_is_accepted():
    result = numeric_grad(lambda v: np.array([np.sum(v**2)]), [1.0, 3.0])
    np.testing.assert_allclose(result, [2.0, 6.0], rtol=1e-9)
