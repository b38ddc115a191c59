"""Smooth rectifiers: ReLU-like for large |x|, differentiable everywhere.

gelu, silu, mish, softplus, and the piecewise hardswish (their cheap stand-in). Each is
``x`` times a gate in (0, 1), so each derivative is ``gate + x * gate'``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validate import one_of
from .._stable import sech2, sigmoid, softplus as _softplus
from ._common import as_input, real, vjp
from ._registry import activation

__all__ = ["gelu", "silu", "mish", "softplus", "hardswish"]

APPROXIMATIONS = ("none", "tanh")
# gelu's tanh approximation (Hendrycks & Gimpel 2016): tanh(sqrt(2/pi) (x + 0.044715 x^3)).
GELU_KAPPA = 0.044715
SQRT_2_OVER_PI = math.sqrt(2 / math.pi)

_erfc = np.frompyfunc(math.erfc, 1, 1)  # numpy has no erf; math's is the C library's


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the left tail's relative accuracy,
    where ``(1 + erf(x / sqrt 2)) / 2`` would cancel to 0 for x < -8."""
    return 0.5 * np.asarray(_erfc(-x / math.sqrt(2)), dtype=np.float64)


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

    ``approximate="none"``: exact, Phi via erfc (accurate in the left tail);
    ``approximate="tanh"``: ``x/2 (1 + tanh u)``, u = sqrt(2/pi)(x + 0.044715 x^3), computed
    as ``x sigmoid(2u)`` (the same number, without 1 + tanh cancelling for x << 0).
    Derivative: ``Phi(x) + x phi(x)`` (exact), ``s + x s (1 - s) 2u'`` with s = sigmoid(2u) (tanh).
    """
    x = as_input(input)
    if one_of("approximate", approximate, APPROXIMATIONS) == "none":
        return x * _normal_cdf(x)
    argument, _ = _tanh_gate_argument(x)
    return x * sigmoid(argument)


@gelu.gradient
def gelu_grad(input: Any, approximate: str = "none", *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    if one_of("approximate", approximate, APPROXIMATIONS) == "none":
        return vjp(_normal_cdf(x) + x * _normal_pdf(x), grad_output)
    argument, slope = _tanh_gate_argument(x)
    return vjp(sigmoid(argument) + x * sigmoid(argument) * sigmoid(-argument) * slope, grad_output)


@activation(formula=r"\mathrm{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}", torch="torch.nn.functional.silu")
def silu(input: Any) -> np.ndarray:
    """Sigmoid-weighted linear unit (swish with beta = 1): ``x sigma(x)``.

    Derivative ``sigma(x) (1 + x sigma(-x))`` (``sigma(-x) = 1 - sigma(x)`` without cancellation).
    """
    x = as_input(input)
    return x * sigmoid(x)


@silu.gradient
def silu_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    return vjp(sigmoid(x) * (1 + x * sigmoid(-x)), grad_output)


@activation(formula=r"\mathrm{mish}(x) = x \tanh(\log(1 + e^{x}))", torch="torch.nn.functional.mish")
def mish(input: Any) -> np.ndarray:
    """``x tanh(softplus(x))`` with the stable softplus (x = 1e4 gives 1e4, no overflow).

    Derivative ``tanh(sp) + x sigma(x) sech^2(sp)``, sp = softplus(x), since sp' = sigma.
    """
    x = as_input(input)
    return x * np.tanh(_softplus(x))


@mish.gradient
def mish_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    sp = _softplus(x)
    return vjp(np.tanh(sp) + x * sigmoid(x) * sech2(sp), grad_output)


def _softplus_options(beta: Any, threshold: Any) -> tuple[float, float]:
    beta = real("beta", beta)
    if beta == 0:
        raise ValueError("beta must be nonzero: softplus divides by it (torch returns inf)")
    return beta, real("threshold", threshold)


@activation(
    formula=r"\mathrm{softplus}(x) = \frac{1}{\beta} \log(1 + e^{\beta x}) \;(x \text{ where } \beta x > \text{threshold})",
    torch="torch.nn.functional.softplus",
)
def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Smooth ReLU ``log(1 + e^{beta x}) / beta``; where ``beta x > threshold`` it returns x.

    The switch to x is torch's (its value there differs from the curve by < e^{-20}/beta);
    below it lossviz uses ``max(bx, 0) + log1p(e^{-|bx|})`` so nothing overflows.
    beta may be negative (as torch) but not 0. Derivative ``sigma(beta x)``, and 1 where
    ``beta x > threshold`` (AT ``beta x = threshold`` it is still sigma, as torch).
    """
    x = as_input(input)
    beta, threshold = _softplus_options(beta, threshold)
    return np.where(beta * x > threshold, x, _softplus(beta * x) / beta)


@softplus.gradient
def softplus_grad(input: Any, beta: float = 1.0, threshold: float = 20.0, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    beta, threshold = _softplus_options(beta, threshold)
    return vjp(np.where(beta * x > threshold, 1.0, sigmoid(beta * x)), grad_output)


@activation(
    formula=r"\mathrm{hardswish}(x) = x \, \frac{\min(\max(x + 3, 0), 6)}{6}",
    torch="torch.nn.functional.hardswish",
)
def hardswish(input: Any) -> np.ndarray:
    """``x relu6(x + 3) / 6``: 0 for x <= -3, x for x >= 3, ``x (x + 3) / 6`` between.

    Derivative 0 for x <= -3, ``x/3 + 1/2`` for -3 < x < 3, 1 for x >= 3; AT x = -3 it is 0
    and AT x = 3 it is 1 (torch's choice; the one-sided limits are -1/2|0 and 3/2|1).
    """
    x = as_input(input)
    return x * np.clip(x + 3, 0.0, 6.0) / 6


@hardswish.gradient
def hardswish_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    return vjp(np.where(x <= -3, 0.0, np.where(x < 3, x / 3 + 0.5, 1.0)), grad_output)
