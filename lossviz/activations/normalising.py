"""Activations that act on a whole dimension at once: softmax, log_softmax, softmin, glu.

Their outputs mix the entries along ``dim``, so the derivative is a Jacobian, not a
number per entry. ``.grad`` is the vector-Jacobian product (what backprop needs);
softmax, log_softmax, softmin and glu also offer ``.jacobian(input, dim)``, the full Jacobian of
shape ``input.shape + input.shape`` (output index first, as torch.autograd.functional.jacobian);
glu's ``.jacobian`` has shape ``output.shape + input.shape``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _reduction
from .._stable import log_softmax as _log_softmax, sigmoid, softmax as _softmax
from .._validate import axis, outside_stacklevel
from ._common import as_input, vjp
from ._registry import activation

__all__ = ["softmax", "log_softmax", "softmin", "glu"]


def _softmax_arguments(name: str):
    """The argument check of softmax, log_softmax or softmin: (input, dim as an axis).

    ``dim=None`` follows torch's deprecated implicit rule, with its warning: dim 0 for
    0-, 1- and 3-dimensional inputs, dim 1 otherwise.
    """

    def check(input: Any, dim: Any) -> tuple[np.ndarray, int]:
        x = as_input(input)
        if dim is None:
            warnings.warn(
                f"Implicit dimension choice for {name} has been deprecated (as in torch): pass dim=...",
                UserWarning,
                stacklevel=outside_stacklevel(),
            )
            return x, 0 if x.ndim in (0, 1, 3) else 1
        return x, axis("dim", dim, x.ndim)

    return check


def _along(function: Any, x: np.ndarray, dim: int) -> np.ndarray:
    """``function(x, dim)`` on x seen as >= 1-D (a 0-d input acts as shape (1,)), in x's shape."""
    return function(np.atleast_1d(x), dim).reshape(x.shape)


def _softmax_vjp(probs: np.ndarray, g: np.ndarray, dim: int) -> np.ndarray:
    """J^T g for J = diag(p) - p p^T along ``dim``: ``p * (g - sum(g p))``."""
    return probs * (g - np.sum(g * probs, axis=dim, keepdims=True))


def _checked_grad_output(x: np.ndarray, grad_output: Any) -> np.ndarray:
    """``grad_output`` (ones if None) checked against the output's shape, as >= 1-D."""
    return np.atleast_1d(_reduction.reduce_backward(grad_output, x.shape, "none"))


