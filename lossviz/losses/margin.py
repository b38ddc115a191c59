"""Margin losses: zero once a score beats its rival by a margin, linear (or squared) before.

From torch: ``hinge_embedding_loss``, ``multi_margin_loss``, ``multilabel_margin_loss``,
``soft_margin_loss``, ``margin_ranking_loss``. Beyond torch: ``hinge`` (sklearn's
``hinge_loss``) and ``squared_hinge`` (Keras' ``squared_hinge``).

Labels are ``+1``/``-1`` where torch's documentation says so (checked here; torch
itself does not check). At a hinge's kink the gradient is what torch's autograd gives:
``hinge_embedding_loss`` and ``margin_ranking_loss`` clamp with ``clamp_min``, whose
gradient passes at equality; ``multi_margin_loss`` and ``multilabel_margin_loss`` count
only terms strictly above 0, so their gradient there is 0. ``hinge`` follows the latter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._reduction import check, reduce, reduce_backward
from .._stable import sigmoid, softplus
from .._validate import as_float, as_index, in_range, one_of, same_shape
from ._registry import loss

__all__ = [
    "hinge_embedding_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "soft_margin_loss",
    "margin_ranking_loss",
    "hinge",
    "squared_hinge",
]


# --------------------------------------------------------------------------- helpers


def _signs(name: str, array: np.ndarray) -> np.ndarray:
    """Check that every entry of a label array is -1 or +1."""
    bad = (array != 1) & (array != -1)
    if np.any(bad):
        raise ValueError(f"{name} must hold labels -1 or +1, got {array[bad].flat[0]!r}")
    return array


def _labelled(input: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """``input`` scores and ``target`` labels in {-1, +1} of one shape, as float64."""
    x = as_float("input", input)
    y = as_float("target", target)
    same_shape("input", x, "target", y)
    return x, _signs("target", y)


def _real(name: str, value: float) -> float:
    """Any real scalar (a margin may be negative in torch)."""
    return in_range(name, value, -np.inf, np.inf)


def _scores(input: Any) -> np.ndarray:
    """Class scores of shape ``(C,)`` or ``(N, C)``, as in torch's multi-class margin losses."""
    x = as_float("input", input)
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(f"input must have shape (C,) or (N, C) with C >= 1, got {x.shape}")
    return x


# --------------------------------------------------------------------------- torch's


@loss(
    formula=r"\ell_i = \begin{cases} x_i & y_i = 1 \\ \max(0, \Delta - x_i) & y_i = -1 \end{cases}",
    torch="torch.nn.functional.hinge_embedding_loss",
    view="sign", topic="margin",
)
def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Pull similar pairs together, push dissimilar ones beyond ``margin``.

    ``input`` is usually a distance (e.g. L1 between two embeddings), ``target`` of the
    same shape holds +1 (similar: loss ``x``) or -1 (dissimilar: ``max(0, margin - x)``).
    Derivative: 1 where ``y = 1``; where ``y = -1``: -1 while ``x <= margin``, else 0.
    At ``x == margin`` torch's ``clamp_min`` passes the gradient, so it is -1 there too.
    """
    x, y = _labelled(input, target)
    margin = _real("margin", margin)
    check(reduction)
    return reduce(np.where(y == 1, x, np.maximum(margin - x, 0.0)), reduction)


@hinge_embedding_loss.gradient
def hinge_embedding_loss_grad(
    input: Any, target: Any, margin: float = 1.0, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    x, y = _labelled(input, target)
    margin = _real("margin", margin)
    check(reduction)
    derivative = np.where(y == 1, 1.0, np.where(margin - x >= 0, -1.0, 0.0))
    return reduce_backward(grad_output, x.shape, reduction) * derivative


def _multi_margin_args(
    input: Any, target: Any, p: int, margin: float, weight: Any
) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """Scores as ``(N, C)``, target as ``(N,)``, margin, and per-sample class weights ``(N,)``."""
    x = _scores(input)
    classes = x.shape[-1]
    t = as_index("target", target, classes)
    expected = ((), (1,)) if x.ndim == 1 else ((x.shape[0],),)
    if t.shape not in expected:
        raise ValueError(f"target must have shape {' or '.join(map(str, expected))} for input of shape {x.shape}, got {t.shape}")
    one_of("p", p, (1, 2))
    margin = _real("margin", margin)
    t = t.reshape(-1)
    if weight is None:
        w = np.ones(t.shape)
    else:
        w = as_float("weight", weight)
        if w.shape != (classes,):
            raise ValueError(f"weight must have shape (C,) = ({classes},), one weight per class, got {w.shape}")
        w = w[t]
    return x.reshape(-1, classes), t, margin, w


def _multi_margin_gaps(x: np.ndarray, t: np.ndarray, margin: float) -> np.ndarray:
    """``margin - x[n, t_n] + x[n, j]`` for every rival class ``j``; the target's own column is -inf."""
    rows = np.arange(len(t))
    z = margin - x[rows, t][:, None] + x
    z[rows, t] = -np.inf
    return z


