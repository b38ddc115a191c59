"""Regression losses: a prediction ``input`` against a real ``target`` of the same shape.

From torch: ``mse_loss``, ``l1_loss``, ``smooth_l1_loss``, ``huber_loss``,
``poisson_nll_loss``, ``gaussian_nll_loss``. Beyond torch: ``rmse``, ``mape``,
``log_cosh``, ``quantile`` (each docstring names the public definition it follows).

Every gradient is the vector-Jacobian product ``grad_output`` times d(output)/d(input):
``reduce_backward`` pulls ``grad_output`` back through the reduction, and the loss
multiplies by its per-element derivative. At kinks the value torch's autograd gives is
used (``sign(0) = 0`` for L1, the L1 branch's value at Smooth L1's and Huber's joins,
which is where both branches agree anyway).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._reduction import check, reduce, reduce_backward
from .._validate import as_float, in_range, positive, same_shape
from ._registry import loss

__all__ = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "poisson_nll_loss",
    "gaussian_nll_loss",
    "rmse",
    "mape",
    "log_cosh",
    "quantile",
]

# sklearn's mean_absolute_percentage_error divides by max(|target|, this).
MAPE_EPS = float(np.finfo(np.float64).eps)


# --------------------------------------------------------------------------- helpers


def _pair(input: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """``input`` and ``target`` as float64 arrays of one shape."""
    x = as_float("input", input)
    y = as_float("target", target)
    same_shape("input", x, "target", y)
    return x, y


def _weight(weight: Any, x: np.ndarray) -> np.ndarray | None:
    """torch's per-element ``weight``: None, or an array of the input's shape."""
    if weight is None:
        return None
    w = as_float("weight", weight)
    same_shape("input", x, "weight", w)
    return w


def _nonnegative(name: str, array: np.ndarray, meaning: str) -> None:
    if np.any(array < 0):
        raise ValueError(f"{name} must be >= 0 ({meaning}), got a minimum of {np.nanmin(array)}")


def _weighted_reduce(losses: np.ndarray, reduction: str, weight: np.ndarray | None, denominator: float | None) -> np.ndarray:
    """Per-element losses, times ``weight`` if given, reduced."""
    return reduce(losses if weight is None else weight * losses, reduction, denominator)


def _backward(
    derivative: np.ndarray,
    reduction: str,
    grad_output: Any,
    weight: np.ndarray | None = None,
    denominator: float | None = None,
) -> np.ndarray:
    """``grad_output`` pulled back through the reduction (and ``weight``), times d(loss_i)/d(input_i)."""
    upstream = reduce_backward(grad_output, derivative.shape, reduction, denominator)
    return upstream * derivative if weight is None else upstream * weight * derivative


def _weighted_mean_denominator(weight: np.ndarray | None) -> float | None:
    # torch's mse_loss and l1_loss divide a weighted 'mean' by the sum of the weights.
    return None if weight is None else float(np.sum(weight))


# --------------------------------------------------------------------------- MSE, L1


@loss(formula=r"\ell_i = w_i\,(x_i - y_i)^2", torch="torch.nn.functional.mse_loss", view="regression", topic="regression")
def mse_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> np.ndarray:
    """Mean squared error: ``w_i (x_i - y_i)^2``, reduced.

    Shapes: ``input``, ``target`` and ``weight`` (optional, per element) all of one shape;
    output that shape for ``reduction="none"``, else a scalar.

    ``reduction="mean"`` divides by the number of elements, or, with ``weight``, by
    ``sum(weight)`` (torch's weighted mean). Derivative: ``d l_i/d x_i = 2 w_i (x_i - y_i)``.
    """
    x, y = _pair(input, target)
    w = _weight(weight, x)
    check(reduction)
    return _weighted_reduce((x - y) ** 2, reduction, w, _weighted_mean_denominator(w))


@mse_loss.gradient
def mse_loss_grad(input: Any, target: Any, reduction: str = "mean", weight: Any = None, *, grad_output: Any = None) -> np.ndarray:
    x, y = _pair(input, target)
    w = _weight(weight, x)
    check(reduction)
    return _backward(2 * (x - y), reduction, grad_output, w, _weighted_mean_denominator(w))


@loss(formula=r"\ell_i = w_i\,|x_i - y_i|", torch="torch.nn.functional.l1_loss", view="regression", topic="regression")
def l1_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> np.ndarray:
    """Mean absolute error: ``w_i |x_i - y_i|``, reduced.

    Shapes and ``weight``/``reduction`` as in ``mse_loss`` (weighted mean divides by
    ``sum(weight)``). Derivative: ``w_i sign(x_i - y_i)``; at ``x_i == y_i`` the loss has a
    kink and, like torch, the gradient there is ``sign(0) = 0`` (a valid subgradient).
    """
    x, y = _pair(input, target)
    w = _weight(weight, x)
    check(reduction)
    return _weighted_reduce(np.abs(x - y), reduction, w, _weighted_mean_denominator(w))


@l1_loss.gradient
def l1_loss_grad(input: Any, target: Any, reduction: str = "mean", weight: Any = None, *, grad_output: Any = None) -> np.ndarray:
    x, y = _pair(input, target)
    w = _weight(weight, x)
    check(reduction)
    return _backward(np.sign(x - y), reduction, grad_output, w, _weighted_mean_denominator(w))


# --------------------------------------------------------------------------- Smooth L1, Huber


def _smooth_l1(d: np.ndarray, beta: float) -> np.ndarray:
    """Smooth L1 of the residual ``d``: quadratic below ``beta``, linear above; L1 for beta=0."""
    z = np.abs(d)
    if beta == 0:
        return z
    return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def _smooth_l1_derivative(d: np.ndarray, beta: float) -> np.ndarray:
    """``d/beta`` inside, ``sign(d)`` outside; ``sign`` (so 0 at 0) for beta=0."""
    if beta == 0:
        return np.sign(d)
    return np.clip(d / beta, -1.0, 1.0)


@loss(
    formula=r"\ell_i = \begin{cases} \frac{(x_i - y_i)^2}{2\beta} & |x_i - y_i| < \beta \\ |x_i - y_i| - \frac{\beta}{2} & \text{otherwise} \end{cases}",
    torch="torch.nn.functional.smooth_l1_loss",
    view="regression", topic="regression",
)
def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> np.ndarray:
    """Smooth L1 (Fast R-CNN): quadratic for residuals below ``beta``, L1 minus ``beta/2`` above.

    Shapes: ``input`` and ``target`` of one shape; output that shape for ``"none"``.
    ``beta >= 0``; with ``beta = 0`` torch computes plain ``l1_loss`` (so does this).
    Derivative: ``(x - y)/beta`` for ``|x - y| < beta``, else ``sign(x - y)``: continuous,
    so the join at ``|x - y| = beta`` is not a kink. ``huber_loss(delta) = delta * smooth_l1_loss(beta=delta)``.
    """
    x, y = _pair(input, target)
    beta = positive("beta", beta, allow_zero=True)
    check(reduction)
    return reduce(_smooth_l1(x - y, beta), reduction)


@smooth_l1_loss.gradient
def smooth_l1_loss_grad(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0, *, grad_output: Any = None) -> np.ndarray:
    x, y = _pair(input, target)
    beta = positive("beta", beta, allow_zero=True)
    check(reduction)
    return _backward(_smooth_l1_derivative(x - y, beta), reduction, grad_output)


@loss(
    formula=r"\ell_i = w_i \begin{cases} \frac{1}{2}(x_i - y_i)^2 & |x_i - y_i| < \delta \\ \delta\left(|x_i - y_i| - \frac{\delta}{2}\right) & \text{otherwise} \end{cases}",
    torch="torch.nn.functional.huber_loss",
    view="regression", topic="regression",
)
def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None) -> np.ndarray:
    """Huber loss: quadratic for residuals below ``delta``, ``delta``-sloped linear above.

    Shapes: ``input``, ``target`` and optional per-element ``weight`` of one shape.
    ``delta > 0`` (torch rejects 0). Equals ``delta * smooth_l1_loss(beta=delta)``.
    Derivative: ``w_i clip(x_i - y_i, -delta, delta)`` (continuous: no kink).
    torch's weighted ``"mean"`` here divides by the element count, not by ``sum(weight)``
    as ``mse_loss``/``l1_loss`` do; this follows torch.
    """
    x, y = _pair(input, target)
    w = _weight(weight, x)
    delta = positive("delta", delta)
    check(reduction)
    return _weighted_reduce(delta * _smooth_l1(x - y, delta), reduction, w, None)


@huber_loss.gradient
def huber_loss_grad(
    input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None, *, grad_output: Any = None
) -> np.ndarray:
    x, y = _pair(input, target)
    w = _weight(weight, x)
    delta = positive("delta", delta)
    check(reduction)
    return _backward(np.clip(x - y, -delta, delta), reduction, grad_output, w)


# --------------------------------------------------------------------------- likelihoods


def _poisson_args(input: Any, target: Any, log_input: bool, eps: float) -> tuple[np.ndarray, np.ndarray, float]:
    x, y = _pair(input, target)
    _nonnegative("target", y, "a Poisson count")
    if not log_input:
        _nonnegative("input", x, "a Poisson rate when log_input=False")
    return x, y, positive("eps", eps, allow_zero=True)


@loss(
    formula=r"\ell_i = e^{x_i} - y_i x_i \;\;(\text{log\_input}),\quad x_i - y_i \log(x_i + \epsilon) \;\;(\text{otherwise})",
    torch="torch.nn.functional.poisson_nll_loss",
    view="count", topic="probabilistic",
)
def poisson_nll_loss(
    input: Any,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> np.ndarray:
    """Negative log-likelihood of counts ``target ~ Poisson(rate)``, without the ``log(y!)`` constant.

    Shapes: ``input`` and ``target`` of one shape. ``log_input=True``: ``input`` is the
    log-rate and ``l = exp(x) - y x``; ``False``: ``input`` is the rate and
    ``l = x - y log(x + eps)``. ``full=True`` adds Stirling's approximation of ``log(y!)``,
    ``y log y - y + log(2 pi y)/2``, for ``y > 1`` only (torch masks ``y <= 1`` to 0).
    Derivative: ``exp(x) - y`` (log input) or ``1 - y/(x + eps)``; Stirling's term has none.
    Unlike torch, negative counts (and negative rates when ``log_input=False``) are rejected.
    """
    x, y, eps = _poisson_args(input, target, log_input, eps)
    check(reduction)
    losses = np.exp(x) - y * x if log_input else x - y * np.log(x + eps)
    if full:
        counted = y > 1
        safe = np.where(counted, y, 1.0)  # keeps log() away from y <= 1, which is masked anyway
        losses = losses + np.where(counted, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0.0)
    return reduce(losses, reduction)


@poisson_nll_loss.gradient
def poisson_nll_loss_grad(
    input: Any,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
    *,
    grad_output: Any = None,
) -> np.ndarray:
    x, y, eps = _poisson_args(input, target, log_input, eps)
    check(reduction)
    derivative = np.exp(x) - y if log_input else 1 - y / (x + eps)
    return _backward(derivative, reduction, grad_output)


def _one_dim_of_one(shape: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """``other`` is ``shape`` with exactly one of its dimensions replaced by 1 (so it broadcasts)."""
    return len(other) == len(shape) and [b for a, b in zip(shape, other) if a != b] == [1]


def _gaussian_args(
    input: Any, target: Any, var: Any, eps: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...], float]:
    """Checked ``input``, ``target`` and ``var`` broadcast to the input, var's own shape, and ``eps``.

    torch accepts a ``target`` of the input's shape or of that shape with one dimension
    of 1; and a scalar ``var``, ``var`` of the input's shape, of the input's shape without
    its last dimension (one variance per row: unsqueezed), or with one dimension of 1.
    """
    x = as_float("input", input)
    y = as_float("target", target)
    if y.shape != x.shape and not _one_dim_of_one(x.shape, y.shape):
        raise ValueError(f"target must have the input's shape {x.shape}, or that shape with one dimension set to 1; got {y.shape}")
    v = as_float("var", var)
    shape = v.shape
    if v.ndim == 0 or shape == x.shape:
        pass
    elif shape == x.shape[:-1]:
        v = v[..., None]
    elif not _one_dim_of_one(x.shape, shape):
        raise ValueError(
            f"var must be a scalar, have the input's shape {x.shape}, the input's shape without its last "
            f"dimension {x.shape[:-1]}, or the input's shape with one dimension set to 1; got {shape}"
        )
    _nonnegative("var", v, "a variance")
    eps = positive("eps", eps, allow_zero=True)
    return x, np.broadcast_to(y, x.shape), v, shape, eps


@loss(
    formula=r"\ell_i = \frac{1}{2}\left(\log \max(\sigma^2_i, \epsilon) + \frac{(x_i - y_i)^2}{\max(\sigma^2_i, \epsilon)}\right) \;[+\tfrac{1}{2}\log 2\pi]",
    torch="torch.nn.functional.gaussian_nll_loss",
    wrt=("input", "var"),
    view="regression", topic="probabilistic",
)
def gaussian_nll_loss(
    input: Any, target: Any, var: Any, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
) -> np.ndarray:
    """Negative log-likelihood of ``target ~ Normal(mean=input, variance=var)``.

    Shapes: ``input`` ``(N, *)``; ``target`` the same, or with one dimension 1; ``var`` a
    scalar, the input's shape, ``(N, *)`` minus the last dimension (one variance per row),
    or the same number of dimensions with one of them 1 (e.g. ``(N, 1)`` for ``(N, D)``):
    broadcast as torch does. Output: the input's shape for ``"none"``, else a scalar (mean
    over all elements).

    ``var`` is clamped below at ``eps`` (torch does this without autograd, so the
    gradient w.r.t. ``var`` is the formula's, evaluated at the clamped value, even where
    the clamp is active). ``full=True`` adds ``log(2 pi)/2``. Derivatives, with
    ``v = max(var, eps)``: ``d l/d x = (x - y)/v``; ``d l/d var = (1/v - (x - y)^2/v^2)/2``,
    summed over the dimensions ``var`` was broadcast along. Negative ``var`` is an error.
    """
    x, y, v, _, eps = _gaussian_args(input, target, var, eps)
    check(reduction)
    v = np.maximum(v, eps)
    losses = 0.5 * (np.log(v) + (x - y) ** 2 / v)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return reduce(losses, reduction)


@gaussian_nll_loss.gradient
def gaussian_nll_loss_grad(
    input: Any,
    target: Any,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
    *,
    grad_output: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    x, y, v, var_shape, eps = _gaussian_args(input, target, var, eps)
    check(reduction)
    v = np.maximum(v, eps)
    d = x - y
    upstream = reduce_backward(grad_output, x.shape, reduction)
    grad_var = upstream * 0.5 * (1 / v - d * d / (v * v))
    # Undo the broadcast: sum over every axis var was stretched along, then restore its shape.
    stretched = tuple(k for k in range(x.ndim) if np.ndim(v) == 0 or v.shape[k] != x.shape[k])
    grad_var = np.sum(grad_var, axis=stretched, keepdims=True).reshape(var_shape)
    return upstream * d / v, grad_var


# --------------------------------------------------------------------------- beyond torch


@loss(formula=r"\mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_i (x_i - y_i)^2}", torch=None, view=None, topic="regression")
def rmse(input: Any, target: Any) -> np.ndarray:
    """Root mean squared error: ``sqrt(mse_loss(input, target))``, a scalar in target units.

    Follows Keras' ``RootMeanSquaredError`` and sklearn's ``root_mean_squared_error`` for
    one output: the root of the mean over *all* elements (not a mean of per-row roots).
    RMSE is itself a reduction, so there is no ``reduction`` argument. Computed as
    ``s * sqrt(mean((d/s)^2))`` with ``s = max|d|`` so that squares neither overflow nor
    underflow. Derivative: ``d RMSE/d x_i = (x_i - y_i)/(n RMSE)``; at ``RMSE = 0`` it is
    0/0 and 0 is used (RMSE is ``||d|| / sqrt(n)``, and 0 is a subgradient of a norm at 0).
    """
    x, y = _pair(input, target)
    return _rmse_scaled(x - y)[0]


def _rmse_scaled(d: np.ndarray) -> tuple[np.ndarray, float]:
    """(RMSE of ``d``, the scale ``s = max|d|`` it was computed with; 1 if ``d`` is all 0)."""
    scale = float(np.max(np.abs(d), initial=0.0)) or 1.0
    return scale * np.sqrt(np.mean((d / scale) ** 2)), scale


@rmse.gradient
def rmse_grad(input: Any, target: Any, *, grad_output: Any = None) -> np.ndarray:
    x, y = _pair(input, target)
    d = x - y
    value, scale = _rmse_scaled(d)
    # Chain rule through sqrt: d RMSE/d MSE = 1/(2 RMSE), and MSE's mean divides by n.
    upstream = reduce_backward(grad_output, d.shape, "mean")
    if value == 0:
        return np.zeros_like(upstream)
    # (d/s)/(RMSE/s) rather than d/RMSE keeps both factors in range.
    return upstream * (d / scale) / (value / scale)


def _mape_args(input: Any, target: Any, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = _pair(input, target)
    eps = positive("eps", eps)
    return x, y, np.maximum(np.abs(y), eps)


@loss(formula=r"\ell_i = \frac{|x_i - y_i|}{\max(|y_i|, \epsilon)}", torch=None, view="regression", topic="regression")
def mape(input: Any, target: Any, reduction: str = "mean", eps: float = MAPE_EPS) -> np.ndarray:
    """Mean absolute percentage error, as a fraction (0.1 means 10%).

    Follows sklearn's ``mean_absolute_percentage_error``: ``|x - y| / max(|y|, eps)`` with
    ``eps`` the float64 machine epsilon, so a zero target gives a huge, finite loss rather
    than inf. Shapes: ``input`` and ``target`` of one shape. torch has no MAPE (the division
    by the target makes it a custom loss). Derivative: ``sign(x - y)/max(|y|, eps)``, 0 at
    ``x == y`` (torch's ``sign(0)``); not differentiated w.r.t. the target.
    """
    x, y, denominator = _mape_args(input, target, eps)
    check(reduction)
    return reduce(np.abs(x - y) / denominator, reduction)


@mape.gradient
def mape_grad(input: Any, target: Any, reduction: str = "mean", eps: float = MAPE_EPS, *, grad_output: Any = None) -> np.ndarray:
    x, y, denominator = _mape_args(input, target, eps)
    check(reduction)
    return _backward(np.sign(x - y) / denominator, reduction, grad_output)


@loss(formula=r"\ell_i = \log\cosh(d_i) = |d_i| + \log\left(1 + e^{-2|d_i|}\right) - \log 2,\quad d_i = x_i - y_i", torch=None, view="regression", topic="regression")
def log_cosh(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Log-cosh loss: ``log(cosh(x - y))``, about ``d^2/2`` for small and ``|d| - log 2`` for large residuals.

    Follows Keras' ``LogCosh`` (per element; Keras then averages). Shapes: ``input`` and
    ``target`` of one shape. ``cosh`` overflows beyond ``|d| ~ 710``, so for ``|d| >= 1`` the
    form ``|d| + log1p(exp(-2|d|)) - log 2`` is used; below 1 that form cancels (``log 2``
    against ``|d| + log 2``) and loses up to all digits, so there the identity
    ``cosh d = 1 + 2 sinh^2(d/2)`` gives ``log1p(2 sinh^2(d/2))``, exact to rounding.
    Derivative: ``tanh(x - y)``, smooth everywhere.
    """
    x, y = _pair(input, target)
    check(reduction)
    z = np.abs(x - y)
    small = np.log1p(2 * np.sinh(np.minimum(z, 1.0) / 2) ** 2)
    large = z + np.log1p(np.exp(-2 * z)) - math.log(2)
    return reduce(np.where(z < 1, small, large), reduction)


@log_cosh.gradient
def log_cosh_grad(input: Any, target: Any, reduction: str = "mean", *, grad_output: Any = None) -> np.ndarray:
    x, y = _pair(input, target)
    check(reduction)
    return _backward(np.tanh(x - y), reduction, grad_output)


def _quantile_args(input: Any, target: Any, quantile: float) -> tuple[np.ndarray, np.ndarray, float]:
    x, y = _pair(input, target)
    q = in_range("quantile", quantile, 0.0, 1.0)
    if q in (0.0, 1.0):
        raise ValueError(f"quantile must lie strictly between 0 and 1, got {q}")
    return x, y, q


@loss(
    formula=r"\ell_i = \max\big(q (y_i - x_i),\; (q - 1)(y_i - x_i)\big)",
    torch=None,
    view="regression", topic="regression",
)
def quantile(input: Any, target: Any, reduction: str = "mean", quantile: float = 0.5) -> np.ndarray:
    """Quantile (pinball) loss: residuals above the prediction cost ``q``, below cost ``1 - q``.

    Follows sklearn's ``mean_pinball_loss`` (its ``alpha`` is ``quantile`` here), with
    ``r = y - x``: ``q r`` if ``r >= 0`` else ``(q - 1) r``. Minimising it over a constant
    prediction gives the ``q``-quantile of the targets; ``q = 0.5`` is half of ``l1_loss``.
    ``0 < quantile < 1``. Shapes: ``input`` and ``target`` of one shape.
    Derivative w.r.t. ``x``: ``-q`` where ``y > x``, ``1 - q`` where ``y < x``; at the kink
    ``y == x`` it is 0 (a subgradient, in ``[-q, 1 - q]``, matching ``l1_loss``'s ``sign(0)``).
    """
    x, y, q = _quantile_args(input, target, quantile)
    check(reduction)
    r = y - x
    return reduce(np.maximum(q * r, (q - 1) * r), reduction)


@quantile.gradient
def quantile_grad(
    input: Any, target: Any, reduction: str = "mean", quantile: float = 0.5, *, grad_output: Any = None
) -> np.ndarray:
    x, y, q = _quantile_args(input, target, quantile)
    check(reduction)
    r = y - x
    return _backward(np.where(r > 0, -q, np.where(r < 0, 1 - q, 0.0)), reduction, grad_output)
