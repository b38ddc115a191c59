"""IoU, GIoU, DIoU, CIoU against torchvision's formulas, by hand, and by finite differences.

torchvision is not importable beside the CPU torch wheel, so ``_torchvision`` below
re-expresses its ops (torchvision/ops/_utils.py ``_loss_inter_union``, giou_loss.py,
diou_loss.py ``_diou_iou_loss``, ciou_loss.py) line for line in torch; torch autograd on
that code is the reference for values and gradients.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz._validate import NonFiniteInputWarning
from lossviz.check import GradientCheckError, gradcheck
from lossviz.losses import ciou_loss, diou_loss, giou_loss, iou_loss

LOSSES = (iou_loss, giou_loss, diou_loss, ciou_loss)


# ----------------------------------------------------------------- torchvision, re-expressed


def _loss_inter_union(boxes1, boxes2):
    import torch

    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xkis1 = torch.max(x1, x1g)
    ykis1 = torch.max(y1, y1g)
    xkis2 = torch.min(x2, x2g)
    ykis2 = torch.min(y2, y2g)
    intsctk = torch.zeros_like(x1)
    mask = (ykis2 > ykis1) & (xkis2 > xkis1)
    intsctk[mask] = (xkis2[mask] - xkis1[mask]) * (ykis2[mask] - ykis1[mask])
    unionk = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intsctk
    return intsctk, unionk


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    return loss


def _iou(boxes1, boxes2, reduction="none", eps=1e-7):
    intsct, union = _loss_inter_union(boxes1, boxes2)
    return _reduce(1 - intsct / (union + eps), reduction)


def _giou(boxes1, boxes2, reduction="none", eps=1e-7):
    import torch

    intsctk, unionk = _loss_inter_union(boxes1, boxes2)
    iouk = intsctk / (unionk + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xc1 = torch.min(x1, x1g)
    yc1 = torch.min(y1, y1g)
    xc2 = torch.max(x2, x2g)
    yc2 = torch.max(y2, y2g)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    miouk = iouk - ((area_c - unionk) / (area_c + eps))
    return _reduce(1 - miouk, reduction)


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    import torch

    intsct, union = _loss_inter_union(boxes1, boxes2)
    iou = intsct / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xc1 = torch.min(x1, x1g)
    yc1 = torch.min(y1, y1g)
    xc2 = torch.max(x2, x2g)
    yc2 = torch.max(y2, y2g)
    diagonal_distance_squared = ((xc2 - xc1) ** 2) + ((yc2 - yc1) ** 2) + eps
    x_p = (x2 + x1) / 2
    y_p = (y2 + y1) / 2
    x_g = (x1g + x2g) / 2
    y_g = (y1g + y2g) / 2
    centers_distance_squared = ((x_p - x_g) ** 2) + ((y_p - y_g) ** 2)
    loss = 1 - iou + (centers_distance_squared / diagonal_distance_squared)
    return loss, iou


def _diou(boxes1, boxes2, reduction="none", eps=1e-7):
    loss, _ = _diou_iou_loss(boxes1, boxes2, eps)
    return _reduce(loss, reduction)


def _ciou(boxes1, boxes2, reduction="none", eps=1e-7):
    import torch

    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)  # sic: torchvision does not pass eps
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    w_pred = x2 - x1
    h_pred = y2 - y1
    w_gt = x2g - x1g
    h_gt = y2g - y1g
    v = (4 / (torch.pi**2)) * torch.pow((torch.atan(w_gt / h_gt) - torch.atan(w_pred / h_pred)), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)


TORCHVISION = {iou_loss: _iou, giou_loss: _giou, diou_loss: _diou, ciou_loss: _ciou}


# ----------------------------------------------------------------- strategies


def _box(draw, corner, size):
    x, y = draw(corner), draw(corner)
    return [x, y, x + draw(size), y + draw(size)]


@st.composite
def box_pairs(draw, rows=st.integers(1, 5), flat=False):
    """Predicted and target boxes with positive sides (CIoU divides by heights).

    Corners on a grid of halves are mixed in so that exact ties (x1 == x1g, touching
    edges, identical boxes) happen: that is where max/min and the overlap mask switch.
    """
    corner = st.one_of(st.floats(-5, 5), st.integers(-6, 6).map(lambda k: k / 2))
    size = st.one_of(st.floats(0.05, 6), st.integers(1, 8).map(lambda k: k / 2))
    n = draw(rows)
    boxes1 = [_box(draw, corner, size) for _ in range(n)]
    boxes2 = [draw(st.sampled_from(boxes1)) if draw(st.booleans()) and i == 0 else _box(draw, corner, size) for i in range(n)]
    if flat:
        return np.array(boxes1[0]), np.array(boxes2[0])
    return np.array(boxes1), np.array(boxes2)


# ----------------------------------------------------------------- torch (torchvision) comparisons

# rtol 1e-10, with every entry judged relative to at least FLOOR times the size of the
# terms it is summed from (torchcheck's atol): smaller entries must agree to 1e-15 times
# that size, absolutely. Why: a gradient entry is a sum of terms of order 1/side (d_iou
# = (d_inter - IoU d_union)/union with d_inter ~ side), and some entries cancel to almost
# nothing, e.g. d/dx1 of GIoU for boxes tied in x and apart in y is
# (-1.5 + 1 + 1.5 C/(C + eps)) / C, about 1e-9; for identical boxes the IoU gradient is
# (1 - IoU) d_inter/union with 1 - IoU ~ eps. Such an entry holds only the rounding of its
# terms (1e-16 of their size), in torch as in numpy: only an absolute comparison means
# anything there.
FLOOR = 1e-5


def _floor(*boxes):
    """FLOOR times the size of the gradient terms, 1/side for the shortest side (at least 1)."""
    sides = np.concatenate([np.ravel(b[..., 2:] - b[..., :2]) for b in boxes])
    return FLOOR * max(1.0, 1 / sides.min(initial=np.inf))


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@settings(max_examples=15)
@given(pair=box_pairs(), eps=st.sampled_from([1e-7, 0.0, 1e-3]))
def test_matches_torchvision(matches_torch, function, reduction, pair, eps):
    boxes1, boxes2 = pair
    matches_torch(function, boxes1, boxes2, reduction=reduction, eps=eps, torch_function=TORCHVISION[function], atol=_floor(boxes1, boxes2))


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
@settings(max_examples=8)
@given(pair=box_pairs(flat=True), reduction=st.sampled_from(["none", "mean", "sum"]))
def test_single_box_matches_torchvision(matches_torch, function, pair, reduction):
    boxes1, boxes2 = pair
    matches_torch(function, boxes1, boxes2, reduction=reduction, torch_function=TORCHVISION[function], atol=_floor(boxes1, boxes2))


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
@pytest.mark.parametrize("eps", [1e-7, 0.0, 1e-3])
def test_identical_boxes_match_torchvision(matches_torch, function, eps):
    """Every max/min ties (half the gradient each way) and IoU is 1 - eps/(area + eps)."""
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [-0.5, 0.25, 0.0, 1.25], [0.1, 0.2, 0.6, 0.45]])
    matches_torch(function, boxes, boxes.copy(), eps=eps, torch_function=TORCHVISION[function], atol=_floor(boxes))


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
def test_no_boxes_mean_is_zero_like_torchvision(matches_torch, function):
    empty = np.zeros((0, 4))
    matches_torch(function, empty, empty, reduction="mean", torch_function=TORCHVISION[function])
    assert function(empty, empty, reduction="mean") == 0.0
    assert function.grad(empty, empty, reduction="mean").shape == (0, 4)


def test_torch_paths_name_torchvision_ops():
    assert iou_loss.torch is None
    assert giou_loss.torch == "torchvision.ops.generalized_box_iou_loss"
    assert diou_loss.torch == "torchvision.ops.distance_box_iou_loss"
    assert ciou_loss.torch == "torchvision.ops.complete_box_iou_loss"


# ----------------------------------------------------------------- by hand

# Two 2x2 squares overlapping in a unit square: intersection 1, union 7, enclosing box 3x3.
SQUARES = (np.array([0.0, 0, 2, 2]), np.array([1.0, 1, 3, 3]))


def test_values_by_hand():
    eps = 1e-7
    iou = 1 / (7 + eps)
    assert iou_loss(*SQUARES) == pytest.approx(1 - iou, rel=1e-15)
    assert giou_loss(*SQUARES) == pytest.approx(1 - iou + (9 - 7) / (9 + eps), rel=1e-15)
    # centres (1, 1) and (2, 2): rho^2 = 2; enclosing diagonal^2 = 3^2 + 3^2 = 18
    assert diou_loss(*SQUARES) == pytest.approx(1 - iou + 2 / (18 + eps), rel=1e-15)
    assert ciou_loss(*SQUARES) == pytest.approx(diou_loss(*SQUARES), rel=1e-15)  # same aspect: v = 0


def test_ciou_aspect_term_by_hand():
    tall, wide = np.array([0.0, 0, 1, 2]), np.array([0.0, 0, 2, 1])
    eps = 1e-7
    iou = 1 / (3 + eps)  # intersection 1x1, union 2 + 2 - 1
    distance = 0.5 / (8 + eps)  # centres (0.5, 1), (1, 0.5); enclosing box 2x2
    v = 4 / math.pi**2 * (math.atan(2) - math.atan(0.5)) ** 2
    alpha = v / (1 - iou + v + eps)
    assert ciou_loss(tall, wide) == pytest.approx(1 - iou + distance + alpha * v, rel=1e-14)


def test_iou_has_no_gradient_without_overlap_but_the_others_do():
    apart = (np.array([0.0, 0, 1, 1]), np.array([3.0, 3, 4, 4]))
    assert iou_loss(*apart) == 1.0
    assert np.all(iou_loss.grad(*apart) == 0)
    for function in (giou_loss, diou_loss, ciou_loss):
        step = -function.grad(*apart)
        assert np.any(step != 0), function.name
        assert function(apart[0] + 0.1 * step, apart[1]) < function(*apart), function.name
    # the far corner (x2, y2) is pulled towards the target, for every penalty
    for function in (giou_loss, diou_loss, ciou_loss):
        assert np.all(function.grad(*apart)[2:] < 0), function.name


def test_identical_boxes_are_a_minimum():
    box = np.array([[1.0, 2.0, 4.0, 3.5]])
    for function in LOSSES:
        assert function(box, box)[0] == pytest.approx(0.0, abs=1e-7)


# ----------------------------------------------------------------- finite differences

SCENES = {
    "overlapping": (np.array([[0.1, 0.2, 2.3, 1.9], [1.0, 0.5, 3.2, 4.1]]), np.array([[1.2, 0.9, 3.1, 2.8], [0.3, 1.1, 2.6, 3.4]])),
    "disjoint": (np.array([[0.1, 0.2, 1.3, 0.9]]), np.array([[2.2, 1.9, 3.1, 3.8]])),
    "nested": (np.array([[0.5, 0.6, 1.7, 1.3]]), np.array([[0.1, 0.2, 2.9, 2.1]])),
}


def _frozen_alpha_ciou(boxes1, boxes2):
    """CIoU with alpha fixed at its value at ``boxes1``: the function torchvision differentiates."""

    def v(boxes):
        w, h = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
        wg, hg = boxes2[..., 2] - boxes2[..., 0], boxes2[..., 3] - boxes2[..., 1]
        return 4 / math.pi**2 * (np.arctan(wg / hg) - np.arctan(w / h)) ** 2

    iou = 1 - iou_loss(boxes1, boxes2)
    alpha = v(boxes1) / (1 - iou + v(boxes1) + 1e-7)
    return lambda boxes: diou_loss(boxes, boxes2) + alpha * v(boxes)


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
def test_gradcheck(function, scene):
    boxes1, boxes2 = SCENES[scene]
    weights = np.random.default_rng(1).uniform(0.5, 1.5, len(boxes1))
    per_box = _frozen_alpha_ciou(boxes1, boxes2) if function is ciou_loss else (lambda b: function(b, boxes2))
    gradcheck(lambda b: np.sum(weights * per_box(b)), boxes1, lambda b: function.grad(b, boxes2, grad_output=weights))


def test_ciou_gradient_holds_alpha_constant():
    """Differentiating alpha too (the plain forward) gives another gradient: it is held fixed."""
    tall, wide = np.array([0.0, 0, 1, 2]), np.array([0.2, 0.1, 2.5, 1.2])
    with pytest.raises(GradientCheckError):
        gradcheck(lambda b: ciou_loss(b, wide), tall, lambda b: ciou_loss.grad(b, wide))


# ----------------------------------------------------------------- bad input

GOOD = np.array([[0.0, 0, 1, 1]])
BAD = [
    ({"boxes1": np.zeros((2, 3)), "boxes2": np.zeros((2, 3))}, ValueError, "boxes1 must have shape"),
    ({"boxes1": np.zeros((1, 1, 4))}, ValueError, "boxes1 must have shape"),
    ({"boxes2": np.zeros(5)}, ValueError, "boxes2 must have shape"),
    ({"boxes1": np.array([[2.0, 0, 1, 1]])}, ValueError, "boxes1 must have x2 >= x1"),
    ({"boxes2": np.array([[0.0, 2, 1, 1]])}, ValueError, "boxes2 must have y2 >= y1"),
    ({"boxes2": np.zeros((2, 4))}, ValueError, "boxes2 must have the shape of boxes1"),
    ({"boxes1": [["a", "b", "c", "d"]]}, TypeError, "boxes1"),
    ({"reduction": "avg"}, ValueError, "reduction"),
    ({"eps": -1.0}, ValueError, "eps"),
]


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
@pytest.mark.parametrize(("change", "error", "match"), BAD)
def test_bad_input_names_the_argument(function, change, error, match):
    arguments = {"boxes1": GOOD, "boxes2": GOOD, **change}
    with pytest.raises(error, match=match):
        function(**arguments)
    with pytest.raises(error, match=match):
        function.grad(**arguments)


@pytest.mark.parametrize("function", LOSSES, ids=lambda f: f.name)
def test_nan_is_reported(function):
    with pytest.warns(NonFiniteInputWarning, match="boxes1"):
        value = function(np.array([[0.0, 0, np.nan, 1]]), GOOD)
    assert np.isnan(value).all()
