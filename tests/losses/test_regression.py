"""Regression losses against torch autograd, by hand, and by finite differences.

Every torch-backed loss is compared with ``torch.nn.functional`` (value and gradient,
with torchcheck's random ``grad_output``) for every combination of its options, on
hypothesis-drawn shapes and values that include large magnitudes and exact ties
``input == target`` (the kink of ``l1_loss``; lossviz follows torch's ``sign(0) = 0``).
Losses torch lacks are compared with a torch re-expression of their public definition
and checked with ``gradcheck`` away from their kinks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lossviz._validate import NonFiniteInputWarning
from lossviz.check import gradcheck
from lossviz.losses import (
    gaussian_nll_loss,
    huber_loss,
    l1_loss,
    log_cosh,
    mape,
    mse_loss,
    poisson_nll_loss,
    quantile,
    regression,
    rmse,
    smooth_l1_loss,
)

from .helpers import REDUCTIONS, torch_reduce

EXAMPLES = 12  # per option combination: ~150 combinations share the time budget

SHAPES = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def finite(bound: float) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_subnormal=False)


@st.composite
def pairs(draw, values=finite(1e150), shape=None):
    """(input, target) of one shape; a drawn mask of entries gets target == input exactly."""
    shape = draw(SHAPES) if shape is None else shape
    x = draw(arrays(np.float64, shape, elements=values))
    y = draw(arrays(np.float64, shape, elements=values))
    tie = draw(arrays(np.bool_, shape))
    return x, np.where(tie, x, y)


@st.composite
def weighted_pairs(draw, values=finite(1e150)):
    x, y = draw(pairs(values))
    w = draw(arrays(np.float64, x.shape, elements=st.floats(0.01, 100)))
    return x, y, w


def assume_no_cancellation(terms, axis=None):
    """Skip draws where a quantity, the sum of ``terms`` (over ``axis``), keeps < 1e-5 of their size.

    There float64 retains only ~1e-16 of the terms' size, so torch and lossviz, which
    round differently, are both off the true value by more than 1e-10 relative: a
    comparison would test rounding, not the loss. Only losses with terms of both signs
    (Poisson, Gaussian NLL) need this; ``axis=()`` checks every element on its own.
    """
    total = np.sum(sum(terms), axis=axis)
    size = np.sum(sum(np.abs(t) for t in terms), axis=axis)
    assume(np.all(np.abs(total) >= 1e-5 * size))


# --------------------------------------------------------------------------- contract

TORCH_BACKED = (mse_loss, l1_loss, smooth_l1_loss, huber_loss, poisson_nll_loss, gaussian_nll_loss)
BEYOND_TORCH = (rmse, mape, log_cosh, quantile)


# --------------------------------------------------------------------------- torch: MSE, L1


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=weighted_pairs())
def test_mse_loss_matches_torch(matches_torch, reduction, weighted, data):
    x, y, w = data
    matches_torch(mse_loss, x, y, reduction=reduction, weight=w if weighted else None)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=weighted_pairs())
def test_l1_loss_matches_torch(matches_torch, reduction, weighted, data):
    x, y, w = data
    matches_torch(l1_loss, x, y, reduction=reduction, weight=w if weighted else None)


def test_l1_gradient_is_zero_at_a_tie():
    assert l1_loss.grad(np.array([2.0, 2.0, 3.0]), np.array([2.0, 1.0, 4.0]), reduction="sum").tolist() == [0.0, 1.0, -1.0]


# --------------------------------------------------------------------------- torch: Smooth L1, Huber


@st.composite
def pairs_near(draw, join: float):
    """Pairs with ties, and with residuals of exactly +-``join`` (Smooth L1's / Huber's join)."""
    x, y = draw(pairs(finite(1e6)))
    at_join = draw(arrays(np.bool_, x.shape))
    return x, np.where(at_join, x - join, y)


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_smooth_l1_loss_matches_torch(matches_torch, reduction, beta, data):
    x, y = data.draw(pairs_near(beta))
    matches_torch(smooth_l1_loss, x, y, reduction=reduction, beta=beta)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_huber_loss_matches_torch(matches_torch, reduction, delta, weighted, data):
    x, y = data.draw(pairs_near(delta))
    w = data.draw(arrays(np.float64, x.shape, elements=st.floats(0.01, 100))) if weighted else None
    matches_torch(huber_loss, x, y, reduction=reduction, delta=delta, weight=w)


@settings(max_examples=30)
@given(data=pairs(finite(1e6)), delta=st.floats(0.01, 10))
def test_huber_is_delta_times_smooth_l1(data, delta):
    x, y = data
    np.testing.assert_allclose(huber_loss(x, y, "none", delta), delta * smooth_l1_loss(x, y, "none", delta), rtol=1e-14)
    np.testing.assert_allclose(huber_loss.grad(x, y, "sum", delta), delta * smooth_l1_loss.grad(x, y, "sum", delta), rtol=1e-14)


# --------------------------------------------------------------------------- torch: likelihoods


@st.composite
def poisson_data(draw, log_input: bool):
    """Log-rates in [-100, 100] (exp up to 3e43) or rates in [0, 1e6]; counts 0..1e6 (0 and 1 often)."""
    shape = draw(SHAPES)
    inputs = finite(100) if log_input else st.floats(0, 1e6, allow_subnormal=False)
    x = draw(arrays(np.float64, shape, elements=inputs))
    counts = st.one_of(st.integers(0, 3), st.integers(0, 10**6)).map(float)
    return x, draw(arrays(np.float64, shape, elements=counts))


@pytest.mark.parametrize("eps", [1e-8, 0.5])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_poisson_nll_loss_matches_torch(matches_torch, reduction, log_input, full, eps, data):
    x, y = data.draw(poisson_data(log_input))
    rate, log_rate = (np.exp(x), x) if log_input else (x, np.log(x + eps))
    value_terms = [rate, -y * log_rate]
    if full:
        counted = y > 1
        safe = np.where(counted, y, 1.0)
        value_terms += [np.where(counted, term, 0.0) for term in (safe * np.log(safe), -safe, 0.5 * np.log(2 * np.pi * safe))]
    assume_no_cancellation(value_terms, axis=() if reduction == "none" else None)
    # d/dx = rate' - y log_rate': exactly equal terms give exactly 0 in both (e.g. exp(0) - 1).
    slope, pull = (rate, y) if log_input else (np.ones_like(x), y / (x + eps))
    exact = slope == pull
    assume_no_cancellation([np.where(exact, 0, slope), np.where(exact, 0, -pull)], axis=())
    matches_torch(
        poisson_nll_loss, x, y, log_input=log_input, full=full, eps=eps, reduction=reduction
    )


VAR_LAYOUTS = ("same", "without last dim", "one dim of 1", "scalar")


def _torch_gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """torch's own, with a scalar ``var`` expanded as torch expands a float (``var * ones_like(input)``).

    torchcheck hands a scalar ``var`` over as a 0-d tensor (so that it can take its
    gradient), which torch rejects for inputs of 2+ dimensions; a float would have no gradient.
    """
    import torch.nn.functional as F

    if var.ndim == 0:
        var = var * input.new_ones(input.shape)
    return F.gaussian_nll_loss(input, target, var, full=full, eps=eps, reduction=reduction)


@st.composite
def gaussian_data(draw, layout: str):
    """(input, target, var): ``var`` in ``layout``, with entries of 0 and below eps (clamped).

    The target has, at times, one dimension of 1 (broadcast, as torch documents).
    """
    shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    x, y = draw(pairs(finite(1e6), shape=shape))
    if draw(st.booleans()):
        y = np.take(y, [0], axis=draw(st.integers(0, len(shape) - 1)))
    variances = st.one_of(st.floats(0, 2e-6), st.floats(0, 1e6, allow_subnormal=False))
    if layout == "scalar":
        return x, y, draw(variances)
    if layout == "without last dim":
        var_shape = shape[:-1]
    elif layout == "one dim of 1":
        k = draw(st.integers(0, len(shape) - 1))
        var_shape = shape[:k] + (1,) + shape[k + 1 :]
    else:
        var_shape = shape
    return x, y, draw(arrays(np.float64, var_shape, elements=variances))


@pytest.mark.parametrize("eps", [1e-6, 0.5])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("layout", VAR_LAYOUTS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES // 2)  # 48 combinations
@given(data=st.data())
def test_gaussian_nll_loss_matches_torch(matches_torch, reduction, layout, full, eps, data):
    x, y, var = data.draw(gaussian_data(layout))
    grad_output = np.random.default_rng(0).standard_normal(x.shape if reduction == "none" else ())  # torchcheck's
    aligned = np.expand_dims(var, -1) if layout == "without last dim" else np.asarray(var)
    v = np.maximum(np.broadcast_to(aligned, x.shape), eps)
    d2 = (x - y) ** 2
    constant = np.full(x.shape, math.log(2 * math.pi) if full else 0.0)
    assume_no_cancellation([np.log(v), d2 / v, constant], axis=() if reduction == "none" else None)
    # d/dvar = g (1/v - d^2/v^2) / 2, summed over the axes var was broadcast along.
    stretched = tuple(k for k in range(x.ndim) if aligned.ndim == 0 or aligned.shape[k] != x.shape[k])
    assume_no_cancellation([grad_output / v, -grad_output * d2 / (v * v)], axis=stretched)
    matches_torch(
        gaussian_nll_loss, x, y, var, full=full, eps=eps, reduction=reduction,
        grad_output=grad_output, torch_function=_torch_gaussian_nll_loss,
    )


# torch 2.13 subtracts input - target without a check, so any target that broadcasts
# against the input is accepted; var keeps its own rules relative to the input.
BROADCAST_TARGETS = [((5, 5), (5,), (5, 5)), ((5, 5), (5,), (5,)), ((5,), (), (5,)), ((3, 4), (1, 4), (3, 1)), ((4,), (3, 4), ())]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("input_shape", "target_shape", "var_shape"), BROADCAST_TARGETS, ids=str)
def test_gaussian_nll_loss_broadcasts_the_target_as_torch(matches_torch, input_shape, target_shape, var_shape, reduction):
    rng = np.random.default_rng(len(input_shape) + len(target_shape))
    x, y = rng.normal(0, 2, input_shape), rng.normal(0, 2, target_shape)
    var = rng.uniform(0.5, 2.0, var_shape)
    report = matches_torch(gaussian_nll_loss, x, y, var, reduction=reduction, torch_function=_torch_gaussian_nll_loss)
    assert set(report.grad_errors) == {"input", "var"}
    d_input, d_var = gaussian_nll_loss.grad(x, y, var, reduction=reduction)
    assert d_input.shape == x.shape and np.shape(d_var) == var.shape


def test_gaussian_nll_loss_by_hand_with_one_target_row_for_every_input_row():
    """input (2, 2), target (2,), var (2, 1): l = (log v + (x - y)^2 / v) / 2, then the mean."""
    x, y, var = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]), np.array([[0.5], [2.0]])
    by_hand = np.mean(0.5 * (np.log([[0.5, 0.5], [2.0, 2.0]]) + np.array([[0.0, 1.0], [4.0, 9.0]]) / [[0.5], [2.0]]))
    assert gaussian_nll_loss(x, y, var) == pytest.approx(by_hand, rel=1e-15)


def test_a_one_element_grad_output_of_more_dimensions_than_the_loss_is_the_scalar():
    """A scalar loss takes grad_output of any shape with one element (torch: of shape ());
    d mse/dx at x = 1, y = 3 is 2 (x - y) = -4, shaped like the 0-d input."""
    for grad_output in ([1.0], [[1.0]], 1.0):
        grad = mse_loss.grad(1.0, 3.0, grad_output=grad_output)
        assert np.shape(grad) == () and grad == -4.0
    assert mse_loss.grad(1.0, 3.0, grad_output=[[0.5]]) == -2.0


def test_gaussian_nll_loss_var_gradient_passes_the_clamp():
    """torch clamps var at eps without autograd: d/dvar is the formula's at the clamped value."""
    x, y, var = np.array([1.0, 1.0]), np.array([0.0, 0.0]), np.array([0.0, 1e-9])
    _, grad_var = gaussian_nll_loss.grad(x, y, var, reduction="sum")
    by_hand = 0.5 * (1 / 1e-6 - 1 / 1e-12)
    np.testing.assert_allclose(grad_var, [by_hand, by_hand], rtol=1e-15)


