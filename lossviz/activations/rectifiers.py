"""Rectifiers: identity (or a line) for positive inputs, something cheap for negative ones.

relu, relu6, leaky_relu, prelu, rrelu, elu, selu, celu, threshold, softshrink, hardshrink.
They are piecewise, so their derivatives jump; at each kink lossviz returns exactly the
value torch's backward returns (determined by running torch), stated in each docstring.
torch's ``inplace`` flag is not mirrored: lossviz never mutates its input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_float, positive
from ._common import as_input, real, upstream, vjp
from ._registry import activation

__all__ = [
    "relu",
    "relu6",
    "leaky_relu",
    "prelu",
    "rrelu",
    "elu",
    "selu",
    "celu",
    "threshold",
    "softshrink",
    "hardshrink",
]

# selu's constants (Klambauer et al. 2017), as torch spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@activation(formula=r"\mathrm{relu}(x) = \max(x, 0)", torch="torch.nn.functional.relu")
def relu(input: Any) -> np.ndarray:
    """max(x, 0), element-wise. Derivative 1 for x > 0, 0 for x <= 0: relu'(0) = 0 (torch)."""
    return np.maximum(as_input(input), 0.0)


@relu.gradient
def relu_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp((as_input(input) > 0).astype(np.float64), grad_output)


@activation(formula=r"\mathrm{relu6}(x) = \min(\max(x, 0), 6)", torch="torch.nn.functional.relu6")
def relu6(input: Any) -> np.ndarray:
    """x clipped to [0, 6]. Derivative 1 on (0, 6), else 0; AT x = 0 and x = 6 it is 0 (torch)."""
    return np.clip(as_input(input), 0.0, 6.0)


@relu6.gradient
def relu6_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    x = as_input(input)
    return vjp(((x > 0) & (x < 6)).astype(np.float64), grad_output)


def _leaky(x: np.ndarray, slope: np.ndarray | float) -> np.ndarray:
    """x for x > 0, slope * x otherwise (shared by leaky_relu, rrelu and prelu)."""
    return np.where(x > 0, x, slope * x)


def _leaky_derivative(x: np.ndarray, slope: np.ndarray | float) -> np.ndarray:
    """1 for x > 0, the slope for x <= 0: at 0 torch returns the slope."""
    return np.where(x > 0, 1.0, slope * np.ones_like(x))


@activation(
    formula=r"\mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    torch="torch.nn.functional.leaky_relu",
)
def leaky_relu(input: Any, negative_slope: float = 0.01) -> np.ndarray:
    """x for x > 0, ``negative_slope * x`` otherwise (any real slope, as in torch).

    Derivative 1 for x > 0 and ``negative_slope`` for x <= 0, so AT 0 it is
    ``negative_slope`` (torch's choice).
    """
    return _leaky(as_input(input), real("negative_slope", negative_slope))


@leaky_relu.gradient
def leaky_relu_grad(input: Any, negative_slope: float = 0.01, *, grad_output: Any = None) -> np.ndarray:
    return vjp(_leaky_derivative(as_input(input), real("negative_slope", negative_slope)), grad_output)


