"""Embedding losses against torch (where torch has them), torch re-expressions of the
public reference implementations (where it does not), hand values and finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossviz._validate import NonFiniteInputWarning
from lossviz.check import gradcheck
from lossviz.losses import (
    arcface_loss,
    center_loss,
    contrastive_loss,
    cosface_loss,
    cosine_embedding_loss,
    sphereface_loss,
    triplet_margin_loss,
)

from .helpers import REDUCTIONS, torch_reduce


# Comparisons are at rtol 1e-10, each entry judged relative to at least FLOOR times the
# size of the terms it is summed from (torchcheck's atol): smaller entries must agree to
# 1e-15 times that size, absolutely. Why: a gradient entry of a distance or cosine is a
# sum of terms, and some entries cancel to almost nothing, e.g. d/danchor is
# dd_pos/da - dd_neg/da = 1 - 1 for a = n and p = a - 1 in one dimension (ours 7e-17
# against torch's exact 0), or d cos/d x2 = x1/(|x1||x2|) - cos x2/|x2|^2 for parallel
# vectors, where both terms are 1/|x2|. Such an entry holds only the rounding of its
# terms (1e-16 of their size), in torch as in numpy: only an absolute comparison means
# anything there.
FLOOR = 1e-5


def _cosine_floor(*inputs):
    """FLOOR times the size of the cosine's gradient terms, 1/|x| for the shortest nonzero x."""
    norms = np.concatenate([np.linalg.norm(x, axis=-1).ravel() for x in inputs])
    return FLOOR * max(1.0, 1 / norms[norms > 0].min(initial=np.inf))


def _triplet_floor(differences, p):
    """FLOOR times the size of the p-norm's gradient terms, (|x_i| / |x|_p)^(p - 1).

    Bounded by 1 for p >= 1; for p < 1 it grows as a coordinate gets small beside the norm.
    """
    if p >= 1:
        return FLOOR
    sizes = [1.0]
    for x in differences:
        norm = np.linalg.norm(x, ord=p, axis=-1, keepdims=True)
        ratio = np.abs(x) / np.where(norm > 0, norm, 1)
        sizes.extend(ratio[ratio > 0] ** (p - 1))
    return FLOOR * max(sizes)


# ----------------------------------------------------------------- references in torch


def _contrastive(input1, input2, target, margin=1.0, eps=1e-6, reduction="mean"):
    """Hadsell et al. eq. 4 with Y = 1 - target, on torch's pairwise_distance."""
    import torch
    import torch.nn.functional as F

    d = F.pairwise_distance(input1, input2, eps=eps)
    losses = 0.5 * target * d**2 + 0.5 * (1 - target) * torch.clamp(margin - d, min=0) ** 2
    return torch_reduce(losses, reduction)


def _center(features, labels, centers, reduction="sum"):
    """Wen et al. eq. 2: 1/2 ||x_i - c_{y_i}||^2 per sample."""
    return torch_reduce(0.5 * ((features - centers[labels]) ** 2).sum(dim=1), reduction)


def _cross_entropy_with_target_logit(input, target, scale, reduction, final_target_logit):
    import torch.nn.functional as F

    logits = input.scatter(1, target[:, None], final_target_logit[:, None]) * scale
    return F.cross_entropy(logits, target, reduction=reduction)


def _arcface(input, target, scale=64.0, margin=0.5, reduction="mean"):
    """insightface's ArcFace (easy_margin=False) / arcface-pytorch's ArcMarginProduct."""
    import torch

    cos_m, sin_m = math.cos(margin), math.sin(margin)
    th, mm = math.cos(math.pi - margin), math.sin(math.pi - margin) * margin
    cosine = input.gather(1, target[:, None])[:, 0]
    sine = torch.sqrt((1.0 - torch.pow(cosine, 2)).clamp(0, 1))
    phi = cosine * cos_m - sine * sin_m
    phi = torch.where(cosine > th, phi, cosine - mm)
    return _cross_entropy_with_target_logit(input, target, scale, reduction, phi)


def _cosface(input, target, scale=64.0, margin=0.35, reduction="mean"):
    """CosFace: the target logit s (cos - m)."""
    cosine = input.gather(1, target[:, None])[:, 0]
    return _cross_entropy_with_target_logit(input, target, scale, reduction, cosine - margin)


