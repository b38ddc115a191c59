"""Losses beyond torch.nn.functional: sigmoid/softmax focal and Dice.

Each is compared with an independent torch re-expression of its public definition
(value, and gradient through torch autograd) and checked with ``lossviz.check.gradcheck``.

- ``sigmoid_focal_loss``: torchvision is not installed here, so the reference is
  torchvision.ops.focal_loss.sigmoid_focal_loss re-typed line for line (pytorch/vision,
  torchvision/ops/focal_loss.py).
- ``softmax_focal_loss``: -alpha_t (1 - p_t)^gamma log p_t on torch's log_softmax.
- ``dice_loss``: DETR's per-sample dice_loss on probabilities.

Tolerance as in test_classification_torch: rtol 1e-10, entries below ATOL judged
absolutely. torchvision computes 1 - p_t by subtraction, so where 1 - p_t < ~1e-6 its
values carry relative errors far above 1e-10 (lossviz keeps full precision there); those
values are below 1e-17, where ATOL's absolute 1e-16 judges them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import cross_entropy, dice_loss, sigmoid_focal_loss, softmax_focal_loss

from .helpers import (
    ATOL,
    BINARY_SHAPES,
    CLASS_SHAPES,
    EXAMPLES,
    LOGIT,
    PROBABILITY,
    REDUCTIONS,
    arrays,
    binary_target,
    class_shape,
    class_shapes,
    index_target,
    logits,
    probs_with_extremes,
    torch_reduce,
    check_vjp,
)


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, re-typed from its source."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return torch_reduce(loss, reduction)


def torch_softmax_focal_loss(input, target, alpha=None, gamma=2.0, reduction="mean"):
    """-alpha_t (1 - p_t)^gamma log p_t with torch's log_softmax; 1 - p_t as -expm1(log p_t)."""
    class_dim = 0 if input.dim() == 1 else 1
    log_pt = F.log_softmax(input, class_dim).gather(class_dim, target.unsqueeze(class_dim)).squeeze(class_dim)
    alpha_t = 1.0 if alpha is None else (alpha[target] if torch.is_tensor(alpha) else alpha)
    return torch_reduce(-alpha_t * (-torch.expm1(log_pt)) ** gamma * log_pt, reduction)


def detr_dice_loss(input, target, smooth=1.0, reduction="mean"):
    """DETR's dice_loss (models/segmentation.py) on probabilities, smooth in place of its 1."""
    input, target = input.flatten(1), target.flatten(1)
    numerator = 2 * (input * target).sum(-1)
    denominator = input.sum(-1) + target.sum(-1)
    return torch_reduce(1 - (numerator + smooth) / (denominator + smooth), reduction)


@pytest.fixture(scope="module")
def compare(matches_torch):
    def run(function: Any, reference: Any, *args: Any, **kwargs: Any):
        return matches_torch(function, *args, torch_function=reference, atol=ATOL, **kwargs)

    return run


# --------------------------------------------------------------------------- sigmoid focal


@pytest.mark.parametrize("shape_kind", BINARY_SHAPES)
@pytest.mark.parametrize("gamma", [0, 1, 2, 3.5])
@pytest.mark.parametrize("alpha", [0.25, 0.9, 0.0, -1])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_focal_loss_matches_torchvision(compare, reduction, alpha, gamma, shape_kind):
    shape = BINARY_SHAPES[shape_kind]
    x, y = logits(shape, seed=20), binary_target(shape, seed=21)
    compare(sigmoid_focal_loss, torchvision_sigmoid_focal_loss, x, y, alpha=alpha, gamma=gamma, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_focal_loss_fractional_gamma_matches_torchvision(compare, reduction):
    """gamma in (0, 1) away from the extremes, where torch's autograd is NaN (see below)."""
    x = np.linspace(-6, 6, 12).reshape(3, 4)
    compare(sigmoid_focal_loss, torchvision_sigmoid_focal_loss, x, binary_target((3, 4), seed=22), gamma=0.5, reduction=reduction)


@settings(max_examples=EXAMPLES)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    alpha=st.one_of(st.just(-1), st.floats(0, 1)),
    gamma=st.one_of(st.just(0.0), st.floats(1, 4)),
    reduction=st.sampled_from(REDUCTIONS),
    data=st.data(),
)
def test_sigmoid_focal_loss_hypothesis(compare, shape, alpha, gamma, reduction, data):
    x = arrays(data.draw, st.one_of(st.floats(-40, 40), st.sampled_from([-1e4, 1e4])), shape)
    y = arrays(data.draw, PROBABILITY, shape)
    compare(sigmoid_focal_loss, torchvision_sigmoid_focal_loss, x, y, alpha=alpha, gamma=gamma, reduction=reduction)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
