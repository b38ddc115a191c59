"""Smooth rectifiers: ReLU-like for large |x|, differentiable everywhere.

gelu, silu, mish, softplus, and the piecewise hardswish (their cheap stand-in). Each is
``x`` times a gate in (0, 1), so each derivative is ``gate + x * gate'``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._stable import sech2, sigmoid, softplus as _softplus
from .._validate import one_of, real
from ._common import as_input, document_plain, input_only, keep_nan, vjp
from ._registry import activation

__all__ = ["gelu", "silu", "mish", "softplus", "hardswish"]

APPROXIMATIONS = ("none", "tanh")
# gelu's tanh approximation (Hendrycks & Gimpel 2016): tanh(sqrt(2/pi) (x + 0.044715 x^3)).
GELU_KAPPA = 0.044715
SQRT_2_OVER_PI = math.sqrt(2 / math.pi)

_erfc = np.frompyfunc(math.erfc, 1, 1)  # numpy has no erf; math's is the C library's


_CHUNK = 1 << 16  # erfc runs per element through Python objects: a chunk at a time bounds their memory


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the left tail's relative accuracy,
    where ``(1 + erf(x / sqrt 2)) / 2`` would cancel to 0 for x < -8."""
    scaled = np.ravel(-x / math.sqrt(2))
    cdf = np.empty_like(scaled)
    for start in range(0, scaled.size, _CHUNK):
        cdf[start : start + _CHUNK] = _erfc(scaled[start : start + _CHUNK])
    return 0.5 * cdf.reshape(np.shape(x))


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _tanh_gate_argument(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(2u, d(2u)/dx) with u = sqrt(2/pi) (x + kappa x^3); ``(1 + tanh u)/2 = sigmoid(2u)``."""
    return 2 * SQRT_2_OVER_PI * (x + GELU_KAPPA * x**3), 2 * SQRT_2_OVER_PI * (1 + 3 * GELU_KAPPA * x * x)


@activation(
    formula=r"\mathrm{gelu}(x) = x\,\Phi(x) \;\text{or}\; \tfrac{x}{2}\bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715 x^3)\bigr)\bigr)",
    torch="torch.nn.functional.gelu",
)
def gelu(input: Any, approximate: str = "none") -> np.ndarray:
    """Gaussian error linear unit: ``x Phi(x)`` with Phi the standard normal CDF.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    approximate : {"none", "tanh"}, default "none"
        ``"none"``: exact, Phi via erfc (accurate in the left tail). ``"tanh"``:
        ``x/2 (1 + tanh u)``, u = sqrt(2/pi)(x + 0.044715 x^3), computed as
        ``x sigmoid(2u)`` (the same number, without 1 + tanh cancelling for x << 0).

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not an array of real numbers.
    ValueError
        If ``approximate`` is not "none" or "tanh".

    Notes
    -----
    Derivative: ``Phi(x) + x phi(x)`` (exact), ``s + x s (1 - s) 2u'`` with
    s = sigmoid(2u) (tanh).

    Examples
    --------
    >>> from lossviz.activations import gelu
    >>> gelu([-2.0, 0.0, 1.5])
    array([-0.04550026,  0.        ,  1.3997892 ])
    >>> gelu.grad([-2.0, 0.0, 1.5])
    array([-0.0852318 ,  0.5       ,  1.12746919])
    >>> gelu([-2.0, 0.0, 1.5], approximate="tanh")
    array([-0.04540231,  0.        ,  1.39957158])
    """
    if approximate == "none":
        return input * _normal_cdf(input)
    argument, _ = _tanh_gate_argument(input)
    return input * sigmoid(argument)


@gelu.arguments
def _gelu_arguments(input: Any, approximate: Any) -> tuple[np.ndarray, str]:
    return as_input(input), one_of("approximate", approximate, APPROXIMATIONS)


@gelu.gradient
def gelu_grad(input: np.ndarray, approximate: str, *, grad_output: Any) -> np.ndarray:
    x = input
    if approximate == "none":
        return vjp(_normal_cdf(x) + x * _normal_pdf(x), grad_output)
    argument, slope = _tanh_gate_argument(x)
    return vjp(sigmoid(argument) + x * sigmoid(argument) * sigmoid(-argument) * slope, grad_output)



@activation(formula=r"\mathrm{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}", torch="torch.nn.functional.silu")
def silu(input: Any) -> np.ndarray:
    """Sigmoid-weighted linear unit (swish with beta = 1): ``x sigma(x)``.
    {plain}
    Notes
    -----
    Derivative ``sigma(x) (1 + x sigma(-x))`` (``sigma(-x) = 1 - sigma(x)`` without
    cancellation).

    Examples
    --------
    >>> from lossviz.activations import silu
    >>> silu([-2.0, 0.0, 1.5])
    array([-0.23840584,  0.        ,  1.22636171])
    >>> silu.grad([-2.0, 0.0, 1.5])
    array([-0.09078425,  0.5       ,  1.04129415])
    """
    return input * sigmoid(input)


silu.arguments(input_only)


@silu.gradient
def silu_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(sigmoid(input) * (1 + input * sigmoid(-input)), grad_output)


@activation(formula=r"\mathrm{mish}(x) = x \tanh(\log(1 + e^{x}))", torch="torch.nn.functional.mish")
def mish(input: Any) -> np.ndarray:
    """``x tanh(softplus(x))`` with the stable softplus (x = 1e4 gives 1e4, no overflow).
    {plain}
    Notes
    -----
    Derivative ``tanh(sp) + x sigma(x) sech^2(sp)``, sp = softplus(x), since sp' = sigma.

    Examples
    --------
    >>> from lossviz.activations import mish
    >>> mish([-2.0, 0.0, 1.5])
    array([-0.25250148,  0.        ,  1.40337827])
    >>> mish.grad([-2.0, 0.0, 1.5])
    array([-0.10835509,  0.6       ,  1.08848799])
    """
    return input * np.tanh(_softplus(input))


mish.arguments(input_only)


@mish.gradient
def mish_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    sp = _softplus(input)
    return vjp(np.tanh(sp) + input * sigmoid(input) * sech2(sp), grad_output)


@activation(
    formula=r"\mathrm{softplus}(x) = \frac{1}{\beta} \log(1 + e^{\beta x}) \;(x \text{ where } \beta x > \text{threshold})",
    torch="torch.nn.functional.softplus",
)
def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Smooth ReLU ``log(1 + e^{beta x}) / beta``; where ``beta x > threshold`` it returns x.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    beta : float, default 1.0
        Sharpness; any nonzero real number (negative as in torch, not 0).
    threshold : float, default 20.0
        Above ``beta x > threshold`` the result is x itself (torch's switch; the curve
        differs from x there by less than e^{-20}/beta).

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or an option not a real number.
    ValueError
        If ``beta`` is 0.

    Notes
    -----
    Below the switch lossviz uses ``max(bx, 0) + log1p(e^{-|bx|})`` so nothing overflows.
    Derivative ``sigma(beta x)``, and 1 where ``beta x > threshold`` (at
    ``beta x = threshold`` it is still sigma, as torch).

    Examples
    --------
    >>> from lossviz.activations import softplus
    >>> softplus([-2.0, 0.0, 1.5])
    array([0.12692801, 0.69314718, 1.70141328])
    >>> softplus.grad([-2.0, 0.0, 1.5])
    array([0.11920292, 0.5       , 0.81757448])
    >>> softplus([-2.0, 0.0, 1.5], beta=2.0, threshold=2.0)
    array([0.00907496, 0.34657359, 1.5       ])
    """
    return np.where(beta * input > threshold, input, _softplus(beta * input) / beta)


@softplus.arguments
def _softplus_arguments(input: Any, beta: Any, threshold: Any) -> tuple[np.ndarray, float, float]:
    beta = real("beta", beta)
    if beta == 0:
        raise ValueError("beta must be nonzero: softplus divides by it (torch returns inf)")
    return as_input(input), beta, real("threshold", threshold)


@softplus.gradient
def softplus_grad(input: np.ndarray, beta: float, threshold: float, *, grad_output: Any) -> np.ndarray:
    return vjp(np.where(beta * input > threshold, 1.0, sigmoid(beta * input)), grad_output)


@activation(
    formula=r"\mathrm{hardswish}(x) = x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
    torch="torch.nn.functional.hardswish",
)
def hardswish(input: Any) -> np.ndarray:
    """``x relu6(x + 3) / 6``: 0 for x <= -3, x for x >= 3, ``x (x + 3) / 6`` between.
    {plain}
    Notes
    -----
    Derivative 0 for x <= -3, ``x/3 + 1/2`` for -3 < x < 3, 1 for x >= 3; at x = -3 it is
    0 and at x = 3 it is 1 (torch's choice; the one-sided limits are -1/2|0 and 3/2|1).

    Examples
    --------
    >>> from lossviz.activations import hardswish
    >>> hardswish([-2.0, 0.0, 1.5])
    array([-0.33333333,  0.        ,  1.125     ])
    >>> hardswish.grad([-2.0, 0.0, 1.5])
    array([-0.16666667,  0.5       ,  1.        ])
    """
    return input * np.clip(input + 3, 0.0, 6.0) / 6


hardswish.arguments(input_only)


@hardswish.gradient
def hardswish_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    x = input
    return vjp(keep_nan(x, np.where(x <= -3, 0.0, np.where(x < 3, x / 3 + 0.5, 1.0))), grad_output)


document_plain(silu, mish, hardswish)
