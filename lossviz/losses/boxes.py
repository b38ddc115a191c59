"""Bounding-box regression losses: IoU, GIoU, DIoU, CIoU, as torchvision computes them.

Boxes are ``(x1, y1, x2, y2)`` with ``x2 >= x1`` and ``y2 >= y1``, shape ``(N, 4)`` or
``(4,)``; ``boxes1`` are the predictions (the gradient is taken w.r.t. them) and
``boxes2`` the targets. Every loss is ``1 - IoU`` plus a penalty, so they share one
geometry helper, ``_Pairs``: each quantity (intersection, union, enclosing box, centre
distance, aspect term) comes with its derivative w.r.t. the four coordinates of
``boxes1``, an ``(N, 4)`` array, and each loss's gradient is the chain rule over those.

The formulas, ``eps`` placements and tie-breaking follow torchvision.ops
(``generalized_box_iou_loss``, ``distance_box_iou_loss``, ``complete_box_iou_loss``
and their helpers ``_loss_inter_union`` / ``_diou_iou_loss``). Like torch's ``maximum``
and ``minimum``, a tie (e.g. ``x1 == x1g``) sends half the gradient to each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _reduction
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


def _check(boxes1: Any, boxes2: Any, reduction: str, eps: float) -> tuple[np.ndarray, np.ndarray]:
    _reduction.check(reduction)
    positive("eps", eps, allow_zero=True)
    predicted, target = _boxes("boxes1", boxes1), _boxes("boxes2", boxes2)
    same_shape("boxes1", predicted, "boxes2", target)
    return predicted, target


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


def _reduce(losses: np.ndarray, reduction: str) -> np.ndarray:
    # torchvision returns 0 (not NaN) for the mean over no boxes: divide by at least 1
    return _reduction.reduce(losses, reduction, denominator=max(losses.size, 1))


def _chain(d_losses: np.ndarray, grad_output: Any, reduction: str) -> np.ndarray:
    upstream = _reduction.reduce_backward(grad_output, d_losses.shape[:-1], reduction, denominator=max(d_losses[..., 0].size, 1))
    return upstream[..., None] * d_losses


_ARGS = """
    Args:
        boxes1: predicted boxes (N, 4) or (4,), ``(x1, y1, x2, y2)`` with x2 >= x1, y2 >= y1.
        boxes2: target boxes of the same shape.
        reduction: ``"none"`` (default, as torchvision) | ``"mean"`` | ``"sum"``; the mean
            over zero boxes is 0, as in torchvision.
        eps: added to denominators against division by zero (default 1e-7).

    Returns: shape (N,) or () for ``"none"``, else a scalar. ``.grad`` is w.r.t. ``boxes1``.
