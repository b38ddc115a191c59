"""Embedding losses: distances and angles between feature vectors.

From torch: ``triplet_margin_loss``, ``cosine_embedding_loss``. Beyond torch, each after
its paper and the implementation most people use: ``contrastive_loss`` (Hadsell, Chopra,
LeCun 2006), ``center_loss`` (Wen et al. 2016), and the margin softmax losses on cosine
logits ``arcface_loss`` (Deng et al. 2019), ``cosface_loss`` (Wang et al. 2018) and
``sphereface_loss`` (Liu et al. 2017).

Shared pieces: ``_pairwise_distance`` (torch's ``pairwise_distance`` with the norm
gradient torch uses) serves the triplet and contrastive losses; ``_margin_softmax``
(a margin on the target cosine, then ``cross_entropy``) serves the three face losses.
Each loss's helper returns the per-sample losses with their local derivatives, which
the gradient pulls back through the reduction.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _reduction
from .._validate import as_float, as_index, flag, in_range, same_shape
# aliased: triplet_margin_loss has an argument named ``positive``
from .._validate import positive as _positive
from ._registry import loss
from .boxes import _lower  # torch.minimum's derivative, ties split in half (one copy, in boxes)
from .classification import cross_entropy

__all__ = [
    "triplet_margin_loss",
    "cosine_embedding_loss",
    "contrastive_loss",
    "center_loss",
    "arcface_loss",
    "cosface_loss",
    "sphereface_loss",
]

# torch's cosine_embedding_loss adds this to each squared norm; it is the C++ float
# constant 1e-12f, i.e. 1e-12 rounded to float32 (checked against torch's output).
_COSINE_EPS = float(np.float32(1e-12))


# --------------------------------------------------------------------------- validation


def _embeddings(*named: tuple[str, Any]) -> list[np.ndarray]:
    """Float64 embeddings of shape (N, D) or (D,), all of the first one's shape."""
    arrays = [as_float(name, value) for name, value in named]
    first_name, first = named[0][0], arrays[0]
    if first.ndim not in (1, 2):
        raise ValueError(f"{first_name} must have shape (N, D) or (D,), got {first.shape}")
    for (name, _), array in zip(named[1:], arrays[1:]):
        same_shape(first_name, first, name, array)
    return arrays


def _pair_labels(name: str, value: Any, inputs: np.ndarray, allowed: tuple[int, int]) -> np.ndarray:
    """One label per pair, shape (N,) for (N, D) inputs or () for (D,), each in ``allowed``."""
    labels = as_float(name, value)
    if labels.shape != inputs.shape[:-1]:
        raise ValueError(f"{name} must have shape {inputs.shape[:-1]} (one label per pair), got {labels.shape}")
    if not np.all(np.isin(labels, allowed)):
        raise ValueError(f"{name} must hold only {allowed[0]} or {allowed[1]}, got {np.unique(labels)[:5]}")
    return labels.astype(np.float64)


def _per_pair(local: np.ndarray, grad_output: Any, reduction: str) -> np.ndarray:
    """A per-pair derivative ``(N, D)`` (or ``(D,)``) pulled back through the reduction."""
    return _reduction.pull_back(local, grad_output, reduction, axis=-1)


_PAIR_REDUCTION = """
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per pair, ``(N,)`` or ``()``; else their mean or sum."""


# --------------------------------------------------------------------------- distances


