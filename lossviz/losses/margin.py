"""Margin losses: zero once a score beats its rival by a margin, linear (or squared) before.

From torch: ``hinge_embedding_loss``, ``multi_margin_loss`` (the Weston-Watkins
multi-class hinge), ``multilabel_margin_loss``, ``soft_margin_loss``,
``margin_ranking_loss``. Beyond torch: ``hinge`` (sklearn's ``hinge_loss`` for two
classes), ``multiclass_hinge`` (sklearn's ``hinge_loss`` for more, the Crammer-Singer
hinge) and ``squared_hinge`` (Keras' ``squared_hinge``).

Labels are ``+1``/``-1`` where torch's documentation says so. torch does not check
them (its formulas give numbers for any label); lossviz refuses other labels on purpose,
as each docstring states: a 0/1 label passed by mistake would otherwise train silently
wrong. At a hinge's kink the gradient is what torch's autograd gives:
``hinge_embedding_loss`` and ``margin_ranking_loss`` clamp with ``clamp_min``, whose
gradient passes at equality; ``multi_margin_loss`` and ``multilabel_margin_loss`` count
only terms strictly above 0, so their gradient there is 0. ``hinge`` and
``multiclass_hinge`` follow the latter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _reduction
from .._stable import sigmoid, softplus
from .._validate import as_float, as_index, broadcast, one_of, real, same_shape
from ._registry import loss

__all__ = [
    "hinge_embedding_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "soft_margin_loss",
    "margin_ranking_loss",
    "hinge",
    "multiclass_hinge",
    "squared_hinge",
]

_SIGN_LABELS = """
    Labels other than -1 and +1 are refused (a ValueError naming ``target``): torch
    computes a number for them without a word, which hides a 0/1 label passed by mistake."""


# --------------------------------------------------------------------------- helpers


def _signs(name: str, array: np.ndarray) -> np.ndarray:
    """Check that every entry of a label array is -1 or +1."""
    bad = (array != 1) & (array != -1)
    if np.any(bad):
        raise ValueError(f"{name} must hold labels -1 or +1, got {array[bad].flat[0]!r}")
    return array


def _labelled(input: Any, target: Any, *, broadcasting: bool) -> tuple[np.ndarray, np.ndarray]:
    """``input`` scores and ``target`` labels in {-1, +1}, as float64: of one shape, or
    (``broadcasting``, where torch broadcasts them) of shapes that broadcast together."""
    x = as_float("input", input)
    y = as_float("target", target)
    if broadcasting:
        broadcast(("input", x), ("target", y))
    else:
        same_shape("input", x, "target", y)
    return x, _signs("target", y)


def _class_scores(input: Any, target: Any, *, rivals: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scores ``(N, C)``, ``(C,)`` or ``()`` (one class) and integer targets, one per sample.

    The target has shape ``(N,)`` for ``(N, C)`` scores and ``()`` (or ``(1,)``) for ``(C,)``
    or ``()``, as in torch's multi-class margin losses. ``rivals``: how many classes
    besides the target the loss needs.
    """
    x = as_float("input", input)
    classes = x.shape[-1] if x.ndim else 1
    if x.ndim > 2 or classes < 1 + rivals:
        needed = f"C >= {1 + rivals}" if rivals else "C >= 1"
        raise ValueError(f"input must have shape (C,) or (N, C) with {needed}, got {x.shape}")
    t = as_index("target", target, classes)
    expected = ((x.shape[0],),) if x.ndim == 2 else ((), (1,)) if x.ndim == 1 else ((),)
    if t.shape not in expected:
        raise ValueError(f"target must have shape {' or '.join(map(str, expected))} for input of shape {x.shape}, got {t.shape}")
    return x, t


def _matrix(array: np.ndarray) -> np.ndarray:
    """``(N, C)``, ``(C,)`` or ``()`` (one class) as an ``(N, C)`` matrix."""
    return array.reshape(-1, array.shape[-1] if array.ndim else 1)