"""


@loss(formula=r"\ell = 1 - \frac{|A \cap B|}{|A \cup B| + \epsilon}", torch=None, wrt=("boxes1",), view="box", topic="boxes")
def iou_loss(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7) -> np.ndarray:
    """IoU loss 1 - IoU, with IoU = intersection / (union + eps) as in torchvision's losses.

    torchvision has ``box_iou`` (the pairwise IoU matrix) but no plain IoU loss; this one
    uses the same intersection, union and ``eps`` as ``generalized_box_iou_loss``.

    Why the gradient is zero without overlap: when the boxes are disjoint the intersection
    is 0 for every small move of ``boxes1``, so IoU is flat at 0 and the loss is flat at 1.
    Gradient descent gets no signal which way to move; GIoU, DIoU and CIoU add penalties
    (enclosing box, centre distance) that keep a slope there.
    """
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    iou, _ = _Pairs.of(boxes1, boxes2).iou(eps)
    return _reduce(1 - iou, reduction)


@iou_loss.gradient
def iou_loss_grad(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7, *, grad_output: Any = None) -> np.ndarray:
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    _, d_iou = _Pairs.of(boxes1, boxes2).iou(eps)
    return _chain(-d_iou, grad_output, reduction)


def _giou(pairs: _Pairs, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """GIoU loss 1 - IoU + (C - U)/(C + eps) and its derivative."""
    iou, d_iou = pairs.iou(eps)
    area, d_area = pairs.enclosing_area()
    denominator = area + eps
    penalty = (area - pairs.union) / denominator
    d_penalty = (d_area - pairs.d_union - penalty[..., None] * d_area) / denominator[..., None]
    # 1 - (IoU - penalty), grouped as torchvision does, so rounding matches it too
    return 1 - (iou - penalty), d_penalty - d_iou


@loss(
    formula=r"\ell = 1 - \mathrm{IoU} + \frac{|C| - |A \cup B|}{|C| + \epsilon}",
    torch="torchvision.ops.generalized_box_iou_loss",
    wrt=("boxes1",),
    view="box", topic="boxes",
)
def giou_loss(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7) -> np.ndarray:
    """Generalized IoU loss (Rezatofighi et al. 2019), as ``torchvision.ops.generalized_box_iou_loss``.

    C is the smallest box enclosing both. When the boxes are disjoint IoU is flat, but the
    empty part of C, (|C| - |A u B|) / |C|, still shrinks as the boxes approach: a gradient.
    """
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    losses, _ = _giou(_Pairs.of(boxes1, boxes2), eps)
    return _reduce(losses, reduction)


@giou_loss.gradient
def giou_loss_grad(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7, *, grad_output: Any = None) -> np.ndarray:
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    _, d_losses = _giou(_Pairs.of(boxes1, boxes2), eps)
    return _chain(d_losses, grad_output, reduction)


@loss(
    formula=r"\ell = 1 - \mathrm{IoU} + \frac{\rho^2(b, b^{gt})}{c^2 + \epsilon}",
    torch="torchvision.ops.distance_box_iou_loss",
    wrt=("boxes1",),
    view="box", topic="boxes",
)
def diou_loss(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7) -> np.ndarray:
    """Distance IoU loss (Zheng et al. 2020), as ``torchvision.ops.distance_box_iou_loss``.

    rho is the distance between the box centres, c the diagonal of the smallest enclosing
    box: the penalty pulls the centres together even when the boxes do not overlap.
    """
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    losses, _, _ = _diou(_Pairs.of(boxes1, boxes2), eps)
    return _reduce(losses, reduction)


@diou_loss.gradient
def diou_loss_grad(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7, *, grad_output: Any = None) -> np.ndarray:
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    _, d_losses, _ = _diou(_Pairs.of(boxes1, boxes2), eps)
    return _chain(d_losses, grad_output, reduction)


@loss(
    formula=(
        r"\ell = 1 - \mathrm{IoU} + \frac{\rho^2}{c^2 + \epsilon} + \alpha v,\quad "
        r"v = \frac{4}{\pi^2}\left(\arctan\frac{w^{gt}}{h^{gt}} - \arctan\frac{w}{h}\right)^2,\quad "
        r"\alpha = \frac{v}{1 - \mathrm{IoU} + v + \epsilon}"
    ),
    torch="torchvision.ops.complete_box_iou_loss",
    wrt=("boxes1",),
    view="box", topic="boxes",
)
def ciou_loss(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7) -> np.ndarray:
    """Complete IoU loss (Zheng et al. 2020), as ``torchvision.ops.complete_box_iou_loss``.

    DIoU plus an aspect-ratio term alpha v. Two torchvision details are kept exactly:

    - alpha is computed under ``torch.no_grad()``, so it is a constant in the gradient:
      d(alpha v) = alpha dv (the paper also treats alpha as a trade-off weight);
    - the DIoU part is computed with torchvision's default eps = 1e-7 whatever ``eps``
      is passed (``_diou_iou_loss`` is called without it); ``eps`` enters alpha only.

    Boxes need positive heights: v divides width by height.
    """
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    losses, _ = _ciou(_Pairs.of(boxes1, boxes2), eps)
    return _reduce(losses, reduction)


@ciou_loss.gradient
def ciou_loss_grad(boxes1: Any, boxes2: Any, reduction: str = "none", eps: float = 1e-7, *, grad_output: Any = None) -> np.ndarray:
    boxes1, boxes2 = _check(boxes1, boxes2, reduction, eps)
    _, d_losses = _ciou(_Pairs.of(boxes1, boxes2), eps)
    return _chain(d_losses, grad_output, reduction)


# One argument description for the four (same signature as torchvision's losses).
for _function in (iou_loss, giou_loss, diou_loss, ciou_loss):
    _function.__doc__ += _ARGS
