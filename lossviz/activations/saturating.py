"""Squashing activations: bounded outputs, derivatives that vanish far from 0.

sigmoid, tanh, logsigmoid, softsign, hardtanh, hardsigmoid, tanhshrink. Each derivative
is written in a form that stays accurate in the tails (no ``1 - tanh(x)**2`` that rounds to
0 long before the true value does) and finite for inputs of any size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._stable import sech2, sigmoid as _sigmoid, softplus
from .._validate import real
from ._common import as_input, document_plain, input_only, keep_nan, vjp
from ._registry import activation

__all__ = ["sigmoid", "tanh", "logsigmoid", "softsign", "hardtanh", "hardsigmoid", "tanhshrink"]


@activation(formula=r"\sigma(x) = \frac{1}{1 + e^{-x}}", torch="torch.nn.functional.sigmoid")
def sigmoid(input: Any) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + e^{-x})``, element-wise; values in (0, 1).
    {plain}
    Notes
    -----
    Evaluated as ``1/(1+e^{-x})`` for x >= 0 and ``e^{x}/(1+e^{x})`` for x < 0, so exp
    never overflows (x = -1e4 gives 0, not a warning). Derivative ``sigma(x) sigma(-x)``:
    the second factor is ``1 - sigma(x)`` without its cancellation.

    Examples
    --------
    >>> from lossviz.activations import sigmoid
    >>> sigmoid([-2.0, 0.0, 1.5])
    array([0.11920292, 0.5       , 0.81757448])
    >>> sigmoid.grad([-2.0, 0.0, 1.5])
    array([0.10499359, 0.25      , 0.14914645])
    """
    return _sigmoid(input)


sigmoid.arguments(input_only)


@sigmoid.gradient
def sigmoid_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(_sigmoid(input) * _sigmoid(-input), grad_output)


@activation(formula=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", torch="torch.nn.functional.tanh")
def tanh(input: Any) -> np.ndarray:
    """Hyperbolic tangent, element-wise; values in (-1, 1).
    {plain}
    Notes
    -----
    Derivative ``1 - tanh(x)^2 = sech(x)^2``, computed as ``4z/(1+z)^2`` with
    ``z = e^{-2|x|}`` so it stays accurate (and positive) where tanh rounds to +-1.

    Examples
    --------
    >>> from lossviz.activations import tanh
    >>> tanh([-2.0, 0.0, 1.5])
    array([-0.96402758,  0.        ,  0.90514825])
    >>> tanh.grad([-2.0, 0.0, 1.5])
    array([0.07065082, 1.        , 0.18070664])
    """
    return np.tanh(input)


tanh.arguments(input_only)


@tanh.gradient
def tanh_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(sech2(input), grad_output)


@activation(
    formula=r"\log\sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})",
    torch="torch.nn.functional.logsigmoid",
)
def logsigmoid(input: Any) -> np.ndarray:
    """``log(sigmoid(x))``, element-wise; values in (-inf, 0).
    {plain}
    Notes
    -----
    Stable form ``-(log1p(e^{-|x|}) + max(-x, 0))``: no overflow at x = -1e4 (gives
    -1e4) and no ``log(1) = 0`` rounding at large x (gives ``-e^{-x}``, as torch does).
    Derivative ``sigma(-x) = 1 - sigma(x)``.

    Examples
    --------
    >>> from lossviz.activations import logsigmoid
    >>> logsigmoid([-2.0, 0.0, 1.5])
    array([-2.12692801, -0.69314718, -0.20141328])
    >>> logsigmoid.grad([-2.0, 0.0, 1.5])
    array([0.88079708, 0.5       , 0.18242552])
    """
    return -softplus(-input)


logsigmoid.arguments(input_only)


@logsigmoid.gradient
def logsigmoid_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(_sigmoid(-input), grad_output)


@activation(formula=r"\mathrm{softsign}(x) = \frac{x}{1 + |x|}", torch="torch.nn.functional.softsign")
def softsign(input: Any) -> np.ndarray:
    """``x / (1 + |x|)``, element-wise; values in (-1, 1), polynomial (not exponential) tails.
    {plain}
    Notes
    -----
    Derivative ``1 / (1 + |x|)^2``; smooth at 0, where it is 1 (torch agrees).

    Examples
    --------
    >>> from lossviz.activations import softsign
    >>> softsign([-2.0, 0.0, 1.5])
    array([-0.66666667,  0.        ,  0.6       ])
    >>> softsign.grad([-2.0, 0.0, 1.5])
    array([0.11111111, 1.        , 0.16      ])
    """
    return input / (1 + np.abs(input))


softsign.arguments(input_only)


@softsign.gradient
def softsign_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(1 / (1 + np.abs(input)) ** 2, grad_output)


@activation(
    formula=r"\mathrm{hardtanh}(x) = \min(\max(x, \mathrm{min\_val}), \mathrm{max\_val})",
    torch="torch.nn.functional.hardtanh",
)
def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> np.ndarray:
    """``x`` clipped to [min_val, max_val], element-wise.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    min_val, max_val : float, default -1.0 and 1.0
        The ends of the linear part; ``min_val <= max_val``.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or an end not a real number.
    ValueError
        If ``min_val > max_val``.

    Notes
    -----
    Derivative 1 strictly inside, 0 outside; at the ends x = min_val and x = max_val it
    is 0, as in torch (``hardtanh_backward`` zeroes ``x <= min_val or x >= max_val``).
    torch's ``inplace`` is not mirrored: lossviz never mutates its input.

    Examples
    --------
    >>> from lossviz.activations import hardtanh
    >>> hardtanh([-2.0, 0.0, 1.5])
    array([-1.,  0.,  1.])
    >>> hardtanh.grad([-2.0, 0.0, 1.5])
    array([0., 1., 0.])
    """
    return np.clip(input, min_val, max_val)


@hardtanh.arguments
def _hardtanh_arguments(input: Any, min_val: Any, max_val: Any) -> tuple[np.ndarray, float, float]:
    low, high = real("min_val", min_val), real("max_val", max_val)
    if low > high:
        raise ValueError(f"min_val must be <= max_val, got min_val={low} > max_val={high}")
    return as_input(input), low, high


@hardtanh.gradient
def hardtanh_grad(input: np.ndarray, min_val: float, max_val: float, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where((input > min_val) & (input < max_val), 1.0, 0.0)), grad_output)