def _norm_grad(x: np.ndarray, norm: np.ndarray, p: float) -> np.ndarray:
    """d||x||_p / dx along the last axis, with torch's choices where it is undefined.

    p = inf: the gradient is shared equally by the entries that attain the max;
    otherwise sign(x) |x|^(p-1) / ||x||^(p-1), taken as 0 where x = 0 (for p < 1 the
    power is infinite there) and where the norm is 0 (a kink for p >= 1).
    """
    norm = norm[..., None]
    if np.isinf(p):
        argmax = np.abs(x) == norm
        return np.sign(x) * argmax / np.sum(argmax, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.where(x == 0, 0.0, np.sign(x) * np.abs(x) ** (p - 1))
        scale = np.where(norm == 0, 0.0, norm ** (1 - p))
    return power * scale


def _pairwise_distance(x1: np.ndarray, x2: np.ndarray, p: float, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """torch's ``pairwise_distance``: ||x1 - x2 + eps||_p over the last axis, and d/dx1.

    Note the eps is added to every coordinate of the *difference* (not to the norm): it
    keeps the norm's gradient defined when x1 == x2. d/dx2 is minus d/dx1.
    """
    difference = x1 - x2 + eps
    if np.isinf(p):
        distance = np.max(np.abs(difference), axis=-1)
    else:
        distance = np.sum(np.abs(difference) ** p, axis=-1) ** (1 / p)
    return distance, _norm_grad(difference, distance, p)


# --------------------------------------------------------------------------- triplet


def _triplet(
    a: np.ndarray, pos: np.ndarray, neg: np.ndarray, margin: float, p: float, eps: float, swap: bool
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per-triplet losses and their derivatives w.r.t. anchor, positive, negative."""
    d_pos, g_pos = _pairwise_distance(a, pos, p, eps)
    d_neg, g_neg = _pairwise_distance(a, neg, p, eps)
    w_neg, w_swap, g_swap = np.ones_like(d_neg), np.zeros_like(d_neg), np.zeros_like(g_neg)
    if swap:
        # the "distance swap": the harder of d(a, n) and d(p, n), by torch.minimum
        d_swap, g_swap = _pairwise_distance(pos, neg, p, eps)
        w_neg = _lower(d_neg, d_swap)
        w_swap = 1 - w_neg
        d_neg = np.minimum(d_neg, d_swap)
    hinge = margin + d_pos - d_neg
    # torch's clamp_min passes the gradient where hinge >= 0 (including exactly 0)
    active = (hinge >= 0)[..., None]
    w_neg, w_swap = w_neg[..., None], w_swap[..., None]
    grads = (
        active * (g_pos - w_neg * g_neg),
        active * (-g_pos - w_swap * g_swap),
        active * (w_neg * g_neg + w_swap * g_swap),
    )
    return np.maximum(hinge, 0.0), grads


@loss(
    formula=r"\ell_n = \max\{0,\ m + d(a_n, p_n) - d(a_n, n_n)\},\quad d(x, y) = \lVert x - y + \epsilon \rVert_p",
    torch="torch.nn.functional.triplet_margin_loss",
    wrt=("anchor", "positive", "negative"),
    view=None, topic="embedding",
)
def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> np.ndarray:
    """Triplet margin loss, as ``torch.nn.functional.triplet_margin_loss``.

    The anchor should be nearer the positive than the negative by at least ``margin``;
    a triplet that already is costs nothing.

    Parameters
    ----------
    anchor, positive, negative : array_like
        Embeddings, all ``(N, D)`` or all ``(D,)`` (lossviz is stricter than torch, which
        broadcasts them).
    margin : float, default 1.0
        > 0 (as torch checks).
    p : float, default 2
        The norm's order, > 0 (``inf`` allowed).
    eps : float, default 1e-6
        Added to every coordinate of each difference (torch's ``pairwise_distance``); >= 0.
    swap : bool, default False
        Use min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016).{reduction}

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` (``()``) for ``"none"``. ``.grad`` returns the derivatives
        w.r.t. anchor, positive and negative.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``swap`` is not a bool.
    ValueError
        If the shapes differ or are not 1-d or 2-d, ``margin``, ``p`` or ``eps`` is out of
        range, or ``reduction`` is unknown.

    Notes
    -----
    At a tie of the swap the gradient is split in half, and at hinge == 0 it is passed
    (torch's ``clamp_min``). Norm gradients at 0 are 0.

    Examples
    --------
    >>> from lossviz.losses import triplet_margin_loss
    >>> anchor, positive, negative = [[0.0, 1.0], [1.0, 1.0]], [[0.5, 1.0], [1.0, 0.0]], [[2.0, 1.0], [1.0, 1.5]]
    >>> triplet_margin_loss(anchor, positive, negative, reduction="none")
    array([0.      , 1.500002])
    >>> triplet_margin_loss.grad(anchor, positive, negative, reduction="none")[0]
    array([[ 0.000000e+00,  0.000000e+00],
           [-1.000005e-06,  2.000000e+00]])
    """
    losses, _ = _triplet(anchor, positive, negative, margin, p, eps, swap)
    return _reduction.reduce(losses, reduction)


@triplet_margin_loss.arguments
def _triplet_arguments(
    anchor: Any, positive: Any, negative: Any, margin: Any, p: Any, eps: Any, swap: Any, reduction: Any
) -> tuple[Any, ...]:
    _reduction.check(reduction)
    margin = _positive("margin", margin)  # torch: "margin must be greater than 0"
    p, eps, swap = _positive("p", p), _positive("eps", eps, allow_zero=True), flag("swap", swap)
    a, pos, neg = _embeddings(("anchor", anchor), ("positive", positive), ("negative", negative))
    return a, pos, neg, margin, p, eps, swap, reduction


@triplet_margin_loss.gradient
def triplet_margin_loss_grad(
    anchor: np.ndarray, positive: np.ndarray, negative: np.ndarray, margin: float, p: float, eps: float, swap: bool,
    reduction: str, *, grad_output: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, grads = _triplet(anchor, positive, negative, margin, p, eps, swap)
    return tuple(_per_pair(grad, grad_output, reduction) for grad in grads)


# --------------------------------------------------------------------------- cosine embedding


def _cosine_embedding(
    x1: np.ndarray, x2: np.ndarray, y: np.ndarray, margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-pair losses and their derivatives w.r.t. input1 and input2."""
    dot = np.sum(x1 * x2, axis=-1)
    squared1 = np.sum(x1 * x1, axis=-1) + _COSINE_EPS
    squared2 = np.sum(x2 * x2, axis=-1) + _COSINE_EPS
    denominator = np.sqrt(squared1 * squared2)
    cos = dot / denominator
    similar = y == 1
    losses = np.where(similar, 1 - cos, np.maximum(cos - margin, 0.0))
    # dl/dcos: -1 for similar pairs; for dissimilar ones 1 where cos - margin >= 0 (clamp_min)
    d_cos = np.where(similar, -1.0, (cos - margin >= 0).astype(np.float64))[..., None]
    # dcos/dx1 = x2 / |x1||x2| - cos x1 / |x1|^2 (with torch's eps inside both norms)
    d_x1 = x2 / denominator[..., None] - (cos / squared1)[..., None] * x1
    d_x2 = x1 / denominator[..., None] - (cos / squared2)[..., None] * x2
    return losses, d_cos * d_x1, d_cos * d_x2


@loss(
    formula=(
        r"\ell_n = \begin{cases} 1 - \cos(x_{1n}, x_{2n}) & y_n = 1 \\ "
        r"\max\{0,\ \cos(x_{1n}, x_{2n}) - m\} & y_n = -1 \end{cases}"
    ),
    torch="torch.nn.functional.cosine_embedding_loss",
    wrt=("input1", "input2"),
    view=None, topic="embedding",
)
def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0, reduction: str = "mean") -> np.ndarray:
    """Cosine embedding loss, as ``torch.nn.functional.cosine_embedding_loss``.

    ``target`` 1 asks the pair to point the same way, -1 to have cosine at most ``margin``.

    Parameters
    ----------
    input1, input2 : array_like
        Embeddings, both ``(N, D)`` or both ``(D,)``.
    target : array_like
        Labels 1 or -1, one per pair: ``(N,)`` or ``()``.
    margin : float, default 0
        In [-1, 1], as torch's documentation asks.{reduction}

    Returns
    -------
    ndarray
        A scalar, or the target's shape for ``"none"``. ``.grad`` returns the derivatives
        w.r.t. input1 and input2.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If a shape is wrong, a label is not 1 or -1 (torch silently gives 0 for other
        values; lossviz refuses them on purpose), ``margin`` is outside [-1, 1], or
        ``reduction`` is unknown.

    Notes
    -----
    torch's cosine is ``x1.x2 / sqrt((|x1|^2 + e)(|x2|^2 + e))`` with e = 1e-12 as a
    float32 (9.99999996e-13), so a zero vector has cosine 0, not NaN. At cos == margin
    the gradient is passed (torch's ``clamp_min``).

    Examples
    --------
    >>> from lossviz.losses import cosine_embedding_loss
    >>> x1, x2 = [[1.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [-1.0, 0.5]]
    >>> float(cosine_embedding_loss(x1, x2, [1, -1], margin=-0.5))
    0.23833273
    >>> cosine_embedding_loss.grad(x1, x2, [1, -1], margin=-0.5)[1]
    array([[-0.1767767 ,  0.1767767 ],
           [ 0.18973666,  0.37947332]])
    """
    losses, _, _ = _cosine_embedding(input1, input2, target, margin)
    return _reduction.reduce(losses, reduction)


@cosine_embedding_loss.arguments
def _cosine_embedding_arguments(input1: Any, input2: Any, target: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    _reduction.check(reduction)
    margin = in_range("margin", margin, -1.0, 1.0)
    x1, x2 = _embeddings(("input1", input1), ("input2", input2))
    return x1, x2, _pair_labels("target", target, x1, (-1, 1)), margin, reduction


@cosine_embedding_loss.gradient
def cosine_embedding_loss_grad(
    input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float, reduction: str, *, grad_output: Any
) -> tuple[np.ndarray, np.ndarray]:
    _, d_x1, d_x2 = _cosine_embedding(input1, input2, target, margin)
    return _per_pair(d_x1, grad_output, reduction), _per_pair(d_x2, grad_output, reduction)


# --------------------------------------------------------------------------- contrastive


def _contrastive(
    x1: np.ndarray, x2: np.ndarray, y: np.ndarray, margin: float, eps: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair losses and their derivative w.r.t. input1 (minus that for input2)."""
    distance, d_distance = _pairwise_distance(x1, x2, 2, eps)
    gap = np.maximum(margin - distance, 0.0)
    losses = 0.5 * y * distance**2 + 0.5 * (1 - y) * gap**2
    # dl/dd = y d - (1 - y) max(0, m - d): similar pairs are pulled in, dissimilar pushed out to m
    return losses, (y * distance - (1 - y) * gap)[..., None] * d_distance


@loss(
    formula=r"\ell_n = \tfrac12\, y_n d_n^2 + \tfrac12\, (1 - y_n) \max\{0,\ m - d_n\}^2,\quad d_n = \lVert x_{1n} - x_{2n} + \epsilon \rVert_2",
    torch=None,
    wrt=("input1", "input2"),
    view=None, topic="embedding",
)
def contrastive_loss(
    input1: Any, input2: Any, target: Any, margin: float = 1.0, eps: float = 1e-6, reduction: str = "mean"
) -> np.ndarray:
    """Contrastive loss of Hadsell, Chopra and LeCun (CVPR 2006, eq. 4), on pairs.

    Follows the paper: ``target`` 1 marks a similar pair (pulled together by 1/2 d^2), 0
    a dissimilar pair (pushed apart until d >= ``margin``, by 1/2 max(0, m - d)^2). The
    paper writes Y = 0 for similar pairs: its Y is 1 - ``target``; the 1/2 factors are the
    paper's. torch has no contrastive loss; d is torch's ``pairwise_distance`` (the usual
    choice of PyTorch implementations), ``||x1 - x2 + eps||_2``, whose eps keeps the
    gradient of the margin term defined when the embeddings coincide.

    Parameters
    ----------
    input1, input2 : array_like
        Embeddings, both ``(N, D)`` or both ``(D,)``.
    target : array_like
        Labels 1 (similar) or 0 (dissimilar), one per pair: ``(N,)`` or ``()``.
    margin : float, default 1.0
        The distance a dissimilar pair must reach; >= 0.
    eps : float, default 1e-6
        Added to every coordinate of the difference; >= 0.{reduction}

    Returns
    -------
    ndarray
        A scalar, or the target's shape for ``"none"``. ``.grad`` returns the derivatives
        w.r.t. input1 and input2.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``target`` is boolean.
    ValueError
        If a shape is wrong, a label is not 0 or 1, an option is negative, or
        ``reduction`` is unknown.

    Notes
    -----
    Derivative w.r.t. ``input1``: ``(y d - (1 - y) max(0, m - d)) dd/dx1``, minus that
    for ``input2``.

    Examples
    --------
    >>> from lossviz.losses import contrastive_loss
    >>> x1, x2 = [[0.0, 0.0], [1.0, 1.0]], [[3.0, 4.0], [1.0, 1.5]]
    >>> float(contrastive_loss(x1, x2, [1, 0]))
    6.31249675
    >>> contrastive_loss.grad(x1, x2, [1, 0])[0]
    array([[-1.4999995e+00, -1.9999995e+00],
           [-5.0000200e-07,  2.5000050e-01]])
    """
    losses, _ = _contrastive(input1, input2, target, margin, eps)
    return _reduction.reduce(losses, reduction)


@contrastive_loss.arguments
def _contrastive_arguments(input1: Any, input2: Any, target: Any, margin: Any, eps: Any, reduction: Any) -> tuple[Any, ...]:
    _reduction.check(reduction)
    margin, eps = _positive("margin", margin, allow_zero=True), _positive("eps", eps, allow_zero=True)
    x1, x2 = _embeddings(("input1", input1), ("input2", input2))
    return x1, x2, _pair_labels("target", target, x1, (0, 1)), margin, eps, reduction


@contrastive_loss.gradient
def contrastive_loss_grad(
    input1: np.ndarray, input2: np.ndarray, target: np.ndarray, margin: float, eps: float, reduction: str,
    *, grad_output: Any,
) -> tuple[np.ndarray, np.ndarray]:
    _, d_x1 = _contrastive(input1, input2, target, margin, eps)
    grad = _per_pair(d_x1, grad_output, reduction)
    return grad, -grad


# --------------------------------------------------------------------------- center


@loss(
    formula=r"\mathcal{L}_C = \tfrac12 \sum_{i=1}^{N} \lVert x_i - c_{y_i} \rVert_2^2",
    torch=None,
    wrt=("features",),
    view=None, topic="embedding",
)
def center_loss(features: Any, labels: Any, centers: Any, reduction: str = "sum") -> np.ndarray:
    """Center loss of Wen, Zhang, Li and Qiao (ECCV 2016, eq. 2).

    Follows the paper: each feature is pulled towards its class center, shrinking the
    spread within each class. ``reduction="sum"`` (default) is the paper's L_C;
    ``"mean"`` divides by N as common PyTorch implementations do.

    Parameters
    ----------
    features : array_like
        ``(N, D)``.
    labels : array_like of int
        ``(N,)`` classes in [0, C).
    centers : array_like
        ``(C, D)``, one center per class.
    reduction : {"sum", "mean", "none"}, default "sum"
        ``"none"``: one loss per sample, ``(N,)``; else their sum or mean.

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` for ``"none"``.

    Raises
    ------
    TypeError
        If ``features`` or ``centers`` is not real numbers, or ``labels`` not integers.
    ValueError
        If a shape is wrong, a label is out of range, or ``reduction`` is unknown.

    Notes
    -----
    The gradient is w.r.t. ``features`` only, ``x_i - c_{y_i}``: in the paper the centers
    are not trained by this gradient but updated separately, each step
    c_j <- c_j - alpha * sum_{i: y_i = j} (c_j - x_i) / (1 + n_j).

    Examples
    --------
    >>> from lossviz.losses import center_loss
    >>> features, labels, centers = [[1.0, 2.0], [3.0, 3.0]], [0, 1], [[0.0, 0.0], [3.0, 1.0]]
    >>> float(center_loss(features, labels, centers))
    4.5
    >>> center_loss.grad(features, labels, centers)
    array([[1., 2.],
           [0., 2.]])
    """
    return _reduction.reduce(0.5 * np.sum((features - centers[labels]) ** 2, axis=-1), reduction)


@center_loss.arguments
def _center_arguments(features: Any, labels: Any, centers: Any, reduction: Any) -> tuple[Any, ...]:
    _reduction.check(reduction)
    x = as_float("features", features)
    if x.ndim != 2:
        raise ValueError(f"features must have shape (N, D), got {x.shape}")
    c = as_float("centers", centers)
    if c.ndim != 2 or c.shape[1] != x.shape[1]:
        raise ValueError(f"centers must have shape (C, {x.shape[1]}) (one center per class), got {c.shape}")
    y = as_index("labels", labels, c.shape[0])
    if y.shape != x.shape[:1]:
        raise ValueError(f"labels must have shape ({x.shape[0]},) (one per feature row), got {y.shape}")
    return x, y, c, reduction


@center_loss.gradient
def center_loss_grad(features: np.ndarray, labels: np.ndarray, centers: np.ndarray, reduction: str, *, grad_output: Any) -> np.ndarray:
    return _per_pair(features - centers[labels], grad_output, reduction)


# --------------------------------------------------------------------------- margin softmax

# A margin: target cosine -> (modified cosine, its derivative), elementwise.
Margin = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def _cosines(input: Any, target: Any, scale: Any, reduction: Any) -> tuple[np.ndarray, np.ndarray, float, str]:
    """The shared part of the face losses' check: cosines in [-1, 1] (both ends included)."""
    _reduction.check(reduction)
    scale = _positive("scale", scale)
    cos = as_float("input", input)
    if cos.ndim != 2:
        raise ValueError(f"input must have shape (N, C): cosines of N features with C class weights, got {cos.shape}")
    if np.any((cos < -1) | (cos > 1)):
        raise ValueError(
            f"input must hold cosines in [-1, 1], got values in [{np.nanmin(cos)}, {np.nanmax(cos)}] "
            "(clip rounding overshoot with np.clip(input, -1, 1))"
        )
    labels = as_index("target", target, cos.shape[1])
    if labels.shape != cos.shape[:1]:
        raise ValueError(f"target must have shape ({cos.shape[0]},) (one class per row of input), got {labels.shape}")
    return cos, labels, scale, reduction


def _margin_logits(cos: np.ndarray, labels: np.ndarray, scale: float, margin: Margin) -> tuple[np.ndarray, np.ndarray]:
    """Logits s * cos with the target entries replaced by s * margin(cos), and d logits / d cos."""
    rows = np.arange(len(labels))
    target_value, target_slope = margin(cos[rows, labels])
    logits, slope = scale * cos, np.full(cos.shape, scale)
    logits[rows, labels] = scale * target_value
    slope[rows, labels] = scale * target_slope
    return logits, slope


def _margin_softmax(cos: np.ndarray, labels: np.ndarray, scale: float, reduction: str, margin: Margin) -> np.ndarray:
    logits, _ = _margin_logits(cos, labels, scale, margin)
    return cross_entropy(logits, labels, reduction=reduction)


def _margin_softmax_grad(
    cos: np.ndarray, labels: np.ndarray, scale: float, reduction: str, margin: Margin, grad_output: Any
) -> np.ndarray:
    """Chain rule: d cross_entropy / d logits times d logits / d cos, entrywise."""
    logits, slope = _margin_logits(cos, labels, scale, margin)
    return cross_entropy.grad(logits, labels, reduction=reduction, grad_output=grad_output) * slope


def _arcface_margin(margin: float) -> Margin:
    """cos(theta + m) for theta + m <= pi, else cos(theta) - m sin(m), as insightface.

    With sin(theta) = sqrt(clamp(1 - cos^2, 0, 1)) (the clamp of the reference
    implementations), cos(theta + m) = cos cos(m) - sin sin(m). Past theta = pi - m the
    reference switches to the linear cos - m sin(pi - m) so that the target logit keeps
    decreasing in theta. d/dcos = cos(m) + sin(m) cos / sin, infinite at cos = 1 (theta = 0),
    as in the reference; in the linear part it is 1 (also at cos = -1, where the
    reference's autograd gives NaN: 0 times the infinite slope of sqrt at 0).
    """
    cos_m, sin_m = np.cos(margin), np.sin(margin)
    threshold, linear_shift = np.cos(np.pi - margin), np.sin(np.pi - margin) * margin

    def apply(cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sin = np.sqrt(np.clip(1 - cos**2, 0, 1))
        angular = cos > threshold
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(angular, cos_m + sin_m * cos / np.where(angular, sin, 1.0), 1.0)
        return np.where(angular, cos * cos_m - sin * sin_m, cos - linear_shift), slope

    return apply


def _additive_arguments(input: Any, target: Any, scale: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    """The check of arcface_loss and cosface_loss: a margin >= 0."""
    cos, labels, scale, reduction = _cosines(input, target, scale, reduction)
    return cos, labels, scale, _positive("margin", margin, allow_zero=True), reduction


_MARGIN_PARAMETERS = """
    Parameters
    ----------
    input : array_like
        ``(N, C)`` cosines cos(theta_j) between N normalised features and C normalised
        class weights, in [-1, 1] (both ends included).
    target : array_like of int
        ``(N,)`` class indices.
    scale : float, default 64.0
        s, the logits' scale; > 0.
    margin : {margin}
    reduction : {{"mean", "sum", "none"}}, default "mean"
        ``"none"``: one loss per row, ``(N,)``; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` for ``"none"``; ``.grad`` is w.r.t. the cosines.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``target`` not integers.
    ValueError
        If a shape is wrong, a cosine lies outside [-1, 1], a class index is out of range,
        ``scale`` or ``margin`` is out of range, or ``reduction`` is unknown.
"""


@loss(
    formula=r"\ell_n = -\log \frac{e^{s \cos(\theta_{y_n} + m)}}{e^{s \cos(\theta_{y_n} + m)} + \sum_{j \ne y_n} e^{s \cos\theta_j}}",
    torch=None,
    view=None, topic="embedding",
)
def arcface_loss(input: Any, target: Any, scale: float = 64.0, margin: float = 0.5, reduction: str = "mean") -> np.ndarray:
    """ArcFace: additive angular margin (Deng et al., CVPR 2019), as insightface computes it.

    Follows insightface: the loss is ``cross_entropy`` of the logits s * cos(theta_j), the
    target's replaced by s * cos(theta + m), so the target class must win by an angle m
    to reach a low loss. Defaults s = 64, m = 0.5 as insightface.
    {parameters}
    Notes
    -----
    For theta + m > pi, where cos(theta + m) would turn back up, the target logit is
    cos(theta) - m sin(pi - m) instead (insightface's ``easy_margin=False``).
    sin(theta) = sqrt(clamp(1 - cos^2, 0, 1)); the gradient is infinite at a target cosine
    of exactly 1, as in the reference.

    Examples
    --------
    >>> from lossviz.losses import arcface_loss
    >>> cos = [[0.8, 0.1, -0.2], [0.3, 0.5, -1.0]]
    >>> float(arcface_loss(cos, [0, 2], scale=4.0))
    3.82269433
    >>> arcface_loss.grad(cos, [0, 2], scale=4.0)
    array([[-0.81923772,  0.4150828 ,  0.12502054],
           [ 0.6196448 ,  1.37904485, -1.99868965]])
    """
    return _margin_softmax(input, target, scale, reduction, _arcface_margin(margin))


arcface_loss.arguments(_additive_arguments)


@arcface_loss.gradient
def arcface_loss_grad(
    input: np.ndarray, target: np.ndarray, scale: float, margin: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    return _margin_softmax_grad(input, target, scale, reduction, _arcface_margin(margin), grad_output)


def _cosface_margin(margin: float) -> Margin:
    """cos(theta) - m, slope 1."""
    return lambda cos: (cos - margin, np.ones_like(cos))


@loss(
    formula=r"\ell_n = -\log \frac{e^{s (\cos\theta_{y_n} - m)}}{e^{s (\cos\theta_{y_n} - m)} + \sum_{j \ne y_n} e^{s \cos\theta_j}}",
    torch=None,
    view=None, topic="embedding",
)
def cosface_loss(input: Any, target: Any, scale: float = 64.0, margin: float = 0.35, reduction: str = "mean") -> np.ndarray:
    """CosFace / large margin cosine loss: additive cosine margin (Wang et al., CVPR 2018).

    Follows the paper: ``cross_entropy`` of the logits s * cos(theta_j), the target's
    replaced by s (cos(theta) - m). Defaults s = 64, m = 0.35 as in the paper.
    {parameters}
    Notes
    -----
    No clamp is needed: the target logit s (cos - m) is linear in the cosine, so the
    gradient is ``s (softmax - onehot)`` of those logits.

    Examples
    --------
    >>> from lossviz.losses import cosface_loss
    >>> cos = [[0.8, 0.1, -0.2], [0.3, 0.5, -1.0]]
    >>> float(cosface_loss(cos, [0, 2], scale=4.0))
    4.02490667
    >>> cosface_loss.grad(cos, [0, 2], scale=4.0)
    array([[-0.48584707,  0.37338552,  0.11246156],
           [ 0.61978964,  1.37936722, -1.99915686]])
    """
    return _margin_softmax(input, target, scale, reduction, _cosface_margin(margin))


cosface_loss.arguments(_additive_arguments)


@cosface_loss.gradient
def cosface_loss_grad(
    input: np.ndarray, target: np.ndarray, scale: float, margin: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    return _margin_softmax_grad(input, target, scale, reduction, _cosface_margin(margin), grad_output)


def _chebyshev(m: int, cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """T_m(cos) = cos(m theta) and its derivative m U_{m-1}(cos), by the three-term recurrences.

    Polynomials in cos, so the gradient needs no arccos (whose slope is infinite at +-1).
    """
    t_prev, t = np.ones_like(cos), cos
    u_prev, u = np.zeros_like(cos), np.ones_like(cos)  # U_{-1} = 0, U_0 = 1
    for _ in range(m - 1):
        t_prev, t = t, 2 * cos * t - t_prev
        u_prev, u = u, 2 * cos * u - u_prev
    return t, m * u


def _sphereface_margin(margin: int) -> Margin:
    """psi(theta) = (-1)^k cos(m theta) - 2k on [k pi/m, (k+1) pi/m]: monotonic in theta.

    k = floor(m theta / pi), at most m - 1: at theta = pi exactly (a cosine of -1) the
    last piece applies. Its value there agrees with the next piece's, but not its slope.
    """

    def apply(cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cos = np.clip(cos, -1, 1)  # the reference clamps; validation already guarantees it
        k = np.minimum(np.floor(margin * np.arccos(cos) / np.pi), margin - 1)  # piece index, constant in the gradient
        t, dt = _chebyshev(margin, cos)
        sign = (-1.0) ** k
        return sign * t - 2 * k, sign * dt

    return apply


@loss(
    formula=(
        r"\ell_n = -\log \frac{e^{s \psi(\theta_{y_n})}}{e^{s \psi(\theta_{y_n})} + \sum_{j \ne y_n} e^{s \cos\theta_j}},\quad "
        r"\psi(\theta) = (-1)^k \cos(m\theta) - 2k,\ \theta \in [\tfrac{k\pi}{m}, \tfrac{(k+1)\pi}{m}]"
    ),
    torch=None,
    view=None, topic="embedding",
)
def sphereface_loss(input: Any, target: Any, scale: float = 64.0, margin: int = 4, reduction: str = "mean") -> np.ndarray:
    """SphereFace / A-Softmax: multiplicative angular margin (Liu et al., CVPR 2017).

    Follows the paper with m = 4: cos(m theta) alone is not monotonic in theta, so the
    paper's psi(theta) = (-1)^k cos(m theta) - 2k, k = floor(m theta / pi), extends it to a
    decreasing function on [0, pi], and the loss is ``cross_entropy`` of the logits
    s * cos(theta_j), the target's replaced by s psi(theta).
    {parameters}
    Notes
    -----
    As in the reference implementations cos(m theta) is the Chebyshev polynomial
    T_m(cos theta), the cosine is clamped to [-1, 1], and k is computed without gradient
    (psi is continuous with a continuous slope across the pieces). At theta = pi exactly
    k is m - 1, the last piece (the references' floor gives m there, whose slope has the
    wrong sign). The paper scales the logits by the feature norm ||x||; on cosine logits a
    fixed scale s takes its place (default 64, as ArcFace and CosFace), and the reference
    training's annealing (mixing in cos theta with weight lambda) is left out: lambda = 0.

    Examples
    --------
    >>> from lossviz.losses import sphereface_loss
    >>> cos = [[0.8, 0.1, -0.2], [0.3, 0.5, -0.5]]
    >>> float(sphereface_loss(cos, [0, 2], scale=1.0))
    3.65062587
    >>> sphereface_loss.grad(cos, [0, 2], scale=1.0)
    array([[-1.46443954,  0.23471996,  0.17388482],
           [ 0.2242522 ,  0.27390226, -1.99261784]])
    """
    return _margin_softmax(input, target, scale, reduction, _sphereface_margin(margin))


@sphereface_loss.arguments
def _sphereface_arguments(input: Any, target: Any, scale: Any, margin: Any, reduction: Any) -> tuple[Any, ...]:
    cos, labels, scale, reduction = _cosines(input, target, scale, reduction)
    if isinstance(margin, bool) or not isinstance(margin, (int, np.integer)) or margin < 1:
        raise ValueError(f"margin must be a positive integer (SphereFace's m, e.g. 4), got {margin!r}")
    return cos, labels, scale, int(margin), reduction


@sphereface_loss.gradient
def sphereface_loss_grad(
    input: np.ndarray, target: np.ndarray, scale: float, margin: int, reduction: str, *, grad_output: Any
) -> np.ndarray:
    return _margin_softmax_grad(input, target, scale, reduction, _sphereface_margin(margin), grad_output)


for _function in (triplet_margin_loss, cosine_embedding_loss, contrastive_loss):
    _function.__doc__ = _function.__doc__.replace("{reduction}", _PAIR_REDUCTION)
for _function, _margin in (
    (arcface_loss, "float, default 0.5\n        m, the angle added to the target's; >= 0."),
    (cosface_loss, "float, default 0.35\n        m, subtracted from the target's cosine; >= 0."),
    (sphereface_loss, "int, default 4\n        m, the multiplier of the target's angle; a positive integer."),
):
    _function.__doc__ = _function.__doc__.replace("{parameters}", _MARGIN_PARAMETERS.format(margin=_margin))