def test_gaussian_nll_loss_scalar_var_gradient_is_a_scalar():
    _, grad_var = gaussian_nll_loss.grad(np.zeros((2, 3)), np.ones((2, 3)), 2.0, reduction="sum")
    assert np.shape(grad_var) == ()
    assert grad_var == pytest.approx(6 * 0.5 * (1 / 2 - 1 / 4))


# --------------------------------------------------------------------------- beyond torch


def _torch_rmse(input, target):
    import torch

    return torch.sqrt(torch.mean((input - target) ** 2))


def _torch_mape(input, target, reduction="mean", eps=regression.MAPE_EPS):
    return torch_reduce((input - target).abs() / target.abs().clamp_min(eps), reduction)


def _torch_log_cosh(input, target, reduction="mean"):
    """log(cosh(d)) where cosh is finite; |d| - log 2 beyond 20, where log1p(e^-40) is below rounding.

    The untaken branch sees d = 0, so that its inf cannot turn the gradient into NaN.
    """
    import torch

    d = input - target
    near = d.abs() < 20
    safe = torch.where(near, d, torch.zeros_like(d))
    return torch_reduce(torch.where(near, torch.log(torch.cosh(safe)), d.abs() - math.log(2)), reduction)


def _torch_quantile(input, target, reduction="mean", quantile=0.5):
    import torch

    r = target - input
    return torch_reduce(quantile * torch.relu(r) + (1 - quantile) * torch.relu(-r), reduction)