def _rows_of(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores as ``(N, C)``, targets as ``(N,)``, and the row indices 0..N-1."""
    scores = _matrix(x)
    return scores, t.reshape(-1), np.arange(len(scores))


# --------------------------------------------------------------------------- torch's


@loss(
    formula=r"\ell_i = \begin{cases} x_i & y_i = 1 \\ \max(0, \Delta - x_i) & y_i = -1 \end{cases}",
    torch="torch.nn.functional.hinge_embedding_loss",
    view="sign", topic="margin",
)
def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Pull similar pairs together, push dissimilar ones beyond ``margin``.

    Parameters
    ----------
    input : array_like
        Usually a distance (e.g. L1 between two embeddings), any shape.
    target : array_like
        Labels +1 (similar: loss ``x``) or -1 (dissimilar: ``max(0, margin - x)``), of
        a shape that broadcasts against ``input`` (as torch broadcasts them).
    margin : float, default 1.0
        Any real number.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses, of the broadcast shape; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or the broadcast shape of ``input`` and ``target`` for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``margin`` not a real number.
    ValueError
        If the shapes do not broadcast, a label is not -1 or +1, or ``reduction`` is unknown.
    {labels}

    Notes
    -----
    Derivative 1 where ``y = 1``; where ``y = -1``: -1 while ``x <= margin``, else 0.
    At ``x == margin`` torch's ``clamp_min`` passes the gradient, so it is -1 there too.

    Examples
    --------
    >>> from lossviz.losses import hinge_embedding_loss
    >>> float(hinge_embedding_loss([0.3, 2.0, 0.5], [1.0, -1.0, -1.0]))
    0.26666667
    >>> hinge_embedding_loss.grad([0.3, 2.0, 0.5], [1.0, -1.0, -1.0])
    array([ 0.33333333,  0.        , -0.33333333])

    One row of labels for every row of distances:

    >>> hinge_embedding_loss([[0.5, 2.0], [1.5, -1.0]], [[1.0, -1.0]], reduction="none")
    array([[0.5, 0. ],
           [1.5, 2. ]])
    """
    return _reduction.reduce(np.where(target == 1, input, np.maximum(margin - input, 0.0)), reduction)


@hinge_embedding_loss.arguments
def _hinge_embedding_arguments(input: Any, target: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _labelled(input, target, broadcasting=True)
    return x, y, real("margin", margin), _reduction.check(reduction)


@hinge_embedding_loss.gradient
def hinge_embedding_loss_grad(
    input: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    local = np.where(target == 1, 1.0, np.where(margin - input >= 0, -1.0, 0.0))
    return _reduction.sum_to(_reduction.pull_back(local, grad_output, reduction), input.shape)


def _multi_margin_gaps(scores: np.ndarray, t: np.ndarray, rows: np.ndarray, margin: float) -> np.ndarray:
    """``margin - x[n, t_n] + x[n, j]`` for every rival class ``j``; the target's own column is -inf."""
    z = margin - scores[rows, t][:, None] + scores
    z[rows, t] = -np.inf
    return z


def _per_sample_weight(weight: np.ndarray | None, t: np.ndarray) -> np.ndarray | float:
    return 1.0 if weight is None else weight[t]


@loss(
    formula=r"\ell_n = \frac{1}{C}\sum_{j \ne y_n} w_{y_n} \max(0, \Delta - x_{n,y_n} + x_{n,j})^p",
    torch="torch.nn.functional.multi_margin_loss",
    view="classes", topic="margin",
)
def multi_margin_loss(
    input: Any, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None, reduction: str = "mean"
) -> np.ndarray:
    """Multi-class SVM hinge of Weston and Watkins: every rival class within ``margin`` of the target's score costs.

    Parameters
    ----------
    input : array_like
        Class scores ``(N, C)``, or one sample's ``(C,)`` (a 0-d input is one class).
    target : array_like of int
        Class indices in ``[0, C)``: ``(N,)``; ``()`` or ``(1,)`` for one sample.
    p : {1, 2}, default 1
        The power of each hinge.
    margin : float, default 1.0
        Any real number.
    weight : array_like, optional
        ``(C,)``: a sample's loss is scaled by its target class's weight.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, ``target``'s shape; else the mean (over N, even
        with ``weight``) or the sum.

    Returns
    -------
    ndarray
        A scalar, or ``target``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, ``target`` not integers, or ``margin`` not a real number.
    ValueError
        If a shape is wrong, a class index is out of range, ``p`` is not 1 or 2, or
        ``reduction`` is unknown.

    Notes
    -----
    With ``z_j = margin - x_y + x_j``: derivative ``w_y p z_j^(p-1)/C`` w.r.t. ``x_j`` for
    ``z_j > 0`` (0 otherwise, including at ``z_j = 0`` as in torch), and minus their sum
    w.r.t. ``x_y``. ``multiclass_hinge`` is the Crammer-Singer alternative, which charges
    only the strongest rival.

    Examples
    --------
    >>> from lossviz.losses import multi_margin_loss
    >>> scores = [[0.1, 0.2, 0.4], [0.5, -1.0, 0.3]]
    >>> float(multi_margin_loss(scores, [2, 0]))
    0.38333333
    >>> multi_margin_loss.grad(scores, [2, 0])
    array([[ 0.16666667,  0.16666667, -0.33333333],
           [-0.16666667,  0.        ,  0.16666667]])
    """
    scores, t, rows = _rows_of(input, target)
    z = _multi_margin_gaps(scores, t, rows, margin)
    terms = np.where(z > 0, z, 0.0) ** p
    losses = _per_sample_weight(weight, t) * np.sum(terms, axis=1) / scores.shape[1]
    return _reduction.reduce(losses.reshape(target.shape), reduction)


@multi_margin_loss.arguments
def _multi_margin_arguments(input: Any, target: Any, p: Any, margin: Any, weight: Any, reduction: Any) -> tuple[Any, ...]:
    x, t = _class_scores(input, target)
    if isinstance(p, bool):
        raise ValueError(f"p must be one of (1, 2), got {p!r}")
    one_of("p", p, (1, 2))
    if weight is not None:
        classes = x.shape[-1] if x.ndim else 1
        weight = as_float("weight", weight)
        if weight.shape != (classes,):
            raise ValueError(f"weight must have shape (C,) = ({classes},), one weight per class, got {weight.shape}")
    return x, t, int(p), real("margin", margin), weight, _reduction.check(reduction)


@multi_margin_loss.gradient
def multi_margin_loss_grad(
    input: np.ndarray, target: np.ndarray, p: int, margin: float, weight: Any, reduction: str, *, grad_output: Any
) -> np.ndarray:
    scores, t, rows = _rows_of(input, target)
    z = _multi_margin_gaps(scores, t, rows, margin)
    active = z > 0
    slope = np.where(active, p * np.where(active, z, 0.0) ** (p - 1), 0.0)
    local = (np.asarray(_per_sample_weight(weight, t)) / scores.shape[1])[..., None] * slope
    local[rows, t] = -np.sum(local, axis=1)  # the target's column held 0 (its gap is -inf)
    grad = _reduction.pull_back(local.reshape(target.shape + scores.shape[1:]), grad_output, reduction, axis=-1)
    return grad.reshape(input.shape)


def _listed_counts(t: np.ndarray) -> np.ndarray:
    """Per row of multilabel targets, how many leading entries come before the first -1."""
    padding = t == -1
    return np.where(padding.any(axis=1), padding.argmax(axis=1), t.shape[1])


def _multilabel_slots(scores: np.ndarray, t: np.ndarray) -> Any:
    """For each listed target slot: (rows, target class, hinge terms z over those rows' classes).

    ``z[r, k] = 1 - x[r, target] + x[r, k]``, kept where ``z > 0`` (strictly, as torch sums
    them; a NaN term drops out, as in torch) and ``k`` is not a target of that row; 0
    elsewhere. One slot at a time, so memory stays a few times the scores' (no C x C
    array), and a class listed twice counts twice, as in torch.
    """
    counts = _listed_counts(t)
    is_target = np.zeros(scores.shape, dtype=bool)
    for slot in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > slot)
        is_target[rows, t[rows, slot]] = True
    for slot in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > slot)
        chosen = t[rows, slot]
        with np.errstate(invalid="ignore"):  # inf - inf: a NaN term, dropped below as torch drops it
            z = 1 - scores[rows, chosen][:, None] + scores[rows]
        yield rows, chosen, np.where((z > 0) & ~is_target[rows], z, 0.0)


@loss(
    formula=r"\ell_n = \frac{1}{C}\sum_{j \in Y_n}\sum_{k \notin Y_n} \max(0, 1 - (x_{n,j} - x_{n,k}))",
    torch="torch.nn.functional.multilabel_margin_loss",
    view=None, topic="margin",
)
def multilabel_margin_loss(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Multi-label hinge: every target class should outscore every non-target class by 1.

    Parameters
    ----------
    input : array_like
        Class scores ``(N, C)``, ``(C,)``, or ``()`` (one class).
    target : array_like of int
        ``input``'s shape: each sample's target classes first, then padded with -1
        (entries after the first -1 are ignored, as in torch).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, ``(N,)`` or ``()``; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` (``()`` for one sample) for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``target`` not integers.
    ValueError
        If a shape is wrong, a class index is out of range, or ``reduction`` is unknown.

    Notes
    -----
    With ``z_jk = 1 - x_j + x_k``: each pair with ``z_jk > 0`` (strictly, as torch) adds
    ``1/C`` to ``d/dx_k`` and subtracts ``1/C`` from ``d/dx_j``. A score of +-inf gives an
    infinite loss, as in torch. Memory is a few times the input's, whatever C.

    Examples
    --------
    >>> from lossviz.losses import multilabel_margin_loss
    >>> float(multilabel_margin_loss([[0.1, 0.2, 0.4, 0.8]], [[3, 0, -1, 1]]))
    0.85
    >>> multilabel_margin_loss.grad([[0.1, 0.2, 0.4, 0.8]], [[3, 0, -1, 1]])
    array([[-0.5,  0.5,  0.5, -0.5]])
    """
    scores, t = _matrix(input), _matrix(target)
    losses = np.zeros(len(scores))
    for rows, _, hinges in _multilabel_slots(scores, t):
        losses[rows] += np.sum(hinges, axis=1)
    return _reduction.reduce((losses / scores.shape[1]).reshape(input.shape[:-1]), reduction)


@multilabel_margin_loss.arguments
def _multilabel_arguments(input: Any, target: Any, reduction: Any) -> tuple[Any, ...]:
    x = as_float("input", input)
    if x.ndim > 2:
        raise ValueError(f"input must have shape (C,) or (N, C), got {x.shape}")
    t = as_index("target", target, x.shape[-1] if x.ndim else 1, ignore_index=-1)
    if t.shape != x.shape:
        raise ValueError(f"target must have the shape of input {x.shape}, got {t.shape}")
    return x, t, _reduction.check(reduction)


@multilabel_margin_loss.gradient
def multilabel_margin_loss_grad(input: np.ndarray, target: np.ndarray, reduction: str, *, grad_output: Any) -> np.ndarray:
    scores, t = _matrix(input), _matrix(target)
    per_pair = np.full(input.shape[:-1], 1.0 / scores.shape[1])  # each loss divides its pairs by C
    upstream = _reduction.pull_back(per_pair, grad_output, reduction).reshape(-1)
    grad = np.zeros(scores.shape)
    for rows, chosen, hinges in _multilabel_slots(scores, t):
        # z_jk rises with x_k and falls with x_j.
        slopes = (hinges > 0) * upstream[rows, None]
        grad[rows] += slopes
        grad[rows, chosen] -= np.sum(slopes, axis=1)  # one slot per row: no repeated index
    return grad.reshape(input.shape)


@loss(formula=r"\ell_i = \log\left(1 + e^{-y_i x_i}\right)", torch="torch.nn.functional.soft_margin_loss", view="sign", topic="margin")
def soft_margin_loss(input: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """Logistic loss on ``+-1`` labels: a smooth hinge, ``softplus(-y x)``.

    Parameters
    ----------
    input : array_like
        Scores, any shape.
    target : array_like
        Labels -1 or +1, of a shape that broadcasts against ``input``.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or the broadcast shape for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If the shapes do not broadcast, a label is not -1 or +1, or ``reduction`` is unknown.
    {labels}

    Notes
    -----
    Computed as the stable ``softplus(-y x)``, finite for any score (torch's
    ``log1p(exp(-y x))`` gives inf once ``-y x`` exceeds ~710). Derivative
    ``-y sigmoid(-y x)``, smooth everywhere.

    Examples
    --------
    >>> from lossviz.losses import soft_margin_loss
    >>> float(soft_margin_loss([0.3, -2.0, 1.0], [1.0, -1.0, -1.0]))
    0.66484831
    >>> soft_margin_loss.grad([0.3, -2.0, 1.0], [1.0, -1.0, -1.0])
    array([-0.14185249,  0.03973431,  0.24368619])
    """
    return _reduction.reduce(softplus(-target * input), reduction)


@soft_margin_loss.arguments
def _soft_margin_arguments(input: Any, target: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _labelled(input, target, broadcasting=True)
    return x, y, _reduction.check(reduction)


@soft_margin_loss.gradient
def soft_margin_loss_grad(input: np.ndarray, target: np.ndarray, reduction: str, *, grad_output: Any) -> np.ndarray:
    local = -target * sigmoid(-target * input)
    return _reduction.sum_to(_reduction.pull_back(local, grad_output, reduction), input.shape)


def _ranking_hinge(input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float) -> np.ndarray:
    """The hinge's argument ``-y (x1 - x2) + margin``, in torch's operation order (so ties
    at the kink fall on the same side), of the three arguments' broadcast shape."""
    return -target * (input1 - input2) + margin


@loss(
    formula=r"\ell_i = \max(0, -y_i (x^{(1)}_i - x^{(2)}_i) + \Delta)",
    torch="torch.nn.functional.margin_ranking_loss",
    wrt=("input1", "input2"),
    view="ranking", topic="margin",
)
def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0, reduction: str = "mean") -> np.ndarray:
    """Rank pairs: ``input1`` should beat ``input2`` by ``margin`` where ``y = 1``, lose where ``y = -1``.

    Parameters
    ----------
    input1, input2 : array_like
        Scores; shapes that broadcast against each other and ``target``, with one number
        of dimensions for all three (torch's rule).
    target : array_like
        Labels -1 or +1.
    margin : float, default 0
        Any real number.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-pair losses, of the broadcast shape; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or the broadcast shape for ``"none"``. ``.grad`` returns
        ``(d/d input1, d/d input2)``, each of its argument's shape.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``margin`` not a real number.
    ValueError
        If the arguments have different numbers of dimensions or do not broadcast, a
        label is not -1 or +1, or ``reduction`` is unknown.
    {labels}

    Notes
    -----
    Derivatives ``-y`` w.r.t. ``input1`` and ``+y`` w.r.t. ``input2`` where
    ``-y (x1 - x2) + margin >= 0`` (torch's ``clamp_min`` passes the gradient at 0),
    else 0; summed over the dimensions an argument was broadcast along.

    Examples
    --------
    >>> from lossviz.losses import margin_ranking_loss
    >>> float(margin_ranking_loss([0.3, 2.0, 1.0], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0], margin=0.5))
    0.4
    >>> d_input1, d_input2 = margin_ranking_loss.grad([0.3, 2.0, 1.0], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0], margin=0.5)
    >>> d_input1
    array([-0.33333333,  0.        ,  0.33333333])

    Each of two items against a per-row reference, with one row of labels:

    >>> float(margin_ranking_loss([[1.0, 2.0], [0.0, 3.0]], [[1.5], [0.5]], [[1.0, -1.0]]))
    1.
    """
    return _reduction.reduce(np.maximum(_ranking_hinge(input1, input2, target, margin), 0.0), reduction)


@margin_ranking_loss.arguments
def _ranking_arguments(input1: Any, input2: Any, target: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    x1, x2 = as_float("input1", input1), as_float("input2", input2)
    y = as_float("target", target)
    for name, array in (("input2", x2), ("target", y)):
        if array.ndim != x1.ndim:
            raise ValueError(f"{name} must have as many dimensions as input1 ({x1.ndim}), got shape {array.shape}")
    broadcast(("input1", x1), ("input2", x2), ("target", y))
    return x1, x2, _signs("target", y), real("margin", margin), _reduction.check(reduction)


@margin_ranking_loss.gradient
def margin_ranking_loss_grad(
    input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any
) -> tuple[np.ndarray, np.ndarray]:
    hinge = _ranking_hinge(input1, input2, target, margin)
    d_input1 = _reduction.pull_back(np.where(hinge >= 0, -target, 0.0), grad_output, reduction)
    return _reduction.sum_to(d_input1, input1.shape), _reduction.sum_to(-d_input1, input2.shape)


# --------------------------------------------------------------------------- beyond torch


def _hinge_gap(input: np.ndarray, target: np.ndarray, margin: float) -> np.ndarray:
    """``max(0, margin - y x)``: how far each score falls short of the margin."""
    return np.maximum(margin - target * input, 0.0)


def _binary_hinge_arguments(input: Any, target: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _labelled(input, target, broadcasting=False)
    return x, y, real("margin", margin), _reduction.check(reduction)


_BINARY_HINGE = """
    Parameters
    ----------
    input : array_like
        Raw scores (decision values), any shape.
    target : array_like
        Labels -1 or +1, ``input``'s shape.
    margin : float, default 1.0
        The score ``y x`` must reach to cost nothing; any real number.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``margin`` not a real number.
    ValueError
        If the shapes differ, a label is not -1 or +1, or ``reduction`` is unknown.
    {labels}
"""


@loss(formula=r"\ell_i = \max(0, \Delta - y_i x_i)", torch=None, view="sign", topic="margin")
def hinge(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Binary hinge loss (linear SVM) on raw scores and labels in {-1, +1}.

    Follows sklearn's ``hinge_loss(y_true, pred_decision)`` for two classes: the mean of
    ``max(0, 1 - y x)``; ``margin`` (default 1, theirs) generalises the 1.
    {binary}
    Notes
    -----
    Derivative ``-y`` where ``y x < margin``, else 0; at the kink ``y x == margin`` it is
    0, the convention of torch's ``relu`` and ``multi_margin_loss`` (any value between
    ``-y`` and 0 is a subgradient).

    Examples
    --------
    >>> from lossviz.losses import hinge
    >>> float(hinge([0.3, 2.0, -0.5], [1.0, 1.0, -1.0]))
    0.4
    >>> hinge.grad([0.3, 2.0, -0.5], [1.0, 1.0, -1.0])
    array([-0.33333333,  0.        ,  0.33333333])
    """
    return _reduction.reduce(_hinge_gap(input, target, margin), reduction)


hinge.arguments(_binary_hinge_arguments)


@hinge.gradient
def hinge_grad(input: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any) -> np.ndarray:
    local = np.where(_hinge_gap(input, target, margin) > 0, -target, 0.0)
    return _reduction.pull_back(local, grad_output, reduction)


@loss(formula=r"\ell_i = \max(0, \Delta - y_i x_i)^2", torch=None, view="sign", topic="margin")
def squared_hinge(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Squared hinge loss (L2-SVM) on raw scores and labels in {-1, +1}.

    Follows Keras' ``squared_hinge``: ``max(0, 1 - y x)^2`` per element, then the mean;
    ``margin`` (default 1, Keras') generalises the 1. Keras also maps {0, 1} labels to
    {-1, +1}; here labels must already be -1 or +1.
    {binary}
    Notes
    -----
    Derivative ``-2 y max(0, margin - y x)``, continuous (0 at the join), so unlike
    ``hinge`` it has no kink.

    Examples
    --------
    >>> from lossviz.losses import squared_hinge
    >>> float(squared_hinge([0.3, 2.0, -0.5], [1.0, 1.0, -1.0]))
    0.24666667
    >>> squared_hinge.grad([0.3, 2.0, -0.5], [1.0, 1.0, -1.0])
    array([-0.46666667,  0.        ,  0.33333333])
    """
    return _reduction.reduce(_hinge_gap(input, target, margin) ** 2, reduction)


squared_hinge.arguments(_binary_hinge_arguments)


@squared_hinge.gradient
def squared_hinge_grad(input: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any) -> np.ndarray:
    local = -2 * target * _hinge_gap(input, target, margin)
    return _reduction.pull_back(local, grad_output, reduction)


def _crammer_singer(scores: np.ndarray, t: np.ndarray, rows: np.ndarray, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the hinge's argument ``margin - (x_y - max_{j != y} x_j)`` (sklearn's
    operation order), and the rivals' scores with the target's column at -inf."""
    rivals = scores.copy()
    rivals[rows, t] = -np.inf
    return margin - (scores[rows, t] - np.max(rivals, axis=1)), rivals


@loss(
    formula=r"\ell_n = \max\big(0,\ \Delta - (x_{n,y_n} - \max_{j \ne y_n} x_{n,j})\big)",
    torch=None,
    view="classes", topic="margin",
)
def multiclass_hinge(input: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Multi-class hinge of Crammer and Singer: the target's score must beat the strongest rival by ``margin``.

    Follows sklearn's ``hinge_loss(y_true, pred_decision)`` for more than two classes
    (the mean of ``max(0, 1 - (x_y - max_{j != y} x_j))``); ``margin`` (default 1,
    theirs) generalises the 1. torch's ``multi_margin_loss`` is the Weston-Watkins hinge
    instead, which charges every rival within the margin and divides by C.

    Parameters
    ----------
    input : array_like
        Class scores ``(N, C)``, or one sample's ``(C,)``; C >= 2 (a rival is needed).
    target : array_like of int
        Class indices in ``[0, C)``: ``(N,)``; ``()`` or ``(1,)`` for one sample.
    margin : float, default 1.0
        Any real number.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, ``target``'s shape; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``target``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, ``target`` not integers, or ``margin`` not a real number.
    ValueError
        If a shape is wrong, C < 2, a class index is out of range, or ``reduction`` is unknown.

    Notes
    -----
    Derivative, where the hinge is active (strictly above 0; at the kink 0, as ``hinge``):
    -1 w.r.t. the target's score and +1 w.r.t. the strongest rival's, shared equally
    when several rivals tie for the maximum (as torch's ``amax`` shares it).

    Examples
    --------
    >>> from lossviz.losses import multiclass_hinge
    >>> scores = [[0.1, 0.2, 0.4], [0.5, -1.0, 0.3], [2.0, 0.0, 0.0]]
    >>> float(multiclass_hinge(scores, [2, 0, 1]))
    1.53333333
    >>> multiclass_hinge.grad(scores, [2, 0, 1])
    array([[ 0.        ,  0.33333333, -0.33333333],
           [-0.33333333,  0.        ,  0.33333333],
           [ 0.33333333, -0.33333333,  0.        ]])
    """
    scores, t, rows = _rows_of(input, target)
    losses, _ = _crammer_singer(scores, t, rows, margin)
    return _reduction.reduce(np.maximum(losses, 0.0).reshape(target.shape), reduction)


@multiclass_hinge.arguments
def _multiclass_hinge_arguments(input: Any, target: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    x, t = _class_scores(input, target, rivals=1)
    return x, t, real("margin", margin), _reduction.check(reduction)


@multiclass_hinge.gradient
def multiclass_hinge_grad(
    input: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    scores, t, rows = _rows_of(input, target)
    hinge_argument, rivals = _crammer_singer(scores, t, rows, margin)
    strongest = rivals == np.max(rivals, axis=1, keepdims=True)
    local = strongest / np.sum(strongest, axis=1, keepdims=True)
    local[rows, t] = -1.0
    local *= (hinge_argument > 0)[:, None]
    grad = _reduction.pull_back(local.reshape(target.shape + scores.shape[1:]), grad_output, reduction, axis=-1)
    return grad.reshape(input.shape)


for _function in (hinge_embedding_loss, soft_margin_loss, margin_ranking_loss, hinge, squared_hinge):
    _function.__doc__ = _function.__doc__.replace("{binary}", _BINARY_HINGE).replace("{labels}", _SIGN_LABELS)
