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

from .._validate import axis
from .._stable import log_softmax as _log_softmax, sigmoid, softmax as _softmax
from ._common import as_input, upstream
from ._registry import activation

__all__ = ["softmax", "log_softmax", "softmin", "glu"]


def _softmax_dim(name: str, dim: int | None, ndim: int) -> int:
    """``dim`` as an axis; ``None`` follows torch's deprecated implicit rule, with its warning:
    dim 0 for 0-, 1- and 3-dimensional inputs, dim 1 otherwise."""
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated (as in torch): pass dim=...",
            UserWarning,
            stacklevel=5,  # the caller of softmax(...) or softmax.grad(...)
        )
        return 0 if ndim in (0, 1, 3) else 1
    return axis("dim", dim, ndim)


def _prepared(name: str, input: Any, dim: int | None) -> tuple[np.ndarray, int]:
    """(input as a >= 1-D float64 array, the axis); a 0-d input acts as shape (1,)."""
    x = as_input(input)
    dim = _softmax_dim(name, dim, x.ndim)
    return np.atleast_1d(x), dim


def _upstream(probs: np.ndarray, grad_output: Any) -> np.ndarray:
    """``grad_output`` (ones if None) of the output's shape; a 0-d one acts as shape (1,)."""
    return upstream(probs, None if grad_output is None else np.atleast_1d(grad_output))


def _softmax_vjp(probs: np.ndarray, g: np.ndarray, dim: int) -> np.ndarray:
    """J^T g for J = diag(p) - p p^T along ``dim``: ``p * (g - sum(g p))``."""
    return probs * (g - np.sum(g * probs, axis=dim, keepdims=True))


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


def _restore(result: np.ndarray, input: Any) -> np.ndarray:
    """Give a 0-d input's result back its shape ()."""
    return result.reshape(np.shape(input)) if np.ndim(input) == 0 else result


def _restore_jacobian(jacobian: np.ndarray, input: Any) -> np.ndarray:
    return jacobian.reshape(np.shape(input) * 2) if np.ndim(input) == 0 else jacobian


@activation(
    formula=r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    torch="torch.nn.functional.softmax",
    view=None,
)
def softmax(input: Any, dim: int | None = None) -> np.ndarray:
    """Probabilities along ``dim`` (same shape as input; each slice sums to 1).

    Computed as ``exp(x - max) / sum`` so logits of +-1e4 give exact 0s and 1s, not NaN.
    ``dim=None`` follows torch's deprecated implicit rule (dim 0 for 0-, 1- or 3-D
    input, else 1) and warns, as torch does. Jacobian ``diag(p) - p p^T`` per slice;
    ``.grad`` returns ``p * (g - sum(g p))``, ``.jacobian(input, dim)`` the full matrix.
    torch's ``dtype`` and ``_stacklevel`` are not mirrored (lossviz computes in float64).
    """
    x, dim = _prepared("softmax", input, dim)
    return _restore(_softmax(x, dim), input)


@softmax.gradient
def softmax_grad(input: Any, dim: int | None = None, *, grad_output: Any = None) -> np.ndarray:
    x, dim = _prepared("softmax", input, dim)
    probs = _softmax(x, dim)
    return _restore(_softmax_vjp(probs, _upstream(probs, grad_output), dim), input)


def softmax_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d softmax(x)[i] / d x[j], shape input.shape + input.shape."""
    x, dim = _prepared("softmax", input, dim)
    probs, batch = _rows(_softmax(x, dim), dim)
    return _restore_jacobian(_full_jacobian(_softmax_block(probs), batch, dim), input)


@activation(
    formula=r"\mathrm{log\_softmax}(x)_i = x_i - \log \sum_j e^{x_j}",
    torch="torch.nn.functional.log_softmax",
    view=None,
)
def log_softmax(input: Any, dim: int | None = None) -> np.ndarray:
    """log(softmax(x)) along ``dim`` via log-sum-exp: finite for logits of +-1e4
    (where log(softmax) would give log(0) = -inf). ``dim=None``: as ``softmax``.

    Jacobian ``delta_ij - p_j`` per slice (p = softmax); ``.grad`` returns
    ``g - p * sum(g)``, ``.jacobian(input, dim)`` the full matrix.
    """
    x, dim = _prepared("log_softmax", input, dim)
    return _restore(_log_softmax(x, dim), input)


@log_softmax.gradient
def log_softmax_grad(input: Any, dim: int | None = None, *, grad_output: Any = None) -> np.ndarray:
    x, dim = _prepared("log_softmax", input, dim)
    probs = _softmax(x, dim)
    g = _upstream(probs, grad_output)
    return _restore(g - probs * np.sum(g, axis=dim, keepdims=True), input)


def log_softmax_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d log_softmax(x)[i] / d x[j] = delta_ij - p_j, shape input.shape + input.shape."""
    x, dim = _prepared("log_softmax", input, dim)
    probs, batch = _rows(_softmax(x, dim), dim)
    return _restore_jacobian(_full_jacobian(np.eye(probs.shape[-1]) - probs[:, None, :], batch, dim), input)


