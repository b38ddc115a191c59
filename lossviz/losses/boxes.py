"""Bounding-box regression losses: IoU, GIoU, DIoU, CIoU, as torchvision computes them.

Boxes are ``(x1, y1, x2, y2)`` with ``x2 >= x1`` and ``y2 >= y1``, shape ``(N, 4)`` or
``(4,)``; ``boxes1`` are the predictions (the gradient is taken w.r.t. them) and
``boxes2`` the targets. Every loss is ``1 - IoU`` plus a penalty, so they share one
geometry helper, ``_Pairs``: each quantity (intersection, union, enclosing box, centre
distance, aspect term) comes with its derivative w.r.t. the four coordinates of
``boxes1``, an ``(N, 4)`` array; each loss is one function from the geometry to its
per-box values and derivatives, and ``_box_loss`` makes the four registered losses from
those, with one argument check, one reduction and one docstring for their arguments.

The formulas, ``eps`` placements and tie-breaking follow torchvision.ops
(``generalized_box_iou_loss``, ``distance_box_iou_loss``, ``complete_box_iou_loss``
and their helpers ``_loss_inter_union`` / ``_diou_iou_loss``). Like torch's ``maximum``
and ``minimum``, a tie (e.g. ``x1 == x1g``) sends half the gradient to each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import _reduction
from .._function import Function
from .._validate import as_float, positive, same_shape
from ._registry import loss

__all__ = ["iou_loss", "giou_loss", "diou_loss", "ciou_loss"]

# torchvision's ``_diou_iou_loss(boxes1, boxes2)`` is called by ``complete_box_iou_loss``
# without its ``eps``, so CIoU's IoU and diagonal always use this default.
_DIOU_EPS = 1e-7


def _boxes(name: str, value: Any) -> np.ndarray:
    """``value`` as float64 boxes of shape (N, 4) or (4,) with x2 >= x1 and y2 >= y1."""
    boxes = as_float(name, value)
    if boxes.ndim not in (1, 2) or boxes.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (N, 4) or (4,) as (x1, y1, x2, y2), got {boxes.shape}")
    # written as "any x2 < x1" so that NaN (already warned about) is not called a bad box
    if np.any(boxes[..., 2] < boxes[..., 0]):
        raise ValueError(f"{name} must have x2 >= x1 in every box (x1, y1, x2, y2)")
    if np.any(boxes[..., 3] < boxes[..., 1]):
        raise ValueError(f"{name} must have y2 >= y1 in every box (x1, y1, x2, y2)")
    return boxes


def _box_arguments(boxes1: Any, boxes2: Any, reduction: Any, eps: Any) -> tuple[Any, ...]:
    """The one argument check of the four box losses."""
    _reduction.check(reduction)
    eps = positive("eps", eps, allow_zero=True)
    predicted, target = _boxes("boxes1", boxes1), _boxes("boxes2", boxes2)
    same_shape("boxes1", predicted, "boxes2", target)
    return predicted, target, reduction, eps


def _upper(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """d max(a, b) / da as torch.maximum backpropagates: 1, 1/2 at a tie, else 0."""
    return np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))


def _lower(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """d min(a, b) / da as torch.minimum backpropagates: 1, 1/2 at a tie, else 0."""
    return np.where(a < b, 1.0, np.where(a == b, 0.5, 0.0))


def _row(dx1: Any, dy1: Any, dx2: Any, dy2: Any) -> np.ndarray:
    """Stack the derivatives w.r.t. x1, y1, x2, y2 into the box's trailing axis of 4."""
    return np.stack(np.broadcast_arrays(dx1, dy1, dx2, dy2), axis=-1)