# arcface-pytorch's SphereProduct: cos(m theta) as the Chebyshev polynomials
MLAMBDA = [
    lambda x: x**0,
    lambda x: x**1,
    lambda x: 2 * x**2 - 1,
    lambda x: 4 * x**3 - 3 * x,
    lambda x: 8 * x**4 - 8 * x**2 + 1,
    lambda x: 16 * x**5 - 20 * x**3 + 5 * x,
]


def _sphereface(input, target, scale=64.0, margin=4, reduction="mean"):
    """SphereProduct with lambda = 0 and the feature norm replaced by ``scale``."""
    cos_theta = input.clamp(-1, 1).gather(1, target[:, None])[:, 0]
    cos_m_theta = MLAMBDA[margin](cos_theta)
    theta = cos_theta.detach().acos()
    k = (margin * theta / math.pi).floor()  # the reference's 3.14159265 only moves k at exact piece edges
    phi_theta = ((-1.0) ** k) * cos_m_theta - 2 * k
    return _cross_entropy_with_target_logit(input.clamp(-1, 1), target, scale, reduction, phi_theta)


# ----------------------------------------------------------------- strategies

# Magnitudes below 1e-8 become 0: at ~1e-300, |x|^(p-1) and norm^(p-1) underflow and
# torch's norm gradient is 0 * inf = NaN, where lossviz's is 0 (finite where torch is not).
values = st.floats(-3, 3).map(lambda v: v if abs(v) > 1e-8 else 0.0)
shapes = st.one_of(st.tuples(st.integers(1, 4), st.integers(1, 5)), st.tuples(st.integers(1, 5)))


@st.composite
def embeddings(draw, count):
    shape = draw(shapes)
    return shape, [draw(hnp.arrays(np.float64, shape, elements=values)) for _ in range(count)]


def _labels(draw, shape, choices):
    return draw(hnp.arrays(np.int64, shape[:-1], elements=st.sampled_from(choices)))


# ----------------------------------------------------------------- torch's own losses


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3, math.inf])
@settings(max_examples=6)
@given(data=embeddings(3), margin=st.sampled_from([1e-3, 0.5, 1.0, 2.0]), eps=st.sampled_from([1e-6, 0.0, 0.1]))
def test_triplet_matches_torch(matches_torch, reduction, swap, p, data, margin, eps):
    _, (anchor, positive, negative) = data
    differences = [anchor - positive + eps, anchor - negative + eps, positive - negative + eps]
    d_pos, d_neg, d_swap = (np.linalg.norm(x, ord=p, axis=-1) for x in differences)
    # Off the kinks by more than rounding: within 1e-9 of hinge = 0 (or of a swap tie)
    # the last bit of the p-norm, which numpy and torch may round apart, picks the side.
    assume(np.all(np.abs(margin + d_pos - d_neg) > 1e-9))
    assume(not swap or np.all((d_neg == d_swap) | (np.abs(d_neg - d_swap) > 1e-9)))
    assume(not swap or np.all(np.abs(margin + d_pos - np.minimum(d_neg, d_swap)) > 1e-9))
    atol = _triplet_floor(differences, p)
    matches_torch(triplet_margin_loss, anchor, positive, negative, margin=margin, p=p, eps=eps, swap=swap, reduction=reduction, atol=atol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=20)
@given(data=st.data(), margin=st.sampled_from([0.0, -0.5, 0.3, 1.0, -1.0]), float_target=st.booleans())
def test_cosine_embedding_matches_torch(matches_torch, reduction, data, margin, float_target):
    shape, (input1, input2) = data.draw(embeddings(2))
    target = _labels(data.draw, shape, [-1, 1])
    target = target.astype(np.float64) if float_target else target
    matches_torch(cosine_embedding_loss, input1, input2, target, margin=margin, reduction=reduction, atol=_cosine_floor(input1, input2))


def test_triplet_defaults_match_torch(matches_torch):
    rng = np.random.default_rng(3)
    anchor, positive, negative = rng.standard_normal((3, 6, 4))
    matches_torch(triplet_margin_loss, anchor, positive, negative, atol=FLOOR)
    # a satisfied triplet costs nothing and passes no gradient
    assert triplet_margin_loss(anchor, anchor, anchor + 10, reduction="none").max() == 0
    assert all(np.all(g == 0) for g in triplet_margin_loss.grad(anchor, anchor, anchor + 10))


