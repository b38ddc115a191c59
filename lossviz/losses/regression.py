"""Regression losses: a prediction ``input`` against a real ``target`` of the same shape.

From torch: ``mse_loss``, ``l1_loss``, ``smooth_l1_loss``, ``huber_loss``,
``poisson_nll_loss``, ``gaussian_nll_loss``. Beyond torch: ``rmse``, ``mape``,
``log_cosh``, ``quantile`` (each docstring names the public definition it follows).

Every gradient is the vector-Jacobian product ``grad_output`` times d(output)/d(input):
``_reduction.pull_back`` takes ``grad_output`` back through the reduction and multiplies
by the loss's per-element derivative. At kinks the value torch's autograd gives is used
(``sign(0) = 0`` for L1, the L1 branch's value at Smooth L1's and Huber's joins, which is
where both branches agree anyway).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _reduction
from .._validate import as_float, broadcast, flag, in_range, positive, same_shape
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
    """``input`` and ``target`` as float64 arrays of one shape.

    torch's element-wise losses broadcast a target of another shape with a warning that
    it is probably a mistake; lossviz refuses it, naming both shapes.
    """
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


def _weighted(losses: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    return losses if weight is None else weight * losses


def _weighted_mean_denominator(weight: np.ndarray | None) -> float | None:
    # torch's mse_loss and l1_loss divide a weighted 'mean' by the sum of the weights.
    return None if weight is None else float(np.sum(weight))


_PAIR_PARAMETERS = """
    input : array_like
        Predictions, any shape.
    target : array_like
        Targets, ``input``'s shape."""
_REDUCTION = """
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses, ``input``'s shape; else their mean or sum."""
_WEIGHT = """
    weight : array_like, optional
        Per-element weights, ``input``'s shape; a weighted ``"mean"`` divides by
        ``sum(weight)`` (torch's weighted mean)."""
_PAIR_RAISES = """
    Raises
    ------
    TypeError
        If an array argument is not real numbers, or an option has the wrong type.
    ValueError
        If the shapes differ, an option is out of range, or ``reduction`` is unknown."""


def _document(function: Any) -> None:
    """Fill in the argument descriptions the regression losses share."""
    function.__doc__ = (
        function.__doc__.replace("{pair}", _PAIR_PARAMETERS)
        .replace("{reduction}", _REDUCTION)
        .replace("{weight}", _WEIGHT)
        .replace("{raises}", _PAIR_RAISES)
    )


def _weighted_arguments(input: Any, target: Any, reduction: Any, weight: Any) -> tuple[Any, ...]:
    """The check of mse_loss and l1_loss."""
    x, y = _pair(input, target)
    return x, y, _reduction.check(reduction), _weight(weight, x)


# --------------------------------------------------------------------------- MSE, L1


@loss(formula=r"\ell_i = w_i\,(x_i - y_i)^2", torch="torch.nn.functional.mse_loss", view="regression", topic="regression")
def mse_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> np.ndarray:
    """Mean squared error: ``w_i (x_i - y_i)^2``, reduced.

    Parameters
    ----------{pair}{reduction}{weight}

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Derivative ``d l_i/d x_i = 2 w_i (x_i - y_i)``.

    Examples
    --------
    >>> from lossviz.losses import mse_loss
    >>> float(mse_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0]))
    3.08333333
    >>> mse_loss.grad([1.0, 2.0, 4.0], [1.5, 2.0, 1.0])
    array([-0.33333333,  0.        ,  2.        ])
    >>> mse_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0], reduction="none")
    array([0.25, 0.  , 9.  ])
    """
    return _reduction.reduce(_weighted((input - target) ** 2, weight), reduction, _weighted_mean_denominator(weight))


mse_loss.arguments(_weighted_arguments)


@mse_loss.gradient
def mse_loss_grad(input: np.ndarray, target: np.ndarray, reduction: str, weight: Any, *, grad_output: Any) -> np.ndarray:
    local = _weighted(2 * (input - target), weight)
    return _reduction.pull_back(local, grad_output, reduction, denominator=_weighted_mean_denominator(weight))