@loss(
    formula=r"\ell_n = \frac{1}{C}\sum_{j \ne y_n} w_{y_n} \max(0, \Delta - x_{n,y_n} + x_{n,j})^p",
    torch="torch.nn.functional.multi_margin_loss",
    view="classes", topic="margin",
)
def multi_margin_loss(
    input: Any, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None, reduction: str = "mean"
) -> np.ndarray:
    """Multi-class SVM (Weston-Watkins) hinge: every rival class within ``margin`` of the target's score costs.

    Shapes: ``input`` ``(N, C)`` scores with integer ``target`` ``(N,)``, or ``(C,)`` with
    ``target`` ``()`` or ``(1,)``; output: target's shape for ``"none"``, else a scalar
    (``"mean"`` divides by N, even with ``weight``). ``p`` is 1 or 2; ``weight`` ``(C,)``
    scales a sample's loss by its target class's weight. Derivative, with
    ``z_j = margin - x_y + x_j``: ``w_y p z_j^(p-1)/C`` w.r.t. ``x_j`` for ``z_j > 0``
    (0 otherwise, including at ``z_j = 0`` as in torch), and minus their sum w.r.t. ``x_y``.
    """
    x, t, margin, w = _multi_margin_args(input, target, p, margin, weight)
    check(reduction)
    z = _multi_margin_gaps(x, t, margin)
    active = z > 0
    terms = np.where(active, z, 0.0) ** p
    losses = w * np.sum(terms, axis=1) / x.shape[1]
    return reduce(losses.reshape(np.shape(target)), reduction)


@multi_margin_loss.gradient
def multi_margin_loss_grad(
    input: Any,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Any = None,
    reduction: str = "mean",
    *,
    grad_output: Any = None,
) -> np.ndarray:
    x, t, margin, w = _multi_margin_args(input, target, p, margin, weight)
    check(reduction)
    upstream = reduce_backward(grad_output, np.shape(target), reduction).reshape(-1)
    z = _multi_margin_gaps(x, t, margin)
    active = z > 0
    slope = np.where(active, p * np.where(active, z, 0.0) ** (p - 1), 0.0)
    grad = (upstream * w / x.shape[1])[:, None] * slope
    rows = np.arange(len(t))
    grad[rows, t] = -np.sum(grad, axis=1)  # the target's column held 0 (its gap is -inf)
    return grad.reshape(np.shape(input))


def _multilabel_args(input: Any, target: Any) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Scores ``(N, C)``, how often each class is listed as a target ``(N, C)``, and the output shape."""
    x = _scores(input)
    classes = x.shape[-1]
    t = as_index("target", target, classes, ignore_index=-1)
    same_shape("input", x, "target", t)
    t = t.reshape(-1, classes)
    # Only the labels before the first -1 count; a label listed twice counts twice, as in torch.
    listed = np.cumprod(t != -1, axis=1).astype(bool)
    counts = np.sum((t[:, :, None] == np.arange(classes)) & listed[:, :, None], axis=1)
    return x.reshape(-1, classes), counts, x.shape[:-1]


def _multilabel_gaps(x: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``1 - (x_j - x_k)`` for every (target j, non-target k) pair ``(N, C, C)``, and each pair's multiplicity."""
    z = 1 - x[:, :, None] + x[:, None, :]
    pairs = counts[:, :, None] * (counts == 0)[:, None, :]
    return z, pairs