def test_triplet_exactly_on_the_hinge_passes_the_gradient_like_torch(matches_torch):
    """hinge = m + d(a, p) - d(a, n) = 0 exactly: torch's clamp_min passes the gradient."""
    anchor, positive, negative = np.array([[0.0, 0.0]]), np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]])
    assert triplet_margin_loss(anchor, positive, negative, margin=5.0, eps=0.0) == 0.0
    grads = triplet_margin_loss.grad(anchor, positive, negative, margin=5.0, eps=0.0)
    assert np.allclose(grads[2], [[-0.6, -0.8]], rtol=1e-15, atol=0)  # d/dn of -|a - n|: -(n - a)/|n - a|
    matches_torch(triplet_margin_loss, anchor, positive, negative, margin=5.0, eps=0.0)


def test_cosine_zero_vector_has_cosine_zero_like_torch(matches_torch):
    zero, other = np.zeros((1, 3)), np.array([[1.0, 2.0, 2.0]])
    assert cosine_embedding_loss(zero, other, np.array([1])) == 1.0
    matches_torch(cosine_embedding_loss, zero, other, np.array([1]), reduction="none", atol=FLOOR)
    # a norm of 1e-7 puts torch's eps (1e-12 as a float32) at 1% of |x|^2: with eps = 1e-12
    # in float64 the loss would differ from torch's by 2e-10 relative
    tiny = np.array([[1e-7, 0.0, 0.0]])
    matches_torch(cosine_embedding_loss, tiny, other, np.array([1]), reduction="none")


# ----------------------------------------------------------------- beyond torch, vs references


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=15)
@given(data=st.data(), margin=st.sampled_from([0.0, 0.5, 1.0, 3.0]), eps=st.sampled_from([1e-6, 0.0]))
def test_contrastive_matches_reference(matches_torch, reduction, data, margin, eps):
    shape, (input1, input2) = data.draw(embeddings(2))
    target = _labels(data.draw, shape, [0, 1])
    matches_torch(contrastive_loss, input1, input2, target, margin=margin, eps=eps, reduction=reduction, torch_function=_contrastive, atol=FLOOR)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=15)
@given(data=st.data(), n=st.integers(1, 5), d=st.integers(1, 4), classes=st.integers(1, 4))
def test_center_matches_reference(matches_torch, reduction, data, n, d, classes):
    features = data.draw(hnp.arrays(np.float64, (n, d), elements=values))
    centers = data.draw(hnp.arrays(np.float64, (classes, d), elements=values))
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, classes - 1)))
    matches_torch(center_loss, features, labels, centers, reduction=reduction, torch_function=_center)


@st.composite
def cosines(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    cos = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-0.99, 0.99)))
    return cos, draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))


MARGIN_LOSSES = [
    (arcface_loss, _arcface, [0.5, 0.0, 0.2, 1.0]),
    (cosface_loss, _cosface, [0.35, 0.0, 0.1]),
    (sphereface_loss, _sphereface, [4, 1, 2, 3]),
]


@pytest.mark.parametrize(("function", "reference", "margins"), MARGIN_LOSSES, ids=lambda v: getattr(v, "name", ""))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=15)
@given(data=st.data(), scale=st.sampled_from([64.0, 1.0, 16.0]))
def test_margin_losses_match_reference(matches_torch, function, reference, margins, reduction, data, scale):
    cos, target = data.draw(cosines())
    margin = data.draw(st.sampled_from(margins))
    # d/dcos = scale * (softmax - onehot): where the target's probability is within 1e-8 of 1,
    # p - 1 cancels in torch as in numpy and keeps only ~scale * eps absolute accuracy, so
    # entries below 1e-5 * scale are compared absolutely (to 1e-15 * scale).
    matches_torch(
        function, cos, target, scale=scale, margin=margin, reduction=reduction, torch_function=reference, atol=1e-5 * scale
    )


@pytest.mark.parametrize(("function", "reference", "margins"), MARGIN_LOSSES, ids=lambda v: getattr(v, "name", ""))
def test_margin_losses_defaults_match_reference(matches_torch, function, reference, margins):
    rng = np.random.default_rng(5)
    cos = rng.uniform(-0.99, 0.99, (8, 6))
    matches_torch(function, cos, rng.integers(0, 6, 8), torch_function=reference)