def _rows(array: np.ndarray, dim: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """The slices along ``dim`` as rows of a (count, n) matrix, and the other dims' shape."""
    moved = np.moveaxis(array, dim, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape[:-1]


def _full_jacobian(blocks: np.ndarray, batch: tuple[int, ...], dim: int) -> np.ndarray:
    """Assemble the (output shape + input shape) Jacobian from per-slice blocks.

    Slices along ``dim`` do not interact, so the Jacobian is block-diagonal: ``blocks``
    (count, m, n) holds d(output slice)/d(input slice) for each of the ``count`` slices,
    ``batch`` is the shape of the other dims, and ``dim`` goes back to its place twice.
    """
    count, m, n = blocks.shape
    full = np.zeros((count, m, count, n))
    full[np.arange(count), :, np.arange(count), :] = blocks
    full = full.reshape(batch + (m,) + batch + (n,))
    k = len(batch)
    return np.moveaxis(full, (k, 2 * k + 1), (dim, k + 1 + dim))


def _softmax_block(p: np.ndarray) -> np.ndarray:
    """(count, n, n) blocks d p_i / d x_j = p_i (delta_ij - p_j) of (count, n) rows p."""
    return p[:, :, None] * (np.eye(p.shape[-1]) - p[:, None, :])


def _jacobian(x: np.ndarray, dim: int, blocks: Any, probs_of: Any) -> np.ndarray:
    """The full Jacobian of a softmax-family function from its per-slice ``blocks(p)``."""
    probs, batch = _rows(probs_of(np.atleast_1d(x), dim), dim)
    return _full_jacobian(blocks(probs), batch, dim).reshape(x.shape * 2)


_SOFTMAX_PARAMETERS = """
    Parameters
    ----------
    input : array_like
        Real numbers of any shape (a dimension of size 0 gives an empty result).
    dim : int, optional
        The dimension along which the entries are normalised (negative counts from the
        end). ``None`` follows torch's deprecated implicit rule (dim 0 for 0-, 1- or 3-D
        input, else 1) and warns, as torch does.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``dim`` not an int.
    ValueError
        If ``dim`` is out of range for ``input``.
"""


@activation(
    formula=r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    torch="torch.nn.functional.softmax",
    view=None,
)
def softmax(input: Any, dim: int | None = None) -> np.ndarray:
    """Probabilities along ``dim``: ``e^{x_i} / sum_j e^{x_j}``; each slice sums to 1.
    {parameters}
    Notes
    -----
    Computed as ``exp(x - max) / sum`` so logits of +-1e4 give exact 0s and 1s, not NaN.
    Jacobian ``diag(p) - p p^T`` per slice; ``.grad`` returns ``p * (g - sum(g p))``,
    ``.jacobian(input, dim)`` the full matrix. torch's ``dtype`` and ``_stacklevel`` are
    not mirrored (lossviz computes in float64).

    Examples
    --------
    >>> from lossviz.activations import softmax
    >>> softmax([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1)
    array([[0.09003057, 0.24472847, 0.66524096],
           [0.33333333, 0.33333333, 0.33333333]])
    >>> softmax.grad([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1, grad_output=[[1, 0, 0], [0, 2, 0]])
    array([[ 0.08192507, -0.02203304, -0.05989202],
           [-0.22222222,  0.44444444, -0.22222222]])
    """
    return _along(_softmax, input, dim)


softmax.arguments(_softmax_arguments("softmax"))


@softmax.gradient
def softmax_grad(input: np.ndarray, dim: int, *, grad_output: Any) -> np.ndarray:
    probs = _softmax(np.atleast_1d(input), dim)
    return _softmax_vjp(probs, _checked_grad_output(input, grad_output), dim).reshape(input.shape)


def softmax_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d softmax(x)[i] / d x[j], shape input.shape + input.shape."""
    x, dim = softmax.checked(input, dim).values()
    return _jacobian(x, dim, _softmax_block, _softmax)


@activation(
    formula=r"\mathrm{log\_softmax}(x)_i = x_i - \log \sum_j e^{x_j}",
    torch="torch.nn.functional.log_softmax",
    view=None,
)
def log_softmax(input: Any, dim: int | None = None) -> np.ndarray:
    """``log(softmax(x))`` along ``dim`` via log-sum-exp.
    {parameters}
    Notes
    -----
    Finite for logits of +-1e4, where ``log(softmax)`` would give ``log(0) = -inf``.
    Jacobian ``delta_ij - p_j`` per slice (p = softmax); ``.grad`` returns
    ``g - p * sum(g)``, ``.jacobian(input, dim)`` the full matrix.

    Examples
    --------
    >>> from lossviz.activations import log_softmax
    >>> log_softmax([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1)
    array([[-2.40760596, -1.40760596, -0.40760596],
           [-1.09861229, -1.09861229, -1.09861229]])
    >>> log_softmax.grad([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1, grad_output=[[1, 0, 0], [0, 2, 0]])
    array([[ 0.90996943, -0.24472847, -0.66524096],
           [-0.66666667,  1.33333333, -0.66666667]])
    """
    return _along(_log_softmax, input, dim)


log_softmax.arguments(_softmax_arguments("log_softmax"))


@log_softmax.gradient
def log_softmax_grad(input: np.ndarray, dim: int, *, grad_output: Any) -> np.ndarray:
    probs = _softmax(np.atleast_1d(input), dim)
    g = _checked_grad_output(input, grad_output)
    return (g - probs * np.sum(g, axis=dim, keepdims=True)).reshape(input.shape)


def log_softmax_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d log_softmax(x)[i] / d x[j] = delta_ij - p_j, shape input.shape + input.shape."""
    x, dim = log_softmax.checked(input, dim).values()
    return _jacobian(x, dim, lambda p: np.eye(p.shape[-1]) - p[:, None, :], _softmax)


def _softmin(x: np.ndarray, dim: int) -> np.ndarray:
    return _softmax(-x, dim)


@activation(
    formula=r"\mathrm{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
    torch="torch.nn.functional.softmin",
    view=None,
)
def softmin(input: Any, dim: int | None = None) -> np.ndarray:
    """``softmax(-x)`` along ``dim``: the smallest entry gets the largest probability.
    {parameters}
    Notes
    -----
    Jacobian ``-(diag(s) - s s^T)`` per slice (s = softmin).

    Examples
    --------
    >>> from lossviz.activations import softmin
    >>> softmin([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1)
    array([[0.66524096, 0.24472847, 0.09003057],
           [0.33333333, 0.33333333, 0.33333333]])
    >>> softmin.grad([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dim=1, grad_output=[[1, 0, 0], [0, 2, 0]])
    array([[-0.22269543,  0.1628034 ,  0.05989202],
           [ 0.22222222, -0.44444444,  0.22222222]])
    """
    return _along(_softmin, input, dim)


softmin.arguments(_softmax_arguments("softmin"))


@softmin.gradient
def softmin_grad(input: np.ndarray, dim: int, *, grad_output: Any) -> np.ndarray:
    probs = _softmin(np.atleast_1d(input), dim)
    return (-_softmax_vjp(probs, _checked_grad_output(input, grad_output), dim)).reshape(input.shape)


def softmin_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d softmin(x)[i] / d x[j] = -s_i (delta_ij - s_j), shape input.shape + input.shape."""
    x, dim = softmin.checked(input, dim).values()
    return _jacobian(x, dim, lambda p: -_softmax_block(p), _softmin)


softmax.jacobian = softmax_jacobian
log_softmax.jacobian = log_softmax_jacobian
softmin.jacobian = softmin_jacobian
for _function in (softmax, log_softmax, softmin):
    _function.__doc__ = _function.__doc__.replace("{parameters}", _SOFTMAX_PARAMETERS)


def _halves(x: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    return tuple(np.split(x, 2, axis=dim))


@activation(formula=r"\mathrm{glu}(a, b) = a \otimes \sigma(b)", torch="torch.nn.functional.glu", view=None)
def glu(input: Any, dim: int = -1) -> np.ndarray:
    """Gated linear unit: split ``input`` into halves a, b along ``dim``; ``a * sigmoid(b)``.

    Parameters
    ----------
    input : array_like
        Real numbers with at least one dimension; ``dim`` of even size.
    dim : int, default -1
        The dimension halved (negative counts from the end).

    Returns
    -------
    ndarray
        ``input``'s shape with ``dim`` half as long.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``dim`` not an int.
    ValueError
        If ``input`` is 0-d, ``dim`` out of range, or of odd size.

    Notes
    -----
    ``.grad`` returns the two halves' gradients joined along ``dim``: ``g sigma(b)`` for a
    and ``g a sigma(b) sigma(-b)`` for b.

    Examples
    --------
    >>> from lossviz.activations import glu
    >>> glu([[1.0, -1.0, 2.0, 0.0]])
    array([[ 0.88079708, -0.5       ]])
    >>> glu.grad([[1.0, -1.0, 2.0, 0.0]])
    array([[ 0.88079708,  0.5       ,  0.10499359, -0.25      ]])
    """
    a, b = _halves(input, dim)
    return a * sigmoid(b)


@glu.arguments
def _glu_arguments(input: Any, dim: Any) -> tuple[np.ndarray, int]:
    x = as_input(input)
    if x.ndim == 0:
        raise ValueError("input must have at least one dimension for glu: it halves dim")
    dim = axis("dim", dim, x.ndim)
    if x.shape[dim] % 2:
        raise ValueError(f"dim={dim} of input must have even size to be halved, got size {x.shape[dim]}")
    return x, dim


@glu.gradient
def glu_grad(input: np.ndarray, dim: int, *, grad_output: Any) -> np.ndarray:
    a, b = _halves(input, dim)
    gate = sigmoid(b)
    return np.concatenate([vjp(gate, grad_output), vjp(a * gate * sigmoid(-b), grad_output)], axis=dim)


def glu_jacobian(input: Any, dim: int = -1) -> np.ndarray:
    """d glu(x)[i] / d x[j], shape output.shape + input.shape: per slice the (h, 2h) block
    ``[diag(sigma(b)), diag(a sigma(b) sigma(-b))]``."""
    x, dim = glu.checked(input, dim).values()
    a, b = _halves(x, dim)
    a_rows, batch = _rows(a, dim)
    b_rows, _ = _rows(b, dim)
    eye = np.eye(a_rows.shape[-1])
    gate = sigmoid(b_rows)
    blocks = np.concatenate([gate[:, :, None] * eye, (a_rows * gate * sigmoid(-b_rows))[:, :, None] * eye], axis=2)
    return _full_jacobian(blocks, batch, dim)


glu.jacobian = glu_jacobian