def _prelu_slopes(x: np.ndarray, weight: Any) -> tuple[np.ndarray, np.ndarray]:
    """(weight as float64, weight broadcast against x along the channel dim 1)."""
    w = as_float("weight", weight)
    if w.ndim > 1:
        raise ValueError(f"weight must be a scalar or 1-D array, got shape {w.shape}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size not in (1, channels):
        raise ValueError(
            f"weight must hold 1 or {channels} slopes (input's channel dim 1 has size {channels}), got {w.size}"
        )
    if w.size == 1:
        return w, w.reshape(())
    return w, w.reshape((channels,) + (1,) * (x.ndim - 2))


@activation(
    formula=r"\mathrm{prelu}(x) = \begin{cases} x & x > 0 \\ a_c x & x \le 0 \end{cases}",
    torch="torch.nn.functional.prelu",
    wrt=("input", "weight"),
)
def prelu(input: Any, weight: Any) -> np.ndarray:
    """Leaky ReLU with learnable slopes ``weight``: one slope, or one per channel (dim 1).

    ``input``: any shape (channels on dim 1 when ndim >= 2); ``weight``: shape () or (1,),
    or (C,) with C = input.shape[1]. ``.grad`` returns (d/dinput, d/dweight): 1 or a_c for
    the input (at x = 0: a_c, as torch), and the sum of ``x * grad_output`` over the
    entries with x <= 0 of each channel for the weight.
    """
    x = as_input(input)
    _, slopes = _prelu_slopes(x, weight)
    return _leaky(x, slopes)


@prelu.gradient
def prelu_grad(input: Any, weight: Any, *, grad_output: Any = None) -> tuple[np.ndarray, np.ndarray]:
    x = as_input(input)
    w, slopes = _prelu_slopes(x, weight)
    g = upstream(x, grad_output)
    per_entry = np.where(x > 0, 0.0, x) * g
    if w.size == 1:
        weight_grad = np.sum(per_entry).reshape(w.shape)
    else:
        weight_grad = per_entry.sum(axis=tuple(a for a in range(x.ndim) if a != 1))
    return _leaky_derivative(x, slopes) * g, weight_grad


def _rrelu_slope(lower: Any, upper: Any) -> float:
    low, high = real("lower", lower), real("upper", upper)
    if low > high:
        raise ValueError(f"lower must be <= upper, got lower={low} > upper={high}")
    return (low + high) / 2


@activation(
    formula=r"\mathrm{rrelu}(x) = \begin{cases} x & x > 0 \\ \frac{l + u}{2} x & x \le 0 \end{cases}",
    torch="torch.nn.functional.rrelu",
)
def rrelu(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3) -> np.ndarray:
    """Randomized leaky ReLU in EVAL mode (torch's ``training=False``, its default).

    In training torch draws each negative slope uniformly from [lower, upper]; in eval
    mode it uses the fixed slope ``(lower + upper) / 2``, which is all lossviz computes
    (``training`` and ``inplace`` are not mirrored). Requires lower <= upper. Derivative
    1 for x > 0, ``(lower + upper) / 2`` for x <= 0 (so at 0 the slope, as torch).
    """
    return _leaky(as_input(input), _rrelu_slope(lower, upper))


@rrelu.gradient
def rrelu_grad(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, *, grad_output: Any = None) -> np.ndarray:
    return vjp(_leaky_derivative(as_input(input), _rrelu_slope(lower, upper)), grad_output)


def _elu(x: np.ndarray, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> np.ndarray:
    """torch's parametrised ELU: scale*x for x > 0, alpha*scale*expm1(input_scale*x) else.

    ``np.minimum`` keeps expm1 from overflowing on the branch np.where discards.
    """
    return np.where(x > 0, scale * x, alpha * scale * np.expm1(input_scale * np.minimum(x, 0.0)))


def _elu_derivative(x: np.ndarray, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> np.ndarray:
    """scale for x > 0, alpha*scale*input_scale*exp(input_scale*x) for x <= 0 (so at 0 the latter)."""
    return np.where(x > 0, scale, alpha * scale * input_scale * np.exp(input_scale * np.minimum(x, 0.0)))


@activation(
    formula=r"\mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    torch="torch.nn.functional.elu",
)
def elu(input: Any, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit (any real alpha, as torch), via expm1 for accuracy near 0.

    Derivative 1 for x > 0, ``alpha e^x`` for x <= 0; AT 0 torch takes the left branch, so
    elu'(0) = alpha (continuous only when alpha = 1).
    """
    return _elu(as_input(input), real("alpha", alpha))


@elu.gradient
def elu_grad(input: Any, alpha: float = 1.0, *, grad_output: Any = None) -> np.ndarray:
    return vjp(_elu_derivative(as_input(input), real("alpha", alpha)), grad_output)


@activation(
    formula=r"\mathrm{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    torch="torch.nn.functional.selu",
)
def selu(input: Any) -> np.ndarray:
    """Scaled ELU with torch's constants alpha = 1.67326..., lambda = 1.05070...

    Derivative lambda for x > 0, ``lambda alpha e^x`` for x <= 0; AT 0 it is
    ``lambda alpha = 1.75809934...`` (torch takes the left branch).
    """
    return _elu(as_input(input), SELU_ALPHA, SELU_SCALE)


@selu.gradient
def selu_grad(input: Any, *, grad_output: Any = None) -> np.ndarray:
    return vjp(_elu_derivative(as_input(input), SELU_ALPHA, SELU_SCALE), grad_output)


def _celu_alpha(alpha: Any) -> float:
    value = real("alpha", alpha)
    if value == 0:
        raise ValueError("alpha must be nonzero for celu: it divides x in exp(x / alpha)")
    return value


@activation(
    formula=r"\mathrm{celu}(x) = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
    torch="torch.nn.functional.celu",
)
def celu(input: Any, alpha: float = 1.0) -> np.ndarray:
    """Continuously differentiable ELU: x for x > 0, ``alpha (e^{x/alpha} - 1)`` else.

    alpha must be nonzero (torch raises too). Derivative 1 for x > 0, ``e^{x/alpha}`` for
    x <= 0, so celu'(0) = 1 from both sides.
    """
    alpha = _celu_alpha(alpha)
    return _elu(as_input(input), alpha, input_scale=1 / alpha)


@celu.gradient
def celu_grad(input: Any, alpha: float = 1.0, *, grad_output: Any = None) -> np.ndarray:
    alpha = _celu_alpha(alpha)
    return vjp(_elu_derivative(as_input(input), alpha, input_scale=1 / alpha), grad_output)


@activation(
    formula=r"\mathrm{threshold}(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}",
    torch="torch.nn.functional.threshold",
)
def threshold(input: Any, threshold: float, value: float) -> np.ndarray:
    """x where x > threshold, else the constant ``value`` (both required, as in torch).

    Derivative 1 for x > threshold, 0 for x <= threshold (AT the threshold: 0, torch's).
    """
    x = as_input(input)
    return np.where(x > real("threshold", threshold), x, real("value", value))


@threshold.gradient
def threshold_grad(input: Any, threshold: float, value: float, *, grad_output: Any = None) -> np.ndarray:
    real("value", value)
    return vjp((as_input(input) > real("threshold", threshold)).astype(np.float64), grad_output)


def _lambd(lambd: Any) -> float:
    return positive("lambd", lambd, allow_zero=True)


@activation(
    formula=r"\mathrm{softshrink}(x) = \mathrm{sign}(x) \max(|x| - \lambda, 0)",
    torch="torch.nn.functional.softshrink",
)
def softshrink(input: Any, lambd: float = 0.5) -> np.ndarray:
    """Soft thresholding (lambd >= 0, as torch requires): x -+ lambd outside [-lambd, lambd], else 0.

    Derivative 1 for |x| > lambd, 0 for |x| <= lambd (AT x = +-lambd: 0, torch's).
    """
    x, lambd = as_input(input), _lambd(lambd)
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


@softshrink.gradient
def softshrink_grad(input: Any, lambd: float = 0.5, *, grad_output: Any = None) -> np.ndarray:
    x, lambd = as_input(input), _lambd(lambd)
    return vjp((np.abs(x) > lambd).astype(np.float64), grad_output)


@activation(
    formula=r"\mathrm{hardshrink}(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    torch="torch.nn.functional.hardshrink",
)
def hardshrink(input: Any, lambd: float = 0.5) -> np.ndarray:
    """x where |x| > lambd, else 0 (any real lambd, as torch: a negative one keeps every x).

    Derivative 1 for |x| > lambd, 0 for |x| <= lambd (AT x = +-lambd: 0, torch's).
    """
    x, lambd = as_input(input), real("lambd", lambd)
    return np.where(np.abs(x) > lambd, x, 0.0)


@hardshrink.gradient
def hardshrink_grad(input: Any, lambd: float = 0.5, *, grad_output: Any = None) -> np.ndarray:
    x, lambd = as_input(input), real("lambd", lambd)
    return vjp((np.abs(x) > lambd).astype(np.float64), grad_output)