def test_paper_defaults():
    defaults = {f.name: (f.forward.__defaults__) for f, _, _ in MARGIN_LOSSES}
    assert defaults == {
        "arcface_loss": (64.0, 0.5, "mean"),
        "cosface_loss": (64.0, 0.35, "mean"),
        "sphereface_loss": (64.0, 4, "mean"),
    }


# ----------------------------------------------------------------- by hand


def test_contrastive_by_hand():
    x1, x2 = np.array([0.0, 0.0]), np.array([3.0, 4.0])  # distance 5
    assert contrastive_loss(x1, x2, 1, eps=0.0) == pytest.approx(0.5 * 25)
    assert contrastive_loss(x1, x2, 0, margin=6.0, eps=0.0) == pytest.approx(0.5 * 1)
    assert contrastive_loss(x1, x2, 0, margin=5.0, eps=0.0) == 0.0
    # the similar pair is pulled together: d(1/2 d^2)/dx1 = x1 - x2
    g1, g2 = contrastive_loss.grad(x1, x2, 1, eps=0.0)
    assert np.allclose(g1, x1 - x2, rtol=1e-15) and np.allclose(g2, x2 - x1, rtol=1e-15)


def test_center_by_hand():
    features = np.array([[1.0, 2.0], [3.0, 3.0]])
    centers = np.array([[0.0, 0.0], [3.0, 1.0]])
    labels = np.array([0, 1])
    assert center_loss(features, labels, centers) == pytest.approx(0.5 * (1 + 4) + 0.5 * 4)
    assert np.array_equal(center_loss.grad(features, labels, centers), [[1.0, 2.0], [0.0, 2.0]])


def test_margin_losses_by_hand():
    theta = math.pi / 3
    cos = np.array([[math.cos(theta), 0.2]])
    target = np.array([0])

    def two_class(target_logit, s):  # -log softmax of the target among two logits
        return math.log1p(math.exp(s * 0.2 - s * target_logit))

    assert arcface_loss(cos, target, scale=2.0) == pytest.approx(two_class(math.cos(theta + 0.5), 2.0), rel=1e-14)
    assert cosface_loss(cos, target, scale=2.0) == pytest.approx(two_class(0.5 - 0.35, 2.0), rel=1e-14)
    # m = 4: theta = pi/3 lies in [pi/4, pi/2], k = 1: psi = -cos(4 pi / 3) - 2 = -1.5
    assert sphereface_loss(cos, target, scale=2.0) == pytest.approx(two_class(-1.5, 2.0), rel=1e-14)
    # past theta = pi - m ArcFace's target logit is cos(theta) - m sin(pi - m)
    far = np.array([[math.cos(3.0), 0.2]])
    assert arcface_loss(far, target, scale=2.0) == pytest.approx(two_class(math.cos(3.0) - 0.5 * math.sin(math.pi - 0.5), 2.0), rel=1e-14)


@pytest.mark.parametrize("function", [arcface_loss, cosface_loss, sphereface_loss], ids=lambda f: f.name)
def test_a_cosine_of_exactly_minus_one_or_one_is_valid(function):
    """theta = pi and theta = 0 are angles like any other: accepted, finite where the math is."""
    cos = np.array([[-1.0, 0.2, 1.0], [0.3, -1.0, 1.0]])
    target = np.array([0, 1])  # both targets at theta = pi
    assert np.isfinite(function(cos, target, scale=2.0))
    assert np.all(np.isfinite(function.grad(cos, target, scale=2.0)))


def test_target_logits_at_theta_pi_by_hand():
    """At cos = -1 (theta = pi): ArcFace is on its linear part, cos - m sin(pi - m), slope 1;
    CosFace is cos - m, slope 1; SphereFace's last piece (k = m - 1 = 3) gives
    psi = -cos(4 pi) - 6 = -7 and dpsi/dcos = -4 U_3(-1) = 16 (the piece k = 4 would give -16)."""
    cos, target, s = np.array([[-1.0, 0.2]]), np.array([0]), 2.0

    def two_class(target_logit):  # -log softmax of the target among the logits s psi and s 0.2
        return math.log1p(math.exp(s * 0.2 - s * target_logit))

    def slope(target_logit, dpsi):  # d loss / d cos of the target: s (p - 1) dpsi
        p = 1 / (1 + math.exp(s * 0.2 - s * target_logit))
        return s * (p - 1) * dpsi

    cases = [
        (arcface_loss, -1.0 - 0.5 * math.sin(math.pi - 0.5), 1.0),
        (cosface_loss, -1.0 - 0.35, 1.0),
        (sphereface_loss, -7.0, 16.0),
    ]
    for function, psi, dpsi in cases:
        assert function(cos, target, scale=s) == pytest.approx(two_class(psi), rel=1e-14), function.name
        assert function.grad(cos, target, scale=s)[0, 0] == pytest.approx(slope(psi, dpsi), rel=1e-13), function.name


