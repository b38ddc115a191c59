"""Squashing activations: bounded outputs, derivatives that vanish far from 0.

sigmoid, tanh, logsigmoid, softsign, hardtanh, hardsigmoid, tanhshrink. Each derivative
is written in a form that stays accurate in the tails (no ``1 - tanh(x)**2`` that rounds to
0 long before the true value does) and finite for inputs of any size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._stable import sech2, sigmoid as _sigmoid, softplus
from ._common import as_input, real, vjp
from ._registry import activation

__all__ = ["sigmoid", "tanh", "logsigmoid", "softsign", "hardtanh", "hardsigmoid", "tanhshrink"]


@activation(formula=r"\sigma(x) = \frac{1}{1 + e^{-x}}", torch="torch.nn.functional.sigmoid")
def sigmoid(input: Any) -> np.ndarray:
    """Logistic sigmoid, element-wise; any shape -> same shape, values in (0, 1).

    Evaluated as ``1/(1+e^{-x})`` for x >= 0 and ``e^{x}/(1+e^{x})`` for x < 0, so exp
    never overflows (x = -1e4 gives 0, not a warning). Derivative
    ``sigma(x) sigma(-x)``: the second factor is ``1 - sigma(x)`` without its cancellation.
    """
    return _sigmoid(as_input(input))


@sigmoid.gradient
def sigmoid_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    return vjp(_sigmoid(x) * _sigmoid(-x), grad_output)


@activation(formula=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", torch="torch.nn.functional.tanh")
def tanh(input: Any) -> np.ndarray:
    """Hyperbolic tangent, element-wise; values in (-1, 1).

    Derivative ``1 - tanh(x)^2 = sech(x)^2``, computed as ``4z/(1+z)^2`` with
    ``z = e^{-2|x|}`` so it stays accurate (and positive) where tanh rounds to +-1.
    """
    return np.tanh(as_input(input))


@tanh.gradient
def tanh_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp(sech2(as_input(input)), grad_output)


@activation(
    formula=r"\log\sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})",
    torch="torch.nn.functional.logsigmoid",
)
def logsigmoid(input: Any) -> np.ndarray:
    """log(sigmoid(x)), element-wise; values in (-inf, 0).

    Stable form ``-(log1p(e^{-|x|}) + max(-x, 0))``: no overflow at x = -1e4 (gives
    -1e4) and no ``log(1) = 0`` rounding at large x (gives ``-e^{-x}``, as torch does).
    Derivative ``sigma(-x) = 1 - sigma(x)``.
    """
    return -softplus(-as_input(input))


@logsigmoid.gradient
def logsigmoid_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp(_sigmoid(-as_input(input)), grad_output)


@activation(formula=r"\mathrm{softsign}(x) = \frac{x}{1 + |x|}", torch="torch.nn.functional.softsign")
def softsign(input: Any) -> np.ndarray:
    """x / (1 + |x|), element-wise; values in (-1, 1), polynomial (not exponential) tails.

    Derivative ``1 / (1 + |x|)^2``; smooth at 0, where it is 1 (torch agrees).
    """
    x = as_input(input)
    return x / (1 + np.abs(x))


@softsign.gradient
def softsign_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp(1 / (1 + np.abs(as_input(input))) ** 2, grad_output)


def _hardtanh_options(min_val: Any, max_val: Any) -> tuple[float, float]:
    low, high = real("min_val", min_val), real("max_val", max_val)
    if low > high:
        raise ValueError(f"min_val must be <= max_val, got min_val={low} > max_val={high}")
    return low, high


@activation(
    formula=r"\mathrm{hardtanh}(x) = \min(\max(x, \mathrm{min\_val}), \mathrm{max\_val})",
    torch="torch.nn.functional.hardtanh",
)
def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    """x clipped to [min_val, max_val], element-wise (requires min_val <= max_val).

    Derivative 1 strictly inside, 0 outside; AT the ends x = min_val and x = max_val it is
    0, as in torch (``hardtanh_backward`` zeroes ``x <= min_val or x >= max_val``).
    torch's ``inplace`` is not mirrored: lossviz never mutates its input.
    """
    low, high = _hardtanh_options(min_val, max_val)
    return np.clip(as_input(input), low, high)


@hardtanh.gradient
def hardtanh_grad(input: Any, min_val: float = -1.0, max_val: float = 1.0, *, grad_output: Any = None) -> np.ndarray:
    low, high = _hardtanh_options(min_val, max_val)
    x = as_input(input)
    return vjp(((x > low) & (x < high)).astype(np.float64), grad_output)


@activation(
    formula=r"\mathrm{hardsigmoid}(x) = \frac{\min(\max(x + 3, 0), 6)}{6}",
    torch="torch.nn.functional.hardsigmoid",
)
def hardsigmoid(input: Any) -> np.ndarray:
    """Piecewise-linear sigmoid: 0 for x <= -3, x/6 + 1/2 between, 1 for x >= 3.

    Derivative 1/6 for -3 < x < 3 and 0 elsewhere, including AT x = -3 and x = 3 (torch's
    choice). Note: torch's float64 backward multiplies by the float32 constant
    ``1.0f/6.0f = 0.16666667163...`` (3e-8 relative off); lossviz returns the exact 1/6.
    """
    return np.clip(as_input(input) + 3, 0.0, 6.0) / 6  # exact just above -3, unlike x/6 + 1/2


@hardsigmoid.gradient
def hardsigmoid_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    return vjp(np.where((x > -3) & (x < 3), 1 / 6, 0.0), grad_output)


@activation(formula=r"\mathrm{tanhshrink}(x) = x - \tanh(x)", torch="torch.nn.functional.tanhshrink")
def tanhshrink(input: Any) -> np.ndarray:
    """x - tanh(x), element-wise; near 0 it is about x^3/3.

    Derivative ``1 - sech(x)^2 = tanh(x)^2``, written as the square so it keeps its
    relative accuracy near 0 (``1 - (1 - tanh^2)`` would round to 0 for |x| < 1e-8).
    """
    x = as_input(input)
    return x - np.tanh(x)


@tanhshrink.gradient
def tanhshrink_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp(np.tanh(as_input(input)) ** 2, grad_output)