@loss(formula=r"\ell_i = w_i\,|x_i - y_i|", torch="torch.nn.functional.l1_loss", view="regression", topic="regression")
def l1_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> np.ndarray:
    """Mean absolute error: ``w_i |x_i - y_i|``, reduced.

    Parameters
    ----------{pair}{reduction}{weight}

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Derivative ``w_i sign(x_i - y_i)``; at ``x_i == y_i`` the loss has a kink and, like
    torch, the gradient there is ``sign(0) = 0`` (a valid subgradient).

    Examples
    --------
    >>> from lossviz.losses import l1_loss
    >>> float(l1_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0]))
    1.16666667
    >>> l1_loss.grad([1.0, 2.0, 4.0], [1.5, 2.0, 1.0])
    array([-0.33333333,  0.        ,  0.33333333])
    """
    return _reduction.reduce(_weighted(np.abs(input - target), weight), reduction, _weighted_mean_denominator(weight))


l1_loss.arguments(_weighted_arguments)


@l1_loss.gradient
def l1_loss_grad(input: np.ndarray, target: np.ndarray, reduction: str, weight: Any, *, grad_output: Any) -> np.ndarray:
    local = _weighted(np.sign(input - target), weight)
    return _reduction.pull_back(local, grad_output, reduction, denominator=_weighted_mean_denominator(weight))


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

    Parameters
    ----------{pair}{reduction}
    beta : float, default 1.0
        Where the quadratic meets the line; ``beta >= 0``, and ``beta = 0`` is plain
        ``l1_loss`` (as in torch).

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Derivative ``(x - y)/beta`` for ``|x - y| < beta``, else ``sign(x - y)``: continuous,
    so the join at ``|x - y| = beta`` is not a kink.
    ``huber_loss(delta) = delta * smooth_l1_loss(beta=delta)``.

    Examples
    --------
    >>> from lossviz.losses import smooth_l1_loss
    >>> float(smooth_l1_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0]))
    0.875
    >>> smooth_l1_loss.grad([1.0, 2.0, 4.0], [1.5, 2.0, 1.0])
    array([-0.16666667,  0.        ,  0.33333333])
    """
    return _reduction.reduce(_smooth_l1(input - target, beta), reduction)


@smooth_l1_loss.arguments
def _smooth_l1_arguments(input: Any, target: Any, reduction: Any, beta: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    return x, y, _reduction.check(reduction), positive("beta", beta, allow_zero=True)


@smooth_l1_loss.gradient
def smooth_l1_loss_grad(input: np.ndarray, target: np.ndarray, reduction: str, beta: float, *, grad_output: Any) -> np.ndarray:
    return _reduction.pull_back(_smooth_l1_derivative(input - target, beta), grad_output, reduction)


@loss(
    formula=r"\ell_i = w_i \begin{cases} \frac{1}{2}(x_i - y_i)^2 & |x_i - y_i| < \delta \\ \delta\left(|x_i - y_i| - \frac{\delta}{2}\right) & \text{otherwise} \end{cases}",
    torch="torch.nn.functional.huber_loss",
    view="regression", topic="regression",
)
def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None) -> np.ndarray:
    """Huber loss: quadratic for residuals below ``delta``, ``delta``-sloped linear above.

    Parameters
    ----------{pair}{reduction}
    delta : float, default 1.0
        Where the quadratic meets the line; ``delta > 0`` (torch refuses 0).
    weight : array_like, optional
        Per-element weights, ``input``'s shape. torch's weighted ``"mean"`` here divides
        by the element count, not by ``sum(weight)`` as ``mse_loss``/``l1_loss`` do; this
        follows torch.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Equals ``delta * smooth_l1_loss(beta=delta)``. Derivative
    ``w_i clip(x_i - y_i, -delta, delta)`` (continuous: no kink).

    Examples
    --------
    >>> from lossviz.losses import huber_loss
    >>> float(huber_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0], delta=2.0))
    1.375
    >>> huber_loss.grad([1.0, 2.0, 4.0], [1.5, 2.0, 1.0], delta=2.0)
    array([-0.16666667,  0.        ,  0.66666667])
    """
    return _reduction.reduce(_weighted(delta * _smooth_l1(input - target, delta), weight), reduction)


@huber_loss.arguments
def _huber_arguments(input: Any, target: Any, reduction: Any, delta: Any, weight: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    return x, y, _reduction.check(reduction), positive("delta", delta), _weight(weight, x)


@huber_loss.gradient
def huber_loss_grad(
    input: np.ndarray, target: np.ndarray, reduction: str, delta: float, weight: Any, *, grad_output: Any
) -> np.ndarray:
    return _reduction.pull_back(_weighted(np.clip(input - target, -delta, delta), weight), grad_output, reduction)


# --------------------------------------------------------------------------- likelihoods


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

    Parameters
    ----------
    input : array_like
        The log-rate (``log_input=True``) or the rate (``False``), any shape.
    target : array_like
        Counts, ``input``'s shape; >= 0.
    log_input : bool, default True
        True: ``l = exp(x) - y x``; False: ``l = x - y log(x + eps)``.
    full : bool, default False
        Add Stirling's approximation of ``log(y!)``, ``y log y - y + log(2 pi y)/2``,
        for ``y > 1`` only (torch masks ``y <= 1`` to 0).
    eps : float, default 1e-8
        Keeps ``log`` finite at a rate of 0 (``log_input=False``); >= 0.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses, ``input``'s shape; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.

    Raises
    ------
    TypeError
        If an array argument is not real numbers, or an option has the wrong type.
    ValueError
        If the shapes differ, a count (or a rate, with ``log_input=False``) is negative,
        ``eps < 0``, or ``reduction`` is unknown. torch computes a number for negative
        counts and rates; lossviz refuses them on purpose: no Poisson distribution has them.

    Notes
    -----
    Derivative ``exp(x) - y`` (log input) or ``1 - y/(x + eps)``; Stirling's term has none.

    Examples
    --------
    >>> from lossviz.losses import poisson_nll_loss
    >>> float(poisson_nll_loss([0.0, 1.0, -1.0], [1.0, 2.0, 0.0]))
    0.69538709
    >>> poisson_nll_loss.grad([0.0, 1.0, -1.0], [1.0, 2.0, 0.0])
    array([0.        , 0.23942728, 0.12262648])
    """
    losses = np.exp(input) - target * input if log_input else input - target * np.log(input + eps)
    if full:
        counted = target > 1
        safe = np.where(counted, target, 1.0)  # keeps log() away from y <= 1, which is masked anyway
        losses = losses + np.where(counted, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0.0)
    return _reduction.reduce(losses, reduction)