@pytest.mark.parametrize("function", [arcface_loss, cosface_loss, sphereface_loss], ids=lambda f: f.name)
def test_margin_penalises_the_target_monotonically(function):
    """The loss grows with the target's angle over all of [0, pi]: the margin never rewards a wrong angle."""
    thetas = np.linspace(0.01, math.pi - 0.01, 400)
    cos = np.stack([np.cos(thetas), np.full_like(thetas, 0.1)], axis=1)
    losses = function(cos, np.zeros(len(thetas), dtype=int), scale=1.0, reduction="none")
    assert np.all(np.diff(losses) > 0)
    plain = np.log1p(np.exp(0.1 - cos[:, 0]))  # no margin at all
    assert np.all(losses > plain)


# ----------------------------------------------------------------- finite differences

RNG = np.random.default_rng(7)
PAIRS = (RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3)), np.array([1, 0, 0, 1, 0]))


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("margin", [0.5, 4.0])
def test_contrastive_gradcheck(which, margin):
    x1, x2, target = PAIRS
    weights = RNG.uniform(0.5, 1.5, 5)

    def f(x):
        args = [x, x2] if which == 0 else [x1, x]
        return np.sum(weights * contrastive_loss(*args, target, margin=margin, reduction="none"))

    def grad(x):
        args = [x, x2] if which == 0 else [x1, x]
        return contrastive_loss.grad(*args, target, margin=margin, reduction="none", grad_output=weights)[which]

    gradcheck(f, PAIRS[which], grad)


def test_center_gradcheck():
    features, centers, labels = RNG.standard_normal((6, 3)), RNG.standard_normal((3, 3)), np.array([0, 2, 1, 1, 0, 2])
    gradcheck(lambda x: center_loss(x, labels, centers, reduction="mean"), features, lambda x: center_loss.grad(x, labels, centers, reduction="mean"))


@pytest.mark.parametrize("function", [arcface_loss, cosface_loss, sphereface_loss], ids=lambda f: f.name)
@pytest.mark.parametrize("scale", [64.0, 1.0])
def test_margin_losses_gradcheck(function, scale):
    # cosines spread over (-0.95, 0.95): ArcFace's linear part and every SphereFace piece
    cos = np.array([[0.9, -0.2, 0.1], [-0.95, 0.3, 0.5], [0.3, 0.6, -0.1], [-0.6, 0.0, 0.8]])
    target = np.array([0, 0, 2, 0])
    gradcheck(lambda c: function(c, target, scale=scale), cos, lambda c: function.grad(c, target, scale=scale))


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", [1.5, 2, 3])
def test_triplet_gradcheck(swap, p):
    anchor, positive, negative = RNG.standard_normal((3, 4, 3))
    f = lambda a: triplet_margin_loss(a, positive, negative, p=p, swap=swap, margin=2.0)  # noqa: E731
    gradcheck(f, anchor, lambda a: triplet_margin_loss.grad(a, positive, negative, p=p, swap=swap, margin=2.0)[0])


# ----------------------------------------------------------------- bad input