@dataclass
class _Pairs:
    """Geometry of each predicted box against its target; ``d_*`` is d(quantity)/d(boxes1).

    Values have the batch shape (N,) or (); derivatives that shape plus a trailing 4.
    """

    inter: np.ndarray
    d_inter: np.ndarray
    union: np.ndarray  # area1 + area2 - inter, no eps
    d_union: np.ndarray
    enclose_w: np.ndarray  # width and height of the smallest box holding both
    enclose_h: np.ndarray
    d_enclose_w: np.ndarray
    d_enclose_h: np.ndarray
    boxes1: np.ndarray
    boxes2: np.ndarray

    @classmethod
    def of(cls, boxes1: np.ndarray, boxes2: np.ndarray) -> "_Pairs":
        x1, y1, x2, y2 = np.moveaxis(boxes1, -1, 0)
        x1g, y1g, x2g, y2g = np.moveaxis(boxes2, -1, 0)
        # Intersection: zero (and flat, hence zero gradient) unless both sides overlap.
        iw = np.minimum(x2, x2g) - np.maximum(x1, x1g)
        ih = np.minimum(y2, y2g) - np.maximum(y1, y1g)
        overlap = (iw > 0) & (ih > 0)
        inter = np.where(overlap, iw * ih, 0.0)
        d_iw = _row(-_upper(x1, x1g), 0.0, _lower(x2, x2g), 0.0)
        d_ih = _row(0.0, -_upper(y1, y1g), 0.0, _lower(y2, y2g))
        d_inter = np.where(overlap[..., None], d_iw * ih[..., None] + d_ih * iw[..., None], 0.0)
        w, h = x2 - x1, y2 - y1
        union = w * h + (x2g - x1g) * (y2g - y1g) - inter
        d_union = _row(-h, -w, h, w) - d_inter
        enclose_w = np.maximum(x2, x2g) - np.minimum(x1, x1g)
        enclose_h = np.maximum(y2, y2g) - np.minimum(y1, y1g)
        d_enclose_w = _row(-_lower(x1, x1g), 0.0, _upper(x2, x2g), 0.0)
        d_enclose_h = _row(0.0, -_lower(y1, y1g), 0.0, _upper(y2, y2g))
        return cls(inter, d_inter, union, d_union, enclose_w, enclose_h, d_enclose_w, d_enclose_h, boxes1, boxes2)

    def iou(self, eps: float) -> tuple[np.ndarray, np.ndarray]:
        """IoU = inter / (union + eps) and its derivative (quotient rule)."""
        denominator = self.union + eps
        iou = self.inter / denominator
        d_iou = (self.d_inter - iou[..., None] * self.d_union) / denominator[..., None]
        return iou, d_iou

    def enclosing_area(self) -> tuple[np.ndarray, np.ndarray]:
        """Area of the smallest enclosing box, C = cw * ch, and its derivative."""
        cw, ch = self.enclose_w[..., None], self.enclose_h[..., None]
        return self.enclose_w * self.enclose_h, self.d_enclose_w * ch + self.d_enclose_h * cw

    def enclosing_diagonal(self, eps: float) -> tuple[np.ndarray, np.ndarray]:
        """Squared diagonal of the enclosing box plus eps, c^2 = cw^2 + ch^2 + eps."""
        cw, ch = self.enclose_w[..., None], self.enclose_h[..., None]
        value = self.enclose_w**2 + self.enclose_h**2 + eps
        return value, 2 * (cw * self.d_enclose_w + ch * self.d_enclose_h)

    def centre_distance(self) -> tuple[np.ndarray, np.ndarray]:
        """Squared distance between the box centres, rho^2, and its derivative."""
        x1, y1, x2, y2 = np.moveaxis(self.boxes1, -1, 0)
        x1g, y1g, x2g, y2g = np.moveaxis(self.boxes2, -1, 0)
        dx = (x2 + x1) / 2 - (x1g + x2g) / 2
        dy = (y2 + y1) / 2 - (y1g + y2g) / 2
        # each centre coordinate is the mean of two corners: d(dx)/dx1 = d(dx)/dx2 = 1/2
        return dx**2 + dy**2, _row(dx, dy, dx, dy)

    def aspect(self) -> tuple[np.ndarray, np.ndarray]:
        """CIoU's aspect-ratio term v = 4/pi^2 (atan(wg/hg) - atan(w/h))^2 and its derivative."""
        x1, y1, x2, y2 = np.moveaxis(self.boxes1, -1, 0)
        x1g, y1g, x2g, y2g = np.moveaxis(self.boxes2, -1, 0)
        w, h = x2 - x1, y2 - y1
        gap = np.arctan((x2g - x1g) / (y2g - y1g)) - np.arctan(w / h)
        v = 4 / np.pi**2 * gap**2
        # d atan(w/h) = (h dw - w dh) / (w^2 + h^2); dw = (-1, 0, 1, 0), dh = (0, -1, 0, 1)
        d_angle = _row(-h, w, h, -w) / (w**2 + h**2)[..., None]
        return v, (-8 / np.pi**2 * gap)[..., None] * d_angle