@activation(
    formula=r"\mathrm{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
    torch="torch.nn.functional.softmin",
    view=None,
)
def softmin(input: Any, dim: int | None = None) -> np.ndarray:
    """softmax(-x) along ``dim``: the smallest entry gets the largest probability.

    ``dim=None``: as ``softmax``. Jacobian ``-(diag(s) - s s^T)`` per slice (s = softmin).
    """
    x, dim = _prepared("softmin", input, dim)
    return _restore(_softmax(-x, dim), input)


@softmin.gradient
def softmin_grad(input: Any, dim: int | None = None, *, grad_output: Any = None) -> np.ndarray:
    x, dim = _prepared("softmin", input, dim)
    probs = _softmax(-x, dim)
    return _restore(-_softmax_vjp(probs, _upstream(probs, grad_output), dim), input)


def softmin_jacobian(input: Any, dim: int | None = None) -> np.ndarray:
    """d softmin(x)[i] / d x[j] = -s_i (delta_ij - s_j), shape input.shape + input.shape."""
    x, dim = _prepared("softmin", input, dim)
    probs, batch = _rows(_softmax(-x, dim), dim)
    return _restore_jacobian(-_full_jacobian(_softmax_block(probs), batch, dim), input)


softmax.jacobian = softmax_jacobian
log_softmax.jacobian = log_softmax_jacobian
softmin.jacobian = softmin_jacobian


def _glu_halves(input: Any, dim: int) -> tuple[np.ndarray, np.ndarray, int]:
    x = as_input(input)
    if x.ndim == 0:
        raise ValueError("input must have at least one dimension for glu: it halves dim")
    dim = axis("dim", dim, x.ndim)
    if x.shape[dim] % 2:
        raise ValueError(f"dim={dim} of input must have even size to be halved, got size {x.shape[dim]}")
    a, b = np.split(x, 2, axis=dim)
    return a, b, dim


@activation(formula=r"\mathrm{glu}(a, b) = a \otimes \sigma(b)", torch="torch.nn.functional.glu", view=None)
def glu(input: Any, dim: int = -1) -> np.ndarray:
    """Gated linear unit: split ``input`` into halves a, b along ``dim`` (even size);
    returns ``a * sigmoid(b)``, whose ``dim`` is half as long.

    ``.grad`` returns the two halves' gradients joined along ``dim``:
    ``g sigma(b)`` for a and ``g a sigma(b) sigma(-b)`` for b.
    """
    a, b, _ = _glu_halves(input, dim)
    return a * sigmoid(b)


@glu.gradient
def glu_grad(input: Any, dim: int = -1, *, grad_output: Any = None) -> np.ndarray:
    a, b, dim = _glu_halves(input, dim)
    g = upstream(a, grad_output)
    gate = sigmoid(b)
    return np.concatenate([g * gate, g * a * gate * sigmoid(-b)], axis=dim)


def glu_jacobian(input: Any, dim: int = -1) -> np.ndarray:
    """d glu(x)[i] / d x[j], shape output.shape + input.shape: per slice the (h, 2h) block
    ``[diag(sigma(b)), diag(a sigma(b) sigma(-b))]``."""
    a, b, dim = _glu_halves(input, dim)
    a_rows, batch = _rows(a, dim)
    b_rows, _ = _rows(b, dim)
    eye = np.eye(a_rows.shape[-1])
    gate = sigmoid(b_rows)
    blocks = np.concatenate([gate[:, :, None] * eye, (a_rows * gate * sigmoid(-b_rows))[:, :, None] * eye], axis=2)
    return _full_jacobian(blocks, batch, dim)


glu.jacobian = glu_jacobian