X = np.zeros((3, 2)) + np.arange(6).reshape(3, 2)
COS = np.full((3, 4), 0.1)
CASES = {
    triplet_margin_loss: {"anchor": X, "positive": X + 1, "negative": X - 1},
    cosine_embedding_loss: {"input1": X, "input2": X + 1, "target": np.array([1, -1, 1])},
    contrastive_loss: {"input1": X, "input2": X + 1, "target": np.array([1, 0, 1])},
    center_loss: {"features": X, "labels": np.array([0, 1, 1]), "centers": np.zeros((2, 2))},
    arcface_loss: {"input": COS, "target": np.array([0, 3, 1])},
    cosface_loss: {"input": COS, "target": np.array([0, 3, 1])},
    sphereface_loss: {"input": COS, "target": np.array([0, 3, 1])},
}
BAD = [
    (triplet_margin_loss, {"positive": np.zeros((3, 3))}, ValueError, "positive must have the shape of anchor"),
    (triplet_margin_loss, {"negative": np.zeros((2, 2))}, ValueError, "negative must have the shape of anchor"),
    (triplet_margin_loss, {"anchor": np.zeros((1, 3, 2)), "positive": np.zeros((1, 3, 2)), "negative": np.zeros((1, 3, 2))}, ValueError, "anchor must have shape"),
    (triplet_margin_loss, {"margin": -1.0}, ValueError, "margin"),
    (triplet_margin_loss, {"margin": 0.0}, ValueError, "margin must be > 0"),
    (triplet_margin_loss, {"p": 0}, ValueError, "p must be > 0"),
    (triplet_margin_loss, {"p": -2}, ValueError, "p must be > 0"),
    (triplet_margin_loss, {"swap": "yes"}, TypeError, "swap"),
    (triplet_margin_loss, {"reduction": "batchmean"}, ValueError, "reduction"),
    (cosine_embedding_loss, {"target": np.array([1, 0, 1])}, ValueError, "target must hold only -1 or 1"),
    (cosine_embedding_loss, {"target": np.array([1, -1])}, ValueError, r"target must have shape \(3,\)"),
    (cosine_embedding_loss, {"input2": np.zeros((3, 5))}, ValueError, "input2 must have the shape of input1"),
    (cosine_embedding_loss, {"margin": 1.5}, ValueError, "margin"),
    (cosine_embedding_loss, {"input1": [["a", "b"]] * 3}, TypeError, "input1"),
    (contrastive_loss, {"target": np.array([1, -1, 1])}, ValueError, "target must hold only 0 or 1"),
    (contrastive_loss, {"margin": -0.1}, ValueError, "margin"),
    (contrastive_loss, {"target": np.array([True, False, True])}, TypeError, "target"),
    (center_loss, {"labels": np.array([0, 1, 2])}, ValueError, "labels holds class index 2"),
    (center_loss, {"labels": np.array([0.0, 1.0, 1.0])}, TypeError, "labels"),
    (center_loss, {"centers": np.zeros((2, 3))}, ValueError, "centers must have shape"),
    (center_loss, {"labels": np.array([0, 1])}, ValueError, "labels must have shape"),
    (center_loss, {"features": np.zeros(3)}, ValueError, "features must have shape"),
    (arcface_loss, {"target": np.array([0, 4, 1])}, ValueError, "target holds class index 4"),
    (arcface_loss, {"input": COS + 1}, ValueError, r"input must hold cosines in \[-1, 1\]"),
    (arcface_loss, {"margin": -0.5}, ValueError, "margin"),
    (cosface_loss, {"scale": 0.0}, ValueError, "scale"),
    (cosface_loss, {"input": np.full(4, 0.1), "target": np.array(0)}, ValueError, r"input must have shape \(N, C\)"),
    (sphereface_loss, {"margin": 1.5}, ValueError, "margin must be a positive integer"),
    (sphereface_loss, {"margin": 0}, ValueError, "margin must be a positive integer"),
    (sphereface_loss, {"target": np.array([0, 1])}, ValueError, "target must have shape"),
]


@pytest.mark.parametrize(("function", "change", "error", "match"), BAD, ids=lambda v: getattr(v, "name", None))
def test_bad_input_names_the_argument(function, change, error, match):
    arguments = {**CASES[function], **change}
    with pytest.raises(error, match=match):
        function(**arguments)
    with pytest.raises(error, match=match):
        function.grad(**arguments)


@pytest.mark.parametrize("function", list(CASES), ids=lambda f: f.name)
def test_good_cases_run(function):
    value = function(**CASES[function])
    assert np.isfinite(value)


@pytest.mark.parametrize("function", list(CASES), ids=lambda f: f.name)
def test_nan_is_reported(function):
    arguments = dict(CASES[function])
    first = next(iter(arguments))
    arguments[first] = np.where(np.arange(arguments[first].size).reshape(arguments[first].shape) == 0, np.nan, arguments[first])
    with pytest.warns(NonFiniteInputWarning, match=first):
        function(**arguments)