@settings(max_examples=40)
@given(data=pairs(finite(1e100)))
def test_rmse_matches_torch_sqrt_of_mse(matches_torch, data):
    x, y = data
    # At input == target everywhere torch's sqrt gives 0 * inf = NaN, lossviz 0; and once
    # every residual is below 1e-140 torch's squares underflow, lossviz's scaled ones do
    # not. Both are tested by hand below.
    assume(np.max(np.abs(x - y)) > 1e-140)
    matches_torch(rmse, x, y, torch_function=_torch_rmse)


def test_rmse_at_zero_and_extremes():
    assert rmse([1.0, 2.0], [1.0, 2.0]) == 0
    assert rmse.grad([1.0, 2.0], [1.0, 2.0]).tolist() == [0.0, 0.0]
    # Squares of 1e200 overflow; the scaled form does not: RMSE of a constant residual is it.
    assert rmse([1e200, -1e200], [0.0, 0.0]) == pytest.approx(1e200, rel=1e-15)
    np.testing.assert_allclose(rmse.grad([1e200, -1e200], [0.0, 0.0]), [0.5, -0.5], rtol=1e-15)
    assert rmse([3e-200, 4e-200], [0.0, 0.0]) == pytest.approx(math.sqrt(12.5) * 1e-200, rel=1e-15)