def test_sigmoid_focal_loss_gradcheck(gamma):
    x = np.linspace(-4, 4, 10).reshape(2, 5)
    check_vjp(sigmoid_focal_loss, x, binary_target((2, 5), seed=23), alpha=0.3, gamma=gamma)


def test_sigmoid_focal_loss_is_bce_with_logits_when_gamma_0_and_alpha_off(compare):
    x, y = logits((4, 3), seed=24), binary_target((4, 3), seed=25)
    compare(
        sigmoid_focal_loss,
        lambda inputs, targets, alpha, gamma, reduction: F.binary_cross_entropy_with_logits(inputs, targets, reduction=reduction),
        x,
        y,
        alpha=-1,
        gamma=0,
        reduction="sum",
    )


@pytest.mark.parametrize("gamma", [0.25, 0.5])
def test_focal_gradients_are_finite_at_the_extremes_for_fractional_gamma(gamma):
    """At logits +-1e4, p_t is exactly 1 and m^(gamma - 1) is infinite; torch's autograd gives
    NaN there. The loss is flat there, so lossviz returns the limit 0 (gradcheck agrees)."""
    x = np.array([[1e4, -1e4, 1e4], [-1e4, 1e4, 2.0]])
    check_vjp(sigmoid_focal_loss, x, np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), gamma=gamma)
    check_vjp(softmax_focal_loss, x, np.array([0, 1]), gamma=gamma)
    assert np.all(np.isfinite(softmax_focal_loss.grad(x, np.array([0, 1]), gamma=gamma)))


# --------------------------------------------------------------------------- softmax focal

ALPHAS = {"none": None, "scalar": 0.3, "per-class": "per-class"}