@loss(
    formula=r"\ell_n = \frac{1}{C}\sum_{j \in Y_n}\sum_{k \notin Y_n} \max(0, 1 - (x_{n,j} - x_{n,k}))",
    torch="torch.nn.functional.multilabel_margin_loss",
    view=None, topic="margin",
)
def multilabel_margin_loss(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Multi-label hinge: every target class should outscore every non-target class by 1.

    Shapes: ``input`` ``(C,)`` or ``(N, C)``; integer ``target`` of the same shape listing
    a sample's target classes first, then padded with -1 (entries after the first -1 are
    ignored, as in torch). Output: ``()`` or ``(N,)`` for ``"none"``, else a scalar.
    Derivative, with ``z_jk = 1 - x_j + x_k``: each pair with ``z_jk > 0`` (strictly, as
    torch) adds ``1/C`` to ``d/dx_k`` and subtracts ``1/C`` from ``d/dx_j``.
    """
    x, counts, shape = _multilabel_args(input, target)
    check(reduction)
    z, pairs = _multilabel_gaps(x, counts)
    # Terms strictly above 0, as torch sums them (so a NaN score drops out, as in torch).
    losses = np.sum(pairs * np.where(z > 0, z, 0.0), axis=(1, 2)) / x.shape[1]
    return reduce(losses.reshape(shape), reduction)


@multilabel_margin_loss.gradient
def multilabel_margin_loss_grad(input: Any, target: Any, reduction: str = "mean", *, grad_output: Any = None) -> np.ndarray:
    x, counts, shape = _multilabel_args(input, target)
    check(reduction)
    upstream = reduce_backward(grad_output, shape, reduction).reshape(-1)
    z, pairs = _multilabel_gaps(x, counts)
    dz = (upstream / x.shape[1])[:, None, None] * pairs * (z > 0)
    # z_jk rises with x_k and falls with x_j.
    grad = np.sum(dz, axis=1) - np.sum(dz, axis=2)
    return grad.reshape(np.shape(input))


@loss(formula=r"\ell_i = \log\left(1 + e^{-y_i x_i}\right)", torch="torch.nn.functional.soft_margin_loss", view="sign", topic="margin")
def soft_margin_loss(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Logistic loss on ``+-1`` labels: a smooth hinge, ``softplus(-y x)``.

    Shapes: ``input`` scores and ``target`` labels in {-1, +1}, one shape. Computed as the
    stable ``softplus(-y x)`` of ``lossviz._stable``, finite for any score (torch's ``log1p(exp(-y x))`` gives inf
    once ``-y x`` exceeds ~710). Derivative: ``-y sigmoid(-y x)``, smooth everywhere.
    """
    x, y = _labelled(input, target)
    check(reduction)
    return reduce(softplus(-y * x), reduction)


@soft_margin_loss.gradient
def soft_margin_loss_grad(input: Any, target: Any, reduction: str = "mean", *, grad_output: Any = None) -> np.ndarray:
    x, y = _labelled(input, target)
    check(reduction)
    return reduce_backward(grad_output, x.shape, reduction) * -y * sigmoid(-y * x)