@pytest.mark.parametrize("eps", [regression.MAPE_EPS, 0.1])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=pairs(finite(1e100)))
def test_mape_matches_torch_reexpression(matches_torch, reduction, eps, data):
    x, y = data
    matches_torch(mape, x, y, reduction=reduction, eps=eps, torch_function=_torch_mape)


def test_mape_is_sklearns_fraction():
    # sklearn: mean(|y_true - y_pred| / max(|y_true|, eps)); 0.5/3 and 1/(-2) -> (1/6 + 1/2)/2.
    assert mape([3.5, -1.0], [3.0, -2.0]) == pytest.approx((0.5 / 3 + 1 / 2) / 2, rel=1e-15)
    # A zero target: huge but finite, as sklearn.
    assert mape([1.0], [0.0]) == 1 / np.finfo(np.float64).eps


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=25)
@given(data=pairs(finite(1e6)))
def test_log_cosh_matches_torch_reexpression(matches_torch, reduction, data):
    x, y = data
    # Near d = 0 the loss is ~d^2/2 while both forms carry absolute rounding of a few ulps of
    # log 2 (~1e-16): below 1e-4, values are compared to 1e-14 absolute rather than relative.
    matches_torch(log_cosh, x, y, reduction=reduction, torch_function=_torch_log_cosh, atol=1e-4)