def focal_alpha(kind: str, num_classes: int) -> Any:
    return np.linspace(0.2, 1.0, num_classes) if kind == "per-class" else ALPHAS[kind]


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("alpha_kind", ALPHAS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_focal_loss_matches_torch_reexpression(compare, reduction, alpha_kind, gamma, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    num_classes, _ = class_shapes(shape)
    target, _ = index_target(shape, "none", seed=26)
    compare(
        softmax_focal_loss,
        torch_softmax_focal_loss,
        logits(shape, seed=27),
        target,
        alpha=focal_alpha(alpha_kind, num_classes),
        gamma=gamma,
        reduction=reduction,
    )


@settings(max_examples=EXAMPLES)
@given(
    shape=class_shape(),
    alpha_kind=st.sampled_from(list(ALPHAS)),
    gamma=st.one_of(st.just(0.0), st.floats(1, 4)),
    reduction=st.sampled_from(REDUCTIONS),
    data=st.data(),
)
def test_softmax_focal_loss_hypothesis(compare, shape, alpha_kind, gamma, reduction, data):
    num_classes, target_shape = class_shapes(shape)
    x = arrays(data.draw, LOGIT, shape)
    size = int(np.prod(target_shape))
    target = np.array(data.draw(st.lists(st.integers(0, num_classes - 1), min_size=size, max_size=size)), dtype=np.int64)
    alpha = focal_alpha(alpha_kind, num_classes)
    compare(
        softmax_focal_loss, torch_softmax_focal_loss, x, target.reshape(target_shape), alpha=alpha, gamma=gamma, reduction=reduction
    )


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_focal_loss_with_gamma_0_is_cross_entropy(compare, reduction, shape_kind):
    """Lin et al.: gamma = 0 and no alpha give plain cross entropy; compared with torch's."""
    shape = CLASS_SHAPES[shape_kind]
    target, _ = index_target(shape, "none", seed=28)
    compare(
        softmax_focal_loss,
        lambda input, target, gamma, reduction: F.cross_entropy(input, target, reduction=reduction),
        logits(shape, seed=29),
        target,
        gamma=0.0,
        reduction=reduction,
    )


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("alpha_kind", ALPHAS)
def test_softmax_focal_loss_gradcheck(gamma, alpha_kind):
    x = np.random.default_rng(30).standard_normal((3, 4, 2))
    target, _ = index_target((3, 4, 2), "none", seed=31)
    check_vjp(softmax_focal_loss, x, target, alpha=focal_alpha(alpha_kind, 4), gamma=gamma)


def test_softmax_focal_loss_down_weights_easy_examples():
    """The point of the focal term: an easy example (p_t ~ 0.99) loses far more than a hard one."""
    easy, hard = np.array([[5.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 0.0]])
    target = np.array([0])
    ratio_easy = softmax_focal_loss(easy, target) / cross_entropy(easy, target)
    ratio_hard = softmax_focal_loss(hard, target) / cross_entropy(hard, target)
    p_easy = np.exp(5.0) / (np.exp(5.0) + 2)  # by hand: the ratio is (1 - p_t)^2
    assert ratio_easy == pytest.approx((1 - p_easy) ** 2, rel=1e-12)
    assert ratio_hard == pytest.approx((2 / 3) ** 2, rel=1e-12)


# --------------------------------------------------------------------------- dice

DICE_SHAPES = {"ND": (3, 5), "NCHW": (2, 3, 4, 4)}


@pytest.mark.parametrize("shape_kind", DICE_SHAPES)
@pytest.mark.parametrize("smooth", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_dice_loss_matches_detr(compare, reduction, smooth, shape_kind):
    shape = DICE_SHAPES[shape_kind]
    compare(dice_loss, detr_dice_loss, probs_with_extremes(shape, seed=32), binary_target(shape, seed=33), smooth=smooth, reduction=reduction)


@settings(max_examples=EXAMPLES)
@given(
    shape=st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple),
    smooth=st.floats(0.1, 2.0),
    reduction=st.sampled_from(REDUCTIONS),
    data=st.data(),
)
def test_dice_loss_hypothesis(compare, shape, smooth, reduction, data):
    p, t = arrays(data.draw, PROBABILITY, shape), arrays(data.draw, PROBABILITY, shape)
    compare(dice_loss, detr_dice_loss, p, t, smooth=smooth, reduction=reduction)


@pytest.mark.parametrize("smooth", [1.0, 0.1])
def test_dice_loss_gradcheck(smooth):
    p = np.random.default_rng(34).uniform(0.05, 0.95, (3, 2, 4))
    check_vjp(dice_loss, p, binary_target((3, 2, 4), seed=35), smooth=smooth)


def test_dice_loss_by_hand():
    """Perfect masks cost 0; disjoint ones 1 - s / (sum p + sum t + s); empty vs empty 0 (smooth's purpose)."""
    mask = np.array([[1.0, 0.0, 1.0, 0.0]])
    assert dice_loss(mask, mask) == 0.0
    assert dice_loss(mask, 1 - mask) == pytest.approx(1 - 1 / 5, rel=1e-15)
    assert dice_loss(np.zeros((1, 4)), np.zeros((1, 4))) == 0.0


@pytest.mark.parametrize("shape", [(0, 3), (0, 2, 2), (3, 0), (2, 0, 4)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_dice_loss_takes_a_dimension_of_size_0_as_detr(compare, shape, reduction):
    """No samples: an empty result ("none"), NaN mean, 0 sum; samples of no pixels: s / s = loss 0."""
    p, t = np.zeros(shape), np.zeros(shape)
    compare(dice_loss, detr_dice_loss, p, t, reduction=reduction)
    assert dice_loss(p, t, reduction="none").shape == shape[:1]
    assert dice_loss.grad(p, t, reduction=reduction).shape == shape


# --------------------------------------------------------------------------- softmax focal, smoothed


def keras_categorical_focal_loss(input, target, alpha=None, gamma=2.0, reduction="mean", label_smoothing=0.0):
    """Keras' categorical_focal_crossentropy on torch's log_softmax: every class's own focal term
    -alpha q_c (1 - p_c)^gamma log p_c, with q = (1 - eps) onehot + eps / C (Keras' label smoothing)."""
    class_dim = 0 if input.dim() == 1 else 1
    num_classes = input.shape[class_dim]
    log_p = F.log_softmax(input, class_dim)
    q = F.one_hot(target, num_classes).movedim(-1, class_dim).to(input.dtype) * (1 - label_smoothing) + label_smoothing / num_classes
    if alpha is None:
        alpha = 1.0
    elif torch.is_tensor(alpha):
        alpha = alpha.reshape([num_classes if d == class_dim else 1 for d in range(input.dim())])
    terms = -alpha * q * (-torch.expm1(log_p)) ** gamma * log_p
    return torch_reduce(terms.sum(class_dim), reduction)


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("label_smoothing", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("alpha_kind", ALPHAS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_focal_loss_label_smoothing_matches_keras_form(compare, reduction, alpha_kind, gamma, label_smoothing, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    num_classes, _ = class_shapes(shape)
    target, _ = index_target(shape, "none", seed=36)
    # logits of +-1e4 included: a class with p = 0 still has its smoothed term, -eps/C * log p
    compare(
        softmax_focal_loss,
        keras_categorical_focal_loss,
        logits(shape, seed=37) / 1e3,
        target,
        alpha=focal_alpha(alpha_kind, num_classes),
        gamma=gamma,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_focal_loss_smoothed_with_gamma_0_is_smoothed_cross_entropy(compare, reduction, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    target, _ = index_target(shape, "none", seed=38)
    compare(
        softmax_focal_loss,
        lambda input, target, gamma, reduction, label_smoothing: F.cross_entropy(
            input, target, reduction=reduction, label_smoothing=label_smoothing
        ),
        logits(shape, seed=39),
        target,
        gamma=0.0,
        reduction=reduction,
        label_smoothing=0.3,
    )


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("alpha_kind", ALPHAS)
def test_softmax_focal_loss_label_smoothing_gradcheck(gamma, alpha_kind):
    x = np.random.default_rng(40).standard_normal((3, 4, 2))
    target, _ = index_target((3, 4, 2), "none", seed=41)
    check_vjp(softmax_focal_loss, x, target, alpha=focal_alpha(alpha_kind, 4), gamma=gamma, label_smoothing=0.2)


def test_softmax_focal_loss_label_smoothing_by_hand():
    """Two classes, logits (0, 0): p = (1/2, 1/2), eps = 0.2 gives q = (0.9, 0.1); gamma = 1:
    l = -(0.9 + 0.1) (1 - 1/2) log(1/2) = log(2) / 2; alpha 0.25 scales it (Keras' default)."""
    x, target = np.zeros((1, 2)), np.array([0])
    assert softmax_focal_loss(x, target, gamma=1.0, label_smoothing=0.2) == pytest.approx(np.log(2) / 2, rel=1e-15)
    assert softmax_focal_loss(x, target, alpha=0.25, gamma=1.0, label_smoothing=0.2) == pytest.approx(np.log(2) / 8, rel=1e-15)