def _ranking_args(input1: Any, input2: Any, target: Any, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(the hinge's argument ``-y (x1 - x2) + margin``, the labels ``y``)."""
    x1 = as_float("input1", input1)
    x2 = as_float("input2", input2)
    same_shape("input1", x1, "input2", x2)
    y = as_float("target", target)
    same_shape("input1", x1, "target", y)
    _signs("target", y)
    margin = _real("margin", margin)
    # Same operation order as torch, so that ties at the kink fall on the same side.
    return -y * (x1 - x2) + margin, y


@loss(
    formula=r"\ell_i = \max(0, -y_i (x^{(1)}_i - x^{(2)}_i) + \Delta)",
    torch="torch.nn.functional.margin_ranking_loss",
    wrt=("input1", "input2"),
    view="ranking", topic="margin",
)
def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0, reduction: str = "mean") -> np.ndarray:
    """Rank pairs: ``input1`` should beat ``input2`` by ``margin`` where ``y = 1``, lose where ``y = -1``.

    Shapes: ``input1``, ``input2`` and ``target`` (labels in {-1, +1}) of one shape.
    Derivatives: ``-y`` w.r.t. ``input1`` and ``+y`` w.r.t. ``input2`` where
    ``-y (x1 - x2) + margin >= 0`` (torch's ``clamp_min`` passes the gradient at 0), else 0.
    ``.grad`` returns ``(d/d input1, d/d input2)``.
    """
    hinge_argument, _ = _ranking_args(input1, input2, target, margin)
    check(reduction)
    return reduce(np.maximum(hinge_argument, 0.0), reduction)


@margin_ranking_loss.gradient
def margin_ranking_loss_grad(
    input1: Any, input2: Any, target: Any, margin: float = 0, reduction: str = "mean", *, grad_output: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    hinge_argument, y = _ranking_args(input1, input2, target, margin)
    check(reduction)
    grad1 = reduce_backward(grad_output, y.shape, reduction) * np.where(hinge_argument >= 0, -y, 0.0)
    return grad1, -grad1


# --------------------------------------------------------------------------- beyond torch


def _hinge_gap(input: Any, target: Any, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """(``max(0, margin - y x)``, ``y``): how far each score falls short of the margin."""
    x, y = _labelled(input, target)
    margin = _real("margin", margin)
    return np.maximum(margin - y * x, 0.0), y


@loss(formula=r"\ell_i = \max(0, \Delta - y_i x_i)", torch=None, view="sign", topic="margin")
def hinge(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Binary hinge loss (linear SVM) on raw scores ``input`` and labels ``target`` in {-1, +1}.

    Follows sklearn's ``hinge_loss(y_true, pred_decision)`` for two classes: the mean of
    ``max(0, 1 - y x)``; ``margin`` (default 1, theirs) generalises the 1. Shapes: one
    shape for both; output that shape for ``"none"``. Derivative: ``-y`` where
    ``y x < margin``, else 0; at the kink ``y x == margin`` it is 0, the convention of
    torch's ``relu`` and ``multi_margin_loss`` (any value between ``-y`` and 0 is a subgradient).
    """
    gap, _ = _hinge_gap(input, target, margin)
    check(reduction)
    return reduce(gap, reduction)


@hinge.gradient
def hinge_grad(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean", *, grad_output: Any = None) -> np.ndarray:
    gap, y = _hinge_gap(input, target, margin)
    check(reduction)
    return reduce_backward(grad_output, y.shape, reduction) * np.where(gap > 0, -y, 0.0)


@loss(formula=r"\ell_i = \max(0, \Delta - y_i x_i)^2", torch=None, view="sign", topic="margin")
def squared_hinge(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Squared hinge loss (L2-SVM) on raw scores and labels in {-1, +1}.

    Follows Keras' ``squared_hinge``: ``max(0, 1 - y x)^2`` per element, then the mean;
    ``margin`` (default 1, Keras') generalises the 1. Keras also maps {0, 1} labels to
    {-1, +1}; here labels must already be -1 or +1. Derivative: ``-2 y max(0, margin - y x)``,
    continuous (0 at the join), so unlike ``hinge`` it has no kink.
    """
    gap, _ = _hinge_gap(input, target, margin)
    check(reduction)
    return reduce(gap**2, reduction)


@squared_hinge.gradient
def squared_hinge_grad(
    input: Any, target: Any, margin: float = 1.0, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    gap, y = _hinge_gap(input, target, margin)
    check(reduction)
    return reduce_backward(grad_output, y.shape, reduction) * -2 * y * gap