@pytest.mark.parametrize("d", [1e-8, 1e-5, 1e-3, 0.1, 0.9])
def test_log_cosh_keeps_full_relative_precision_for_small_residuals(d):
    # Two independent references: log(cosh d) in 50-digit decimal arithmetic, and for
    # d <= 1e-3 the Taylor series d^2/2 - d^4/12 + d^6/45 - 17 d^8/2520 (by hand, from
    # log cosh = integral of tanh; the next term is below 1e-16 relative there).
    from decimal import Decimal, getcontext

    getcontext().prec = 50
    exact = float(((Decimal(d).exp() + (-Decimal(d)).exp()) / 2).ln())
    assert log_cosh(d, 0.0) == pytest.approx(exact, rel=1e-15, abs=0)
    assert log_cosh(-d, 0.0) == pytest.approx(exact, rel=1e-15, abs=0)
    if d <= 1e-3:
        series = d**2 / 2 - d**4 / 12 + d**6 / 45 - 17 * d**8 / 2520
        assert log_cosh(d, 0.0) == pytest.approx(series, rel=1e-15, abs=0)


@pytest.mark.parametrize("scale", [1e-5, 1e-3, 1.0, 1e2])
def test_log_cosh_passes_gradcheck_at_every_residual_scale(scale):
    rng = np.random.default_rng(int(-math.log10(scale) + 10))
    x, y = scale * rng.standard_normal(20), np.zeros(20)
    gradcheck(lambda v: log_cosh(v, y), x, lambda v: log_cosh.grad(v, y))


def test_log_cosh_is_finite_where_cosh_overflows():
    assert log_cosh([1e4, -1e4], [0.0, 0.0], reduction="none").tolist() == [1e4 - math.log(2), 1e4 - math.log(2)]
    assert log_cosh.grad([1e4, -1e4], [0.0, 0.0], reduction="none").tolist() == [1.0, -1.0]
    assert log_cosh(0.0, 0.0) == 0.0


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=pairs(finite(1e100)))
def test_quantile_matches_torch_reexpression(matches_torch, reduction, q, data):
    x, y = data  # ties included: relu's 0 at 0 is lossviz's convention too
    matches_torch(quantile, x, y, reduction=reduction, quantile=q, torch_function=_torch_quantile)


@settings(max_examples=30)
@given(data=pairs(finite(1e6)))
def test_quantile_one_half_is_half_of_l1(data):
    x, y = data
    np.testing.assert_allclose(quantile(x, y, "none", 0.5), 0.5 * l1_loss(x, y, "none"), rtol=1e-15)
    np.testing.assert_array_equal(quantile.grad(x, y, "sum", 0.5), 0.5 * l1_loss.grad(x, y, "sum"))


@pytest.mark.parametrize("q", [0.1, 0.25, 0.9])
def test_quantile_is_minimised_at_the_quantile(q):
    """The best constant prediction under the pinball loss is the target's q-quantile."""
    targets = np.random.default_rng(3).normal(size=101)
    best = np.quantile(targets, q, method="inverted_cdf")
    grid = np.linspace(-3, 3, 601)
    losses = [quantile(np.full_like(targets, c), targets, quantile=q) for c in grid]
    assert quantile(np.full_like(targets, best), targets, quantile=q) <= min(losses) + 1e-15


def _away_from(kinks: np.ndarray, values: np.ndarray, gap: float = 0.05) -> np.ndarray:
    """Move entries within ``gap`` of a kink by ``4 * gap`` so finite differences see a smooth function."""
    return np.where(np.abs(values - kinks) < gap, values + 4 * gap, values)


