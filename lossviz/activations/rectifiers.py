"""Rectifiers: identity (or a line) for positive inputs, something cheap for negative ones.

relu, relu6, leaky_relu, prelu, rrelu, elu, selu, celu, threshold, softshrink, hardshrink.
They are piecewise, so their derivatives jump; at each kink lossviz returns exactly the
value torch's backward returns (determined by running torch), stated in each docstring.
A NaN input gives NaN forwards (as in torch) and backwards (a NaN has no derivative).
torch's ``inplace`` flag is not mirrored: lossviz never mutates its input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_float, flag, positive, real
from ._common import as_input, document_plain, input_only, keep_nan, vjp
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
# rrelu(training=True) draws its slopes from numpy.random.default_rng(RRELU_SEED) at every
# call, so that .grad with the same arguments differentiates the very slopes the forward used.
RRELU_SEED = 0


def _left(x: np.ndarray, at: float = 0.0) -> np.ndarray:
    """Where the left piece applies, ``x <= at``: False for NaN, so a forward that keeps x
    on the right piece keeps a NaN."""
    return x <= at


@activation(formula=r"\mathrm{relu}(x) = \max(x, 0)", torch="torch.nn.functional.relu")
def relu(input: Any) -> np.ndarray:
    """Rectified linear unit, ``max(x, 0)``, element-wise.
    {plain}
    Notes
    -----
    Derivative 1 for x > 0, 0 for x <= 0: at the kink, relu'(0) = 0 (torch's choice).

    Examples
    --------
    >>> from lossviz.activations import relu
    >>> relu([-2.0, 0.0, 1.5])
    array([0. , 0. , 1.5])
    >>> relu.grad([-2.0, 0.0, 1.5])
    array([0., 0., 1.])
    """
    return np.where(_left(input), 0.0, input)


relu.arguments(input_only)


@relu.gradient
def relu_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where(_left(input), 0.0, 1.0)), grad_output)


@activation(formula=r"\mathrm{relu6}(x) = \min(\max(x, 0), 6)", torch="torch.nn.functional.relu6")
def relu6(input: Any) -> np.ndarray:
    """``x`` clipped to [0, 6], element-wise: a relu that saturates at 6.
    {plain}
    Notes
    -----
    Derivative 1 on (0, 6), else 0; at both kinks, x = 0 and x = 6, it is 0 (torch's).

    Examples
    --------
    >>> from lossviz.activations import relu6
    >>> relu6([-1.0, 3.0, 7.0])
    array([0., 3., 6.])
    >>> relu6.grad([-1.0, 3.0, 7.0])
    array([0., 1., 0.])
    """
    return np.clip(input, 0.0, 6.0)


relu6.arguments(input_only)


@relu6.gradient
def relu6_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where(_left(input) | (input >= 6), 0.0, 1.0)), grad_output)


def _leaky(x: np.ndarray, slope: np.ndarray | float) -> np.ndarray:
    """x for x > 0, slope * x otherwise (shared by leaky_relu, rrelu and prelu)."""
    return np.where(_left(x), slope * x, x)


def _leaky_derivative(x: np.ndarray, slope: np.ndarray | float) -> np.ndarray:
    """1 for x > 0, the slope for x <= 0: at 0 torch returns the slope (NaN at NaN)."""
    return keep_nan(x, np.where(_left(x), slope, 1.0))


@activation(
    formula=r"\mathrm{leaky\_relu}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    torch="torch.nn.functional.leaky_relu",
)
def leaky_relu(input: Any, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` for x > 0, ``negative_slope * x`` otherwise, element-wise.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    negative_slope : float, default 0.01
        The slope for x <= 0; any real number, as in torch.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``negative_slope`` not a real number.

    Notes
    -----
    Derivative 1 for x > 0 and ``negative_slope`` for x <= 0, so at the kink 0 it is
    ``negative_slope`` (torch's choice).

    Examples
    --------
    >>> from lossviz.activations import leaky_relu
    >>> leaky_relu([-2.0, 0.0, 1.5], negative_slope=0.1)
    array([-0.2,  0. ,  1.5])
    >>> leaky_relu.grad([-2.0, 0.0, 1.5], negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    return _leaky(input, negative_slope)


@leaky_relu.arguments
def _leaky_relu_arguments(input: Any, negative_slope: Any) -> tuple[np.ndarray, float]:
    return as_input(input), real("negative_slope", negative_slope)


@leaky_relu.gradient
def leaky_relu_grad(input: np.ndarray, negative_slope: float, *, grad_output: Any) -> np.ndarray:
    return vjp(_leaky_derivative(input, negative_slope), grad_output)


def _prelu_slopes(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``weight`` shaped to broadcast against x along the channel dim 1."""
    if weight.size == 1:
        return weight.reshape(())
    return weight.reshape((weight.size,) + (1,) * (x.ndim - 2))


@activation(
    formula=r"\mathrm{prelu}(x) = \begin{cases} x & x > 0 \\ a_c x & x \le 0 \end{cases}",
    torch="torch.nn.functional.prelu",
    wrt=("input", "weight"),
)
def prelu(input: Any, weight: Any) -> np.ndarray:
    """Leaky ReLU with learnable slopes ``weight``: one slope, or one per channel (dim 1).

    Parameters
    ----------
    input : array_like
        Real numbers of any shape; channels on dim 1 when it has two or more dims.
    weight : array_like
        The slopes for x <= 0: shape ``()`` or ``(1,)`` (one for all), or ``(C,)`` with
        ``C = input.shape[1]`` (one per channel).

    Returns
    -------
    ndarray
        ``input``'s shape. ``.grad`` returns ``(d/d input, d/d weight)``.

    Raises
    ------
    TypeError
        If ``input`` or ``weight`` is not real numbers.
    ValueError
        If ``weight`` has neither 1 nor C entries, or more than one dimension.

    Notes
    -----
    Derivative w.r.t. the input 1 or ``a_c`` (at x = 0: ``a_c``, as torch); w.r.t. the
    slope ``a_c``, the sum of ``x * grad_output`` over the entries with x <= 0 of channel c.

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.activations import prelu
    >>> x = np.array([[-2.0, 1.0], [-1.0, -4.0]])
    >>> prelu(x, [0.5, 0.25])
    array([[-1. ,  1. ],
           [-0.5, -1. ]])
    >>> d_input, d_weight = prelu.grad(x, [0.5, 0.25])
    >>> d_input
    array([[0.5 , 1.  ],
           [0.5 , 0.25]])
    >>> d_weight
    array([-3., -4.])
    """
    return _leaky(input, _prelu_slopes(input, weight))


@prelu.arguments
def _prelu_arguments(input: Any, weight: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_input(input)
    w = as_float("weight", weight)
    if w.ndim > 1:
        raise ValueError(f"weight must be a scalar or 1-D array, got shape {w.shape}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size not in (1, channels):
        raise ValueError(
            f"weight must hold 1 or {channels} slopes (input's channel dim 1 has size {channels}), got {w.size}"
        )
    return x, w


@prelu.gradient
def prelu_grad(input: np.ndarray, weight: np.ndarray, *, grad_output: Any) -> tuple[np.ndarray, np.ndarray]:
    x = input
    d_input = vjp(_leaky_derivative(x, _prelu_slopes(x, weight)), grad_output)
    # d out/d a_c = x where x <= 0: the input's gradient already holds g a_c there, so
    # recompute g x over those entries rather than divide by a_c (which may be 0).
    per_entry = vjp(np.where(x > 0, 0.0, x), grad_output)  # a NaN x stays in: NaN
    if weight.size == 1:
        weight_grad = np.sum(per_entry).reshape(weight.shape)
    else:
        weight_grad = per_entry.sum(axis=tuple(a for a in range(x.ndim) if a != 1))
    return d_input, weight_grad


@activation(
    formula=r"\mathrm{rrelu}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases},\quad "
    r"a = \tfrac{l + u}{2} \;\text{or}\; a \sim U(l, u) \;(\text{training})",
    torch="torch.nn.functional.rrelu",
)
def rrelu(
    input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False
) -> np.ndarray:
    """Randomized leaky ReLU: a leaky ReLU whose negative slope lies in [lower, upper].

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    lower, upper : float, default 1/8 and 1/3
        The range of the negative slope; ``lower <= upper``.
    training : bool, default False
        False (torch's evaluation mode): the fixed slope ``(lower + upper) / 2``. True: one
        slope per entry, drawn uniformly from [lower, upper] by
        ``numpy.random.default_rng(RRELU_SEED)`` (seed 0) at every call, so the same
        arguments give the same slopes and ``.grad`` differentiates exactly the function
        the forward computed. torch draws new slopes at every call instead.
    inplace : bool, default False
        Only False: lossviz never overwrites its input.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or an option has the wrong type.
    ValueError
        If ``lower > upper``, or ``inplace=True``.

    Notes
    -----
    Derivative 1 for x > 0 and the slope for x <= 0 (so at 0 the slope, as torch).

    Examples
    --------
    >>> from lossviz.activations import rrelu
    >>> rrelu([-2.0, 0.0, 1.5])
    array([-0.45833333,  0.        ,  1.5       ])
    >>> rrelu.grad([-2.0, 0.0, 1.5])
    array([0.22916667, 0.22916667, 1.        ])
    """
    return _leaky(input, _rrelu_slopes(input.shape, lower, upper, training))


def _rrelu_slopes(shape: tuple[int, ...], lower: float, upper: float, training: bool) -> np.ndarray | float:
    if not training:
        return (lower + upper) / 2
    return np.random.default_rng(RRELU_SEED).uniform(lower, upper, shape)


@rrelu.arguments
def _rrelu_arguments(input: Any, lower: Any, upper: Any, training: Any, inplace: Any) -> tuple[Any, ...]:
    low, high = real("lower", lower), real("upper", upper)
    if low > high:
        raise ValueError(f"lower must be <= upper, got lower={low} > upper={high}")
    if flag("inplace", inplace):
        raise ValueError("inplace=True is not supported: lossviz never overwrites its input; use the returned array")
    return as_input(input), low, high, flag("training", training), False


@rrelu.gradient
def rrelu_grad(
    input: np.ndarray, lower: float, upper: float, training: bool, inplace: bool, *, grad_output: Any
) -> np.ndarray:
    return vjp(_leaky_derivative(input, _rrelu_slopes(input.shape, lower, upper, training)), grad_output)


def _elu(x: np.ndarray, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> np.ndarray:
    """torch's parametrised ELU: scale*x for x > 0, alpha*scale*expm1(input_scale*x) else.

    ``np.minimum`` keeps expm1 from overflowing on the branch np.where discards.
    """
    return np.where(x > 0, scale * x, alpha * scale * np.expm1(input_scale * np.minimum(x, 0.0)))


def _elu_derivative(x: np.ndarray, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> np.ndarray:
    """scale for x > 0, alpha*scale*input_scale*exp(input_scale*x) for x <= 0 (so at 0 the
    latter; at NaN too, where exp gives NaN)."""
    return np.where(x > 0, scale, alpha * scale * input_scale * np.exp(input_scale * np.minimum(x, 0.0)))


@activation(
    formula=r"\mathrm{elu}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    torch="torch.nn.functional.elu",
)
def elu(input: Any, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: ``x`` for x > 0, ``alpha (e^x - 1)`` otherwise.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    alpha : float, default 1.0
        The negative branch's scale (its limit at -inf is ``-alpha``); any real number.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``alpha`` not a real number.

    Notes
    -----
    Computed with ``expm1`` for accuracy near 0. Derivative 1 for x > 0, ``alpha e^x``
    for x <= 0; at 0 torch takes the left branch, so elu'(0) = alpha (continuous only
    when alpha = 1).

    Examples
    --------
    >>> from lossviz.activations import elu
    >>> elu([-2.0, 0.0, 1.5], alpha=0.5)
    array([-0.43233236,  0.        ,  1.5       ])
    >>> elu.grad([-2.0, 0.0, 1.5], alpha=0.5)
    array([0.06766764, 0.5       , 1.        ])
    """
    return _elu(input, alpha)


@elu.arguments
def _elu_arguments(input: Any, alpha: Any) -> tuple[np.ndarray, float]:
    return as_input(input), real("alpha", alpha)


@elu.gradient
def elu_grad(input: np.ndarray, alpha: float, *, grad_output: Any) -> np.ndarray:
    return vjp(_elu_derivative(input, alpha), grad_output)


@activation(
    formula=r"\mathrm{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
    torch="torch.nn.functional.selu",
)
def selu(input: Any) -> np.ndarray:
    """Scaled ELU with torch's constants alpha = 1.67326..., lambda = 1.05070...
    {plain}
    Notes
    -----
    Derivative lambda for x > 0, ``lambda alpha e^x`` for x <= 0; at 0 it is
    ``lambda alpha = 1.75809934...`` (torch takes the left branch).

    Examples
    --------
    >>> from lossviz.activations import selu
    >>> selu([-2.0, 0.0, 1.5])
    array([-1.52016647,  0.        ,  1.57605148])
    >>> selu.grad([-2.0, 0.0, 1.5])
    array([0.23793287, 1.75809934, 1.05070099])
    """
    return _elu(input, SELU_ALPHA, SELU_SCALE)


selu.arguments(input_only)


@selu.gradient
def selu_grad(input: np.ndarray, *, grad_output: Any) -> np.ndarray:
    return vjp(_elu_derivative(input, SELU_ALPHA, SELU_SCALE), grad_output)


@activation(
    formula=r"\mathrm{celu}(x) = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
    torch="torch.nn.functional.celu",
)
def celu(input: Any, alpha: float = 1.0) -> np.ndarray:
    """Continuously differentiable ELU: ``x`` for x > 0, ``alpha (e^{x/alpha} - 1)`` else.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    alpha : float, default 1.0
        Any nonzero real number (it divides x; torch refuses 0 too).

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``alpha`` not a real number.
    ValueError
        If ``alpha`` is 0.

    Notes
    -----
    Derivative 1 for x > 0, ``e^{x/alpha}`` for x <= 0, so celu'(0) = 1 from both sides.

    Examples
    --------
    >>> from lossviz.activations import celu
    >>> celu([-2.0, 0.0, 1.5], alpha=2.0)
    array([-1.26424112,  0.        ,  1.5       ])
    >>> celu.grad([-2.0, 0.0, 1.5], alpha=2.0)
    array([0.36787944, 1.        , 1.        ])
    """
    return _elu(input, alpha, input_scale=1 / alpha)


@celu.arguments
def _celu_arguments(input: Any, alpha: Any) -> tuple[np.ndarray, float]:
    alpha = real("alpha", alpha)
    if alpha == 0:
        raise ValueError("alpha must be nonzero for celu: it divides x in exp(x / alpha)")
    return as_input(input), alpha


@celu.gradient
def celu_grad(input: np.ndarray, alpha: float, *, grad_output: Any) -> np.ndarray:
    return vjp(_elu_derivative(input, alpha, input_scale=1 / alpha), grad_output)


@activation(
    formula=r"\mathrm{threshold}(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}",
    torch="torch.nn.functional.threshold",
)
def threshold(input: Any, threshold: float, value: float) -> np.ndarray:
    """``x`` where x > threshold, else the constant ``value`` (both required, as in torch).

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    threshold : float
        Entries at or below it are replaced.
    value : float
        What replaces them.

    Returns
    -------
    ndarray
        ``input``'s shape; NaN entries stay NaN (as in torch).

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or an option not a real number.

    Notes
    -----
    Derivative 1 for x > threshold, 0 for x <= threshold (at the threshold: 0, torch's).

    Examples
    --------
    >>> from lossviz.activations import threshold
    >>> threshold([-2.0, 0.0, 1.5], 0.5, -1.0)
    array([-1. , -1. ,  1.5])
    >>> threshold.grad([-2.0, 0.0, 1.5], 0.5, -1.0)
    array([0., 0., 1.])
    """
    return np.where(_left(input, threshold), value, input)


@threshold.arguments
def _threshold_arguments(input: Any, threshold: Any, value: Any) -> tuple[np.ndarray, float, float]:
    return as_input(input), real("threshold", threshold), real("value", value)


@threshold.gradient
def threshold_grad(input: np.ndarray, threshold: float, value: float, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where(_left(input, threshold), 0.0, 1.0)), grad_output)


def _inside(x: np.ndarray, lambd: float) -> np.ndarray:
    """``-lambd <= x <= lambd``, the band the shrinks zero; False for NaN (so NaN stays NaN)."""
    return (x >= -lambd) & (x <= lambd)


@activation(
    formula=r"\mathrm{softshrink}(x) = \mathrm{sign}(x) \max(|x| - \lambda, 0)",
    torch="torch.nn.functional.softshrink",
)
def softshrink(input: Any, lambd: float = 0.5) -> np.ndarray:
    """Soft thresholding: 0 on [-lambd, lambd], ``x -+ lambd`` outside.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    lambd : float, default 0.5
        The half-width of the band set to 0; ``lambd >= 0``, as torch requires.

    Returns
    -------
    ndarray
        ``input``'s shape; NaN entries stay NaN (as in torch).

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``lambd`` not a real number.
    ValueError
        If ``lambd < 0``.

    Notes
    -----
    Derivative 1 for |x| > lambd, 0 for |x| <= lambd (at x = +-lambd: 0, torch's).

    Examples
    --------
    >>> from lossviz.activations import softshrink
    >>> softshrink([-2.0, 0.0, 1.5], lambd=0.5)
    array([-1.5,  0. ,  1. ])
    >>> softshrink.grad([-2.0, 0.0, 1.5], lambd=0.5)
    array([1., 0., 1.])
    """
    return np.where(_inside(input, lambd), 0.0, input - np.sign(input) * lambd)


@softshrink.arguments
def _softshrink_arguments(input: Any, lambd: Any) -> tuple[np.ndarray, float]:
    return as_input(input), positive("lambd", lambd, allow_zero=True)


@softshrink.gradient
def softshrink_grad(input: np.ndarray, lambd: float, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where(_inside(input, lambd), 0.0, 1.0)), grad_output)


@activation(
    formula=r"\mathrm{hardshrink}(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    torch="torch.nn.functional.hardshrink",
)
def hardshrink(input: Any, lambd: float = 0.5) -> np.ndarray:
    """Hard thresholding: ``x`` where |x| > lambd, else 0.

    Parameters
    ----------
    input : array_like
        Real numbers of any shape.
    lambd : float, default 0.5
        Any real number, as torch (a negative one keeps every x).

    Returns
    -------
    ndarray
        ``input``'s shape; NaN entries stay NaN (as in torch).

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``lambd`` not a real number.

    Notes
    -----
    Derivative 1 for |x| > lambd, 0 for |x| <= lambd (at x = +-lambd: 0, torch's).

    Examples
    --------
    >>> from lossviz.activations import hardshrink
    >>> hardshrink([-2.0, 0.0, 1.5], lambd=0.5)
    array([-2. ,  0. ,  1.5])
    >>> hardshrink.grad([-2.0, 0.0, 1.5], lambd=0.5)
    array([1., 0., 1.])
    """
    return np.where(_inside(input, lambd), 0.0, input)


@hardshrink.arguments
def _hardshrink_arguments(input: Any, lambd: Any) -> tuple[np.ndarray, float]:
    return as_input(input), real("lambd", lambd)


@hardshrink.gradient
def hardshrink_grad(input: np.ndarray, lambd: float, *, grad_output: Any) -> np.ndarray:
    return vjp(keep_nan(input, np.where(_inside(input, lambd), 0.0, 1.0)), grad_output)


document_plain(relu, relu6, selu)