@poisson_nll_loss.arguments
def _poisson_arguments(input: Any, target: Any, log_input: Any, full: Any, eps: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    _nonnegative("target", y, "a Poisson count")
    if not flag("log_input", log_input):
        _nonnegative("input", x, "a Poisson rate when log_input=False")
    return x, y, bool(log_input), flag("full", full), positive("eps", eps, allow_zero=True), _reduction.check(reduction)


@poisson_nll_loss.gradient
def poisson_nll_loss_grad(
    input: np.ndarray, target: np.ndarray, log_input: bool, full: bool, eps: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    local = np.exp(input) - target if log_input else 1 - target / (input + eps)
    return _reduction.pull_back(local, grad_output, reduction)


def _one_dim_of_one(shape: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """``other`` is ``shape`` with exactly one of its dimensions replaced by 1 (so it broadcasts)."""
    return len(other) == len(shape) and [b for a, b in zip(shape, other) if a != b] == [1]


def _variance(var: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``var`` shaped to broadcast against the input: one per row is unsqueezed (torch's rule)."""
    return var[..., None] if var.ndim and var.shape != x.shape and var.shape == x.shape[:-1] else var


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

    Parameters
    ----------
    input : array_like
        Predicted means, any shape.
    target : array_like
        Observations; any shape that broadcasts against ``input`` (torch subtracts the
        two without a check, so a ``(D,)`` target serves every row of an ``(N, D)`` input).
    var : array_like
        Variances, >= 0, shaped relative to ``input`` by torch's rule: a scalar, the
        input's shape, the input's shape without its last dimension (one variance per
        row, unsqueezed), or the input's number of dimensions with exactly one of them 1
        (e.g. ``(N, 1)`` for ``(N, D)``).
    full : bool, default False
        Add the constant ``log(2 pi)/2``.
    eps : float, default 1e-6
        ``var`` is clamped below at ``eps``; >= 0.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses, of the broadcast shape; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or the shape ``input``, ``target`` and ``var`` broadcast to.
        ``.grad`` returns ``(d/d input, d/d var)``, each of its argument's shape.

    Raises
    ------
    TypeError
        If an array argument is not real numbers, or an option has the wrong type.
    ValueError
        If ``target`` does not broadcast against ``input``, ``var`` has another shape
        than the four above, a variance is negative, ``eps < 0``, or ``reduction`` is unknown.

    Notes
    -----
    torch clamps ``var`` at ``eps`` without autograd, so the gradient w.r.t. ``var`` is
    the formula's, evaluated at the clamped value, even where the clamp is active. With
    ``v = max(var, eps)``: ``d l/d x = (x - y)/v``; ``d l/d var = (1/v - (x - y)^2/v^2)/2``;
    each summed over the dimensions its argument was broadcast along.

    Examples
    --------
    >>> from lossviz.losses import gaussian_nll_loss
    >>> float(gaussian_nll_loss([1.0, 2.0, 4.0], [1.5, 2.0, 1.0], [0.5, 1.0, 2.0]))
    0.83333333
    >>> d_input, d_var = gaussian_nll_loss.grad([1.0, 2.0, 4.0], [1.5, 2.0, 1.0], [0.5, 1.0, 2.0])
    >>> d_input
    array([-0.33333333,  0.        ,  0.5       ])
    >>> d_var
    array([ 0.16666667,  0.16666667, -0.29166667])

    One target row for every input row, one variance per row:

    >>> float(gaussian_nll_loss([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0], [[0.5], [2.0]]))
    1.0625
    """
    v = np.maximum(_variance(var, input), eps)
    losses = 0.5 * (np.log(v) + (input - target) ** 2 / v)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _reduction.reduce(losses, reduction)


@gaussian_nll_loss.arguments
def _gaussian_arguments(input: Any, target: Any, var: Any, full: Any, eps: Any, reduction: Any) -> tuple[Any, ...]:
    x = as_float("input", input)
    y = as_float("target", target)
    v = as_float("var", var)
    if v.ndim and v.shape != x.shape and v.shape != x.shape[:-1] and not _one_dim_of_one(x.shape, v.shape):
        raise ValueError(
            f"var must be a scalar, have the input's shape {x.shape}, the input's shape without its last "
            f"dimension {x.shape[:-1]}, or the input's shape with one dimension set to 1; got {v.shape}"
        )
    broadcast(("input", x), ("target", y), ("var", _variance(v, x)))
    _nonnegative("var", v, "a variance")
    return x, y, v, flag("full", full), positive("eps", eps, allow_zero=True), _reduction.check(reduction)


@gaussian_nll_loss.gradient
def gaussian_nll_loss_grad(
    input: np.ndarray, target: np.ndarray, var: np.ndarray, full: bool, eps: float, reduction: str, *, grad_output: Any
) -> tuple[np.ndarray, np.ndarray]:
    stretched = _variance(var, input)
    v = np.maximum(stretched, eps)
    d = input - target
    # every local derivative takes the loss's (broadcast) shape before the pull-back
    d_input = _reduction.pull_back(np.broadcast_to(d / v, np.broadcast_shapes(d.shape, v.shape)), grad_output, reduction)
    d_var = _reduction.pull_back(np.broadcast_to(0.5 * (1 / v - d * d / (v * v)), d_input.shape), grad_output, reduction)
    return _reduction.sum_to(d_input, input.shape), _reduction.sum_to(d_var, stretched.shape).reshape(var.shape)


# --------------------------------------------------------------------------- beyond torch


@loss(formula=r"\mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_i (x_i - y_i)^2}", torch=None, view=None, topic="regression")
def rmse(input: Any, target: Any) -> np.ndarray:
    """Root mean squared error: ``sqrt(mse_loss(input, target))``, a scalar in target units.

    Follows Keras' ``RootMeanSquaredError`` and sklearn's ``root_mean_squared_error`` for
    one output: the root of the mean over *all* elements (not a mean of per-row roots).
    RMSE is itself a reduction, so there is no ``reduction`` argument.

    Parameters
    ----------{pair}

    Returns
    -------
    ndarray
        A scalar.

    Raises
    ------
    TypeError
        If an argument is not real numbers.
    ValueError
        If the shapes differ.

    Notes
    -----
    Computed as ``s * sqrt(mean((d/s)^2))`` with ``s = max|d|`` so that squares neither
    overflow nor underflow. Derivative ``d RMSE/d x_i = (x_i - y_i)/(n RMSE)``; at
    ``RMSE = 0`` it is 0/0 and 0 is used (RMSE is ``||d|| / sqrt(n)``, and 0 is a
    subgradient of a norm at 0).

    Examples
    --------
    >>> from lossviz.losses import rmse
    >>> float(rmse([1.0, 2.5, 4.0], [1.5, 2.0, 1.0]))
    1.77951304
    >>> rmse.grad([1.0, 2.5, 4.0], [1.5, 2.0, 1.0])
    array([-0.09365858,  0.09365858,  0.56195149])
    """
    return _rmse_scaled(input - target)[0]


def _rmse_scaled(d: np.ndarray) -> tuple[np.ndarray, float]:
    """(RMSE of ``d``, the scale ``s = max|d|`` it was computed with; 1 if ``d`` is all 0)."""
    scale = float(np.max(np.abs(d), initial=0.0)) or 1.0
    return scale * np.sqrt(np.mean((d / scale) ** 2)), scale


rmse.arguments(_pair)


@rmse.gradient
def rmse_grad(input: np.ndarray, target: np.ndarray, *, grad_output: Any) -> np.ndarray:
    d = input - target
    value, scale = _rmse_scaled(d)
    if value == 0:
        return _reduction.pull_back(np.zeros_like(d), grad_output, "mean")
    # Chain rule through sqrt: d RMSE/d MSE = 1/(2 RMSE), and MSE's mean divides by n.
    # (d/s)/(RMSE/s) rather than d/RMSE keeps both factors in range.
    return _reduction.pull_back((d / scale) / (value / scale), grad_output, "mean")


@loss(formula=r"\ell_i = \frac{|x_i - y_i|}{\max(|y_i|, \epsilon)}", torch=None, view="regression", topic="regression")
def mape(input: Any, target: Any, reduction: str = "mean", eps: float = MAPE_EPS) -> np.ndarray:
    """Mean absolute percentage error, as a fraction (0.1 means 10%).

    Follows sklearn's ``mean_absolute_percentage_error``: ``|x - y| / max(|y|, eps)`` with
    ``eps`` the float64 machine epsilon, so a zero target gives a huge, finite loss rather
    than inf. torch has no MAPE (the division by the target makes it a custom loss).

    Parameters
    ----------{pair}{reduction}
    eps : float, default float64 epsilon
        The smallest denominator; > 0.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Derivative ``sign(x - y)/max(|y|, eps)``, 0 at ``x == y`` (torch's ``sign(0)``); not
    differentiated w.r.t. the target.

    Examples
    --------
    >>> from lossviz.losses import mape
    >>> float(mape([1.0, 2.5, 4.0], [1.5, 2.0, 1.0]))
    1.19444444
    >>> mape.grad([1.0, 2.5, 4.0], [1.5, 2.0, 1.0])
    array([-0.22222222,  0.16666667,  0.33333333])
    """
    return _reduction.reduce(np.abs(input - target) / np.maximum(np.abs(target), eps), reduction)


@mape.arguments
def _mape_arguments(input: Any, target: Any, reduction: Any, eps: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    return x, y, _reduction.check(reduction), positive("eps", eps)


@mape.gradient
def mape_grad(input: np.ndarray, target: np.ndarray, reduction: str, eps: float, *, grad_output: Any) -> np.ndarray:
    return _reduction.pull_back(np.sign(input - target) / np.maximum(np.abs(target), eps), grad_output, reduction)


def _pair_and_reduction(input: Any, target: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    return x, y, _reduction.check(reduction)


@loss(formula=r"\ell_i = \log\cosh(d_i) = |d_i| + \log\left(1 + e^{-2|d_i|}\right) - \log 2,\quad d_i = x_i - y_i", torch=None, view="regression", topic="regression")
def log_cosh(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Log-cosh loss: ``log(cosh(x - y))``, about ``d^2/2`` for small and ``|d| - log 2`` for large residuals.

    Follows Keras' ``LogCosh`` (per element; Keras then averages).

    Parameters
    ----------{pair}{reduction}

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    ``cosh`` overflows beyond ``|d| ~ 710``, so for ``|d| >= 1`` the form
    ``|d| + log1p(exp(-2|d|)) - log 2`` is used; below 1 that form cancels (``log 2``
    against ``|d| + log 2``) and loses up to all digits, so there the identity
    ``cosh d = 1 + 2 sinh^2(d/2)`` gives ``log1p(2 sinh^2(d/2))``, exact to rounding.
    Derivative ``tanh(x - y)``, smooth everywhere.

    Examples
    --------
    >>> from lossviz.losses import log_cosh
    >>> float(log_cosh([1.0, 2.5, 4.0], [1.5, 2.0, 1.0]))
    0.84985251
    >>> log_cosh.grad([1.0, 2.5, 4.0], [1.5, 2.0, 1.0])
    array([-0.15403905,  0.15403905,  0.33168492])
    """
    z = np.abs(input - target)
    small = np.log1p(2 * np.sinh(np.minimum(z, 1.0) / 2) ** 2)
    large = z + np.log1p(np.exp(-2 * z)) - math.log(2)
    return _reduction.reduce(np.where(z < 1, small, large), reduction)


log_cosh.arguments(_pair_and_reduction)


@log_cosh.gradient
def log_cosh_grad(input: np.ndarray, target: np.ndarray, reduction: str, *, grad_output: Any) -> np.ndarray:
    return _reduction.pull_back(np.tanh(input - target), grad_output, reduction)


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

    Parameters
    ----------{pair}{reduction}
    quantile : float, default 0.5
        The quantile q the prediction should reach; ``0 < quantile < 1``.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``reduction="none"``.
    {raises}

    Notes
    -----
    Derivative w.r.t. ``x``: ``-q`` where ``y > x``, ``1 - q`` where ``y < x``; at the kink
    ``y == x`` it is 0 (a subgradient, in ``[-q, 1 - q]``, matching ``l1_loss``'s ``sign(0)``).

    Examples
    --------
    >>> from lossviz.losses import quantile
    >>> float(quantile([1.0, 2.5, 4.0], [1.5, 2.0, 1.0], quantile=0.9))
    0.26666667
    >>> quantile.grad([1.0, 2.5, 4.0], [1.5, 2.0, 1.0], quantile=0.9)
    array([-0.3       ,  0.03333333,  0.03333333])
    """
    r = target - input
    return _reduction.reduce(np.maximum(quantile * r, (quantile - 1) * r), reduction)


@quantile.arguments
def _quantile_arguments(input: Any, target: Any, reduction: Any, quantile: Any) -> tuple[Any, ...]:
    x, y = _pair(input, target)
    q = in_range("quantile", quantile, 0.0, 1.0)
    if q in (0.0, 1.0):
        raise ValueError(f"quantile must lie strictly between 0 and 1, got {q}")
    return x, y, _reduction.check(reduction), q


@quantile.gradient
def quantile_grad(input: np.ndarray, target: np.ndarray, reduction: str, quantile: float, *, grad_output: Any) -> np.ndarray:
    r = target - input
    return _reduction.pull_back(np.where(r > 0, -quantile, np.where(r < 0, 1 - quantile, 0.0)), grad_output, reduction)


for _function in (mse_loss, l1_loss, smooth_l1_loss, huber_loss, rmse, mape, log_cosh, quantile):
    _document(_function)