@pytest.mark.parametrize(
    "function, kwargs",
    [
        (rmse, {}),
        (mape, {"reduction": "mean"}),
        (mape, {"reduction": "none"}),
        (log_cosh, {"reduction": "mean"}),
        (log_cosh, {"reduction": "none"}),
        (quantile, {"reduction": "sum", "quantile": 0.2}),
        (quantile, {"reduction": "none", "quantile": 0.7}),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
@pytest.mark.parametrize("seed", range(3))
def test_beyond_torch_gradcheck(function, kwargs, seed):
    """gradcheck of the VJP: f(x) = sum(grad_output * loss(x)), away from the kinks at x == target."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(3, 4)) * 3
    x = _away_from(y, rng.normal(size=(3, 4)) * 3)
    grad_output = rng.normal(size=np.shape(function(x, y, **kwargs)))
    gradcheck(
        lambda v: np.sum(grad_output * function(v, y, **kwargs)),
        x,
        lambda v: function.grad(v, y, grad_output=grad_output, **kwargs),
    )


# --------------------------------------------------------------------------- bad input

X = np.zeros((2, 3))
BAD = [
    (mse_loss, (X, np.zeros((3, 2))), {}, ValueError, "target"),
    (mse_loss, (X, X), {"weight": np.ones(3)}, ValueError, "weight"),
    (mse_loss, (np.array([True, False]), np.zeros(2)), {}, TypeError, "input"),
    (l1_loss, (X, X), {"reduction": "avg"}, ValueError, "reduction"),
    (smooth_l1_loss, (X, X), {"beta": -1.0}, ValueError, "beta"),
    (huber_loss, (X, X), {"delta": 0.0}, ValueError, "delta"),
    (huber_loss, (X, X), {"delta": "1"}, TypeError, "delta"),
    (poisson_nll_loss, (X, X), {"eps": -1e-8}, ValueError, "eps"),
    (poisson_nll_loss, (X, X - 1), {}, ValueError, "target"),
    (poisson_nll_loss, (X - 1, X), {"log_input": False}, ValueError, "input"),
    (gaussian_nll_loss, (X, X, -np.ones((2, 3))), {}, ValueError, "var"),
    (gaussian_nll_loss, (X, X, np.ones((2, 4))), {}, ValueError, "var"),
    (gaussian_nll_loss, (X, X, np.ones((2, 1, 3))), {}, ValueError, "var"),
    (gaussian_nll_loss, (X, X, 1.0), {"eps": -1e-6}, ValueError, "eps"),
    (gaussian_nll_loss, (X, np.zeros((3, 2)), 1.0), {}, ValueError, "target"),
    (rmse, (np.array(["a", "b"]), np.zeros(2)), {}, TypeError, "input"),
    (mape, (X, X), {"eps": 0.0}, ValueError, "eps"),
    (quantile, (X, X), {"quantile": 1.0}, ValueError, "quantile"),
    (quantile, (X, X), {"quantile": -0.1}, ValueError, "quantile"),
    (log_cosh, (X, [[0.0], [1.0, 2.0]]), {}, TypeError, "target"),
]


@pytest.mark.parametrize("part", ["value", "grad"])
@pytest.mark.parametrize("function, args, kwargs, error, name", BAD, ids=[f"{f.name}-{n}" for f, _, _, _, n in BAD])
def test_bad_input_names_the_argument(function, args, kwargs, error, name, part):
    with pytest.raises(error, match=rf"^{name}\b"):
        (function if part == "value" else function.grad)(*args, **kwargs)


@pytest.mark.parametrize("reduction, grad_output", [("mean", np.ones(2)), ("none", np.ones(3))])
def test_bad_grad_output_names_it(reduction, grad_output):
    with pytest.raises(ValueError, match=r"^grad_output\b"):
        huber_loss.grad(X, X, reduction=reduction, grad_output=grad_output)


NAN = np.array([1.0, np.nan])
ONES = np.ones(2)


NAN_CALLS = [(f, (NAN, ONES)) for f in TORCH_BACKED + BEYOND_TORCH if f is not gaussian_nll_loss] + [(gaussian_nll_loss, (NAN, ONES, ONES))]


@pytest.mark.parametrize("function, args", NAN_CALLS, ids=[f.name for f, _ in NAN_CALLS])
def test_nan_input_is_reported(function, args):
    with pytest.warns(NonFiniteInputWarning, match="input"):
        value = function(*args)
    assert np.isnan(value)