def _distance_penalty(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """DIoU's rho^2 / c^2 (centre distance over enclosing diagonal) and its derivative."""
    rho2, d_rho2 = pairs.centre_distance()
    c2, d_c2 = pairs.enclosing_diagonal(eps)
    return rho2 / c2, (d_rho2 - (rho2 / c2)[..., None] * d_c2) / c2[..., None]


def _diou(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DIoU loss 1 - IoU + rho^2/c^2, its derivative, and the IoU (which CIoU needs)."""
    iou, d_iou = pairs.iou(eps)
    penalty, d_penalty = _distance_penalty(pairs, eps)
    return 1 - iou + penalty, d_penalty - d_iou, iou


def _ciou(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """CIoU loss DIoU + alpha v, alpha = v / (1 - IoU + v + eps) held constant."""
    diou, d_diou, iou = _diou(pairs, _DIOU_EPS)
    v, d_v = pairs.aspect()
    alpha = v / (1 - iou + v + eps)
    return diou + alpha * v, d_diou + alpha[..., None] * d_v


def _giou(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """GIoU loss 1 - IoU + (C - U)/(C + eps) and its derivative."""
    iou, d_iou = pairs.iou(eps)
    area, d_area = pairs.enclosing_area()
    denominator = area + eps
    penalty = (area - pairs.union) / denominator
    d_penalty = (d_area - pairs.d_union - penalty[..., None] * d_area) / denominator[..., None]
    # 1 - (IoU - penalty), grouped as torchvision does, so rounding matches it too
    return 1 - (iou - penalty), d_penalty - d_iou


# A box loss: the pairs' geometry and eps -> (per-box losses, their derivatives w.r.t. boxes1).
Geometry = Callable[[_Pairs, float], tuple[np.ndarray, np.ndarray]]


def _iou_loss(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """IoU loss 1 - IoU and its derivative."""
    iou, d_iou = pairs.iou(eps)
    return 1 - iou, 0.0 - d_iou  # 0 - d, not -d: no -0.0 where the boxes do not overlap


def _diou_loss(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    losses, d_losses, _ = _diou(pairs, eps)
    return losses, d_losses


_ARGUMENTS = """
    Parameters
    ----------
    boxes1 : array_like
        Predicted boxes ``(N, 4)`` or ``(4,)``, as ``(x1, y1, x2, y2)`` with x2 >= x1 and
        y2 >= y1.
    boxes2 : array_like
        Target boxes of the same shape.
    reduction : {"none", "mean", "sum"}, default "none"
        torchvision's default ``"none"``: one loss per box; the mean over zero boxes is 0,
        as in torchvision.
    eps : float, default 1e-7
        Added to denominators against division by zero; >= 0.

    Returns
    -------
    ndarray
        ``(N,)`` or ``()`` for ``"none"``, else a scalar. ``.grad`` is w.r.t. ``boxes1``.

    Raises
    ------
    TypeError
        If the boxes are not real numbers, or ``eps`` not a real number.
    ValueError
        If a shape is wrong, a box has x2 < x1 or y2 < y1, ``eps < 0``, or ``reduction`` is
        unknown.
"""


def _box_loss(geometry: Geometry, name: str, *, formula: str, torch: str | None, doc: str) -> Function:
    """Define and register one box loss from its geometry: forward, check and gradient.

    Every box loss is drawn as a function of a predicted box's shift (``view="box"``) and
    belongs to the course's topic ``"boxes"``.

    ``doc`` is the loss's own docstring with ``{arguments}`` where the shared description
    of the four losses' arguments goes.
    """

    def forward(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7) -> np.ndarray:
        losses, _ = geometry(_Pairs.of(boxes1, boxes2), eps)
        # torchvision returns 0 (not NaN) for the mean over no boxes: divide by at least 1
        return _reduction.reduce(losses, reduction, denominator=max(losses.size, 1))

    def gradient(boxes1: np.ndarray, boxes2: np.ndarray, reduction: str, eps: float, *, grad_output: Any) -> np.ndarray:
        _, d_losses = geometry(_Pairs.of(boxes1, boxes2), eps)
        denominator = max(d_losses[..., 0].size, 1)
        return _reduction.pull_back(d_losses, grad_output, reduction, axis=-1, denominator=denominator)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = doc.replace("{arguments}", _ARGUMENTS)
    function = loss(formula=formula, torch=torch, wrt=("boxes1",), view="box", topic="boxes")(forward)
    function.arguments(_box_arguments)
    function.gradient(gradient)
    return function


iou_loss = _box_loss(
    _iou_loss,
    "iou_loss",
    formula=r"\ell = 1 - \frac{|A \cap B|}{|A \cup B| + \epsilon}",
    torch=None,
    doc="""IoU loss 1 - IoU, with IoU = intersection / (union + eps) as in torchvision's losses.

    Follows torchvision, which has ``box_iou`` (the pairwise IoU matrix) but no plain IoU
    loss: this one uses the same intersection, union and ``eps`` as
    ``generalized_box_iou_loss``.
    {arguments}
    Notes
    -----
    Why the gradient is zero without overlap: when the boxes are disjoint the intersection
    is 0 for every small move of ``boxes1``, so IoU is flat at 0 and the loss is flat at 1.
    Gradient descent gets no signal which way to move; GIoU, DIoU and CIoU add penalties
    (enclosing box, centre distance) that keep a slope there.

    Examples
    --------
    >>> from lossviz.losses import iou_loss
    >>> boxes1, boxes2 = [[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]], [[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 3.0, 2.0]]
    >>> iou_loss(boxes1, boxes2)
    array([0.85714286, 1.        ])
    >>> iou_loss.grad(boxes1, boxes2)
    array([[-0.04081633, -0.04081633, -0.12244898, -0.12244898],
           [ 0.        ,  0.        ,  0.        ,  0.        ]])
    """,
)

giou_loss = _box_loss(
    _giou,
    "giou_loss",
    formula=r"\ell = 1 - \mathrm{IoU} + \frac{|C| - |A \cup B|}{|C| + \epsilon}",
    torch="torchvision.ops.generalized_box_iou_loss",
    doc="""Generalized IoU loss (Rezatofighi et al. 2019), as ``torchvision.ops.generalized_box_iou_loss``.

    C is the smallest box enclosing both. When the boxes are disjoint IoU is flat, but the
    empty part of C, (|C| - |A u B|) / |C|, still shrinks as the boxes approach: a gradient.
    {arguments}
    Examples
    --------
    >>> from lossviz.losses import giou_loss
    >>> boxes1, boxes2 = [[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]], [[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 3.0, 2.0]]
    >>> giou_loss(boxes1, boxes2)
    array([1.07936508, 1.49999999])
    >>> giou_loss.grad(boxes1, boxes2)
    array([[-7.78533628e-02, -7.78533628e-02, -2.33560088e-01, -2.33560088e-01],
           [-2.77777767e-09,  4.16666639e-02, -1.66666664e-01, -1.66666664e-01]])
    """,
)

diou_loss = _box_loss(
    _diou_loss,
    "diou_loss",
    formula=r"\ell = 1 - \mathrm{IoU} + \frac{\rho^2(b, b^{gt})}{c^2 + \epsilon}",
    torch="torchvision.ops.distance_box_iou_loss",
    doc="""Distance IoU loss (Zheng et al. 2020), as ``torchvision.ops.distance_box_iou_loss``.

    rho is the distance between the box centres, c the diagonal of the smallest enclosing
    box: the penalty pulls the centres together even when the boxes do not overlap.
    {arguments}
    Examples
    --------
    >>> from lossviz.losses import diou_loss
    >>> boxes1, boxes2 = [[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]], [[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 3.0, 2.0]]
    >>> diou_loss(boxes1, boxes2)
    array([0.96825397, 1.32692307])
    >>> diou_loss.grad(boxes1, boxes2)
    array([[-0.05933484, -0.05933484, -0.17800453, -0.17800453],
           [-0.00295858,  0.01183432, -0.15384615, -0.03846154]])
    """,
)

ciou_loss = _box_loss(
    _ciou,
    "ciou_loss",
    formula=(
        r"\ell = 1 - \mathrm{IoU} + \frac{\rho^2}{c^2 + \epsilon} + \alpha v,\quad "
        r"v = \frac{4}{\pi^2}\left(\arctan\frac{w^{gt}}{h^{gt}} - \arctan\frac{w}{h}\right)^2,\quad "
        r"\alpha = \frac{v}{1 - \mathrm{IoU} + v + \epsilon}"
    ),
    torch="torchvision.ops.complete_box_iou_loss",
    doc="""Complete IoU loss (Zheng et al. 2020), as ``torchvision.ops.complete_box_iou_loss``.

    DIoU plus an aspect-ratio term alpha v. Boxes need positive heights: v divides width
    by height.
    {arguments}
    Notes
    -----
    Two torchvision details are kept exactly:

    - alpha is computed under ``torch.no_grad()``, so it is a constant in the gradient:
      d(alpha v) = alpha dv (the paper also treats alpha as a trade-off weight);
    - the DIoU part is computed with torchvision's default eps = 1e-7 whatever ``eps``
      is passed (``_diou_iou_loss`` is called without it); ``eps`` enters alpha only.

    Examples
    --------
    >>> from lossviz.losses import ciou_loss
    >>> boxes1, boxes2 = [[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]], [[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 3.0, 2.0]]
    >>> ciou_loss(boxes1, boxes2)
    array([0.96825397, 1.32861254])
    >>> ciou_loss.grad(boxes1, boxes2)
    array([[-0.05933484, -0.05933484, -0.17800453, -0.17800453],
           [-0.00820942,  0.01708516, -0.14859531, -0.04371238]])
    """,
)