@activation(
    formula=r"\mathrm{hardsigmoid}(x) = \frac{\min(\max(x + 3, 0), 6)}{6}",
    torch="torch.nn.functional.hardsigmoid",
)
def hardsigmoid(input: Any) -> np.ndarray:
    """Piecewise-linear sigmoid: 0 for x <= -3, ``x/6 + 1/2`` between, 1 for x >= 3.
    {plain}
    Notes
    -----
    Derivative 1/6 for -3 < x < 3 and 0 elsewhere, including at x = -3 and x = 3 (torch's
    choice). torch's float64 backward multiplies by the float32 constant
    ``1.0f/6.0f = 0.16666667163...`` (3e-8 relative off); lossviz returns the exact 1/6.

    Examples
    --------
    >>> from lossviz.activations import hardsigmoid
    >>> hardsigmoid([-2.0, 0.0, 1.5])
    array([0.16666667, 0.5       , 0.75      ])
    >>> hardsigmoid.grad([-2.0, 0.0, 1.5])
    array([0.16666667, 0.16666667, 0.16666667])
    """
    return np.clip(input + 3, 0.0, 6.0) / 6  # exact just above -3, unlike x/6 + 1/2


hardsigmoid.arguments(input_only)


@hardsigmoid.gradient
def hardsigmoid_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where((input > -3) & (input < 3), 1 / 6, 0.0)), grad_output)


@activation(formula=r"\mathrm{tanhshrink}(x) = x - \tanh(x)", torch="torch.nn.functional.tanhshrink")
def tanhshrink(input: Any) -> np.ndarray:
    """``x - tanh(x)``, element-wise; near 0 it is about ``x^3/3``.
    {plain}
    Notes
    -----
    Derivative ``1 - sech(x)^2 = tanh(x)^2``, written as the square so it keeps its
    relative accuracy near 0 (``1 - (1 - tanh^2)`` would round to 0 for |x| < 1e-8).

    Examples
    --------
    >>> from lossviz.activations import tanhshrink
    >>> tanhshrink([-2.0, 0.0, 1.5])
    array([-1.03597242,  0.        ,  0.59485175])
    >>> tanhshrink.grad([-2.0, 0.0, 1.5])
    array([0.92934918, 0.        , 0.81929336])
    """
    return input - np.tanh(input)


tanhshrink.arguments(input_only)


@tanhshrink.gradient
def tanhshrink_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(np.tanh(input) ** 2, grad_output)


document_plain(sigmoid, tanh, logsigmoid, softsign, hardsigmoid, tanhshrink)
