"""Every torch-backed classification loss against torch autograd: value and gradient.

Two kinds of test per loss: a table over EVERY combination of its options (reduction,
weight, ignore_index, label_smoothing, target kind, shape kind, pos_weight, log_target,
batchmean), on fixed inputs that include the extremes (logits of +-1e4, probabilities of
exactly 0 and 1); and hypothesis-drawn shapes, values and options.

Tolerance: rtol = 1e-10 relative everywhere. ``atol = ATOL`` only sets the magnitude
below which an entry is judged absolutely instead (to ATOL * rtol = 1e-16): gradients such
as ``softmax * sum(coef) - coef`` or ``sigmoid(x) - y`` can cancel to a rounding residue
of ~1e-17 whose *relative* difference from torch's residue means nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    kl_div,
    multilabel_soft_margin_loss,
    nll_loss,
)

from .helpers import (
    ATOL,
    BINARY_SHAPES,
    CLASS_SHAPES,
    EXAMPLES,
    IGNORE_CASES,
    LOGIT,
    PROBABILITY,
    REDUCTIONS,
    WEIGHT,
    arrays,
    binary_target,
    class_shape,
    class_shapes,
    index_target,
    logits,
    probs_with_extremes,
)


@pytest.fixture(scope="module")
def compare(matches_torch):
    def run(function: Any, *args: Any, **kwargs: Any):
        return matches_torch(function, *args, atol=ATOL, **kwargs)

    return run


# --------------------------------------------------------------------------- option tables


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("ignore_case", IGNORE_CASES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_index_targets_every_option(compare, reduction, weighted, ignore_case, label_smoothing, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    num_classes, _ = class_shapes(shape)
    target, ignore_index = index_target(shape, ignore_case, seed=1)
    weight = np.linspace(0.5, 2.0, num_classes) if weighted else None
    compare(
        cross_entropy,
        logits(shape, seed=2),
        target,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets_every_option(compare, reduction, weighted, label_smoothing, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    num_classes, _ = class_shapes(shape)
    axis = 0 if len(shape) == 1 else 1
    z = np.random.default_rng(3).standard_normal(shape)
    target = np.exp(z) / np.sum(np.exp(z), axis=axis, keepdims=True)
    if len(shape) > 1:  # a one-hot first sample: zero probabilities included
        target[0] = 0.0
        target[0, 0] = 1.0
    weight = np.linspace(0.5, 2.0, num_classes) if weighted else None
    compare(cross_entropy, logits(shape, seed=4), target, weight=weight, reduction=reduction, label_smoothing=label_smoothing)


@pytest.mark.parametrize("shape_kind", CLASS_SHAPES)
@pytest.mark.parametrize("ignore_case", IGNORE_CASES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_every_option(compare, reduction, weighted, ignore_case, shape_kind):
    shape = CLASS_SHAPES[shape_kind]
    num_classes, _ = class_shapes(shape)
    target, ignore_index = index_target(shape, ignore_case, seed=5)
    weight = np.linspace(0.5, 2.0, num_classes) if weighted else None
    log_probs = -np.abs(logits(shape, seed=6))  # any log-probabilities, -1e4 included
    compare(nll_loss, log_probs, target, weight=weight, ignore_index=ignore_index, reduction=reduction)


def elementwise_weight(kind: str, shape: tuple[int, ...]) -> np.ndarray | None:
    """None, one weight per element, or one per entry of the last dim (broadcast)."""
    if kind == "none":
        return None
    if kind == "full":
        return np.random.default_rng(7).uniform(0.2, 2.0, shape)
    return np.linspace(0.5, 2.0, shape[-1])


@pytest.mark.parametrize("shape_kind", BINARY_SHAPES)
@pytest.mark.parametrize("weight_kind", ["none", "full", "last-dim"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_every_option(compare, reduction, weight_kind, shape_kind):
    shape = BINARY_SHAPES[shape_kind]
    compare(
        binary_cross_entropy,
        probs_with_extremes(shape, seed=8),
        binary_target(shape, seed=9),
        weight=elementwise_weight(weight_kind, shape),
        reduction=reduction,
    )


@pytest.mark.parametrize("shape_kind", BINARY_SHAPES)
@pytest.mark.parametrize("pos_weighted", [False, True])
@pytest.mark.parametrize("weight_kind", ["none", "full", "last-dim"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits_every_option(compare, reduction, weight_kind, pos_weighted, shape_kind):
    shape = BINARY_SHAPES[shape_kind]
    # pos_weight broadcasts from the right: one per entry of the LAST dim, as in torch.
    pos_weight = np.linspace(3.0, 0.5, shape[-1]) if pos_weighted else None
    compare(
        binary_cross_entropy_with_logits,
        logits(shape, seed=10),
        binary_target(shape, seed=11),
        weight=elementwise_weight(weight_kind, shape),
        reduction=reduction,
        pos_weight=pos_weight,
    )


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", [*REDUCTIONS, "batchmean"])
def test_kl_div_every_option(compare, reduction, log_target, shape):
    rng = np.random.default_rng(12)
    log_q = np.asarray(-np.abs(rng.standard_normal(shape)) * 3)  # asarray: 0-d arithmetic gives numpy scalars
    p = np.asarray(rng.uniform(0, 1, shape))
    p.reshape(-1)[:1] = 0.0  # 0 log 0 = 0, torch's xlogy convention
    target = np.asarray(np.log(p + 0.1)) if log_target else p
    compare(kl_div, log_q, target, reduction=reduction, log_target=log_target)


@pytest.mark.parametrize("shape", [(4,), (5, 4)], ids=str)
@pytest.mark.parametrize("weight_kind", ["none", "full", "last-dim"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_loss_every_option(compare, reduction, weight_kind, shape):
    compare(
        multilabel_soft_margin_loss,
        logits(shape, seed=13),
        binary_target(shape, seed=14),
        weight=elementwise_weight(weight_kind, shape),
        reduction=reduction,
    )


# --------------------------------------------------------------------------- hypothesis

# Moderate logits keep 1 - softmax above ~1e-5, so torch's and our rounding of p - 1 agree
# to 1e-10 relative; the extremes +-1e4 give exactly 0 and 1, which round identically.
@st.composite
def class_loss_arguments(draw: Any, probability_targets: bool) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """(input, target, options) for cross_entropy/nll_loss, every option drawn."""
    shape = draw(class_shape())
    num_classes, target_shape = class_shapes(shape)
    x = arrays(draw, LOGIT, shape)
    options: dict[str, Any] = {"reduction": draw(st.sampled_from(REDUCTIONS))}
    if draw(st.booleans()):
        options["weight"] = arrays(draw, WEIGHT, (num_classes,))
    if probability_targets:
        raw = arrays(draw, PROBABILITY, shape)
        target = raw
    else:
        ignore_index = draw(st.sampled_from([-100, 0, num_classes - 1]))
        options["ignore_index"] = ignore_index
        size = int(np.prod(target_shape))
        indices = draw(st.lists(st.sampled_from([*range(num_classes), ignore_index]), min_size=size, max_size=size))
        target = np.array(indices, dtype=np.int64).reshape(target_shape)
    return x, target, options


@settings(max_examples=EXAMPLES)
@given(arguments=class_loss_arguments(probability_targets=False), smoothing=st.one_of(st.just(0.0), st.floats(0, 1)))
def test_cross_entropy_index_targets_hypothesis(compare, arguments, smoothing):
    x, target, options = arguments
    compare(cross_entropy, x, target, label_smoothing=smoothing, **options)


@settings(max_examples=EXAMPLES)
@given(arguments=class_loss_arguments(probability_targets=True), smoothing=st.one_of(st.just(0.0), st.floats(0, 1)))
def test_cross_entropy_probability_targets_hypothesis(compare, arguments, smoothing):
    x, target, options = arguments
    compare(cross_entropy, x, target, label_smoothing=smoothing, **options)


@settings(max_examples=EXAMPLES)
@given(arguments=class_loss_arguments(probability_targets=False))
def test_nll_loss_hypothesis(compare, arguments):
    x, target, options = arguments
    compare(nll_loss, x, target, **options)


@st.composite
def binary_arguments(draw: Any, values: st.SearchStrategy, max_dims: int = 3) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """(input, target in [0, 1], options) with a drawn weight broadcast to the input."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=max_dims)))
    options: dict[str, Any] = {"reduction": draw(st.sampled_from(REDUCTIONS))}
    weight_shape = draw(st.sampled_from([None, shape, shape[-1:]]))
    if weight_shape is not None:
        options["weight"] = arrays(draw, WEIGHT, weight_shape)
    return arrays(draw, values, shape), arrays(draw, PROBABILITY, shape), options


@settings(max_examples=EXAMPLES)
@given(arguments=binary_arguments(PROBABILITY))
def test_binary_cross_entropy_hypothesis(compare, arguments):
    p, y, options = arguments
    compare(binary_cross_entropy, p, y, **options)


@settings(max_examples=EXAMPLES)
@given(arguments=binary_arguments(st.one_of(st.floats(-30, 30), st.sampled_from([-1e4, 1e4]))), pos_weighted=st.booleans())
def test_binary_cross_entropy_with_logits_hypothesis(compare, arguments, pos_weighted):
    x, y, options = arguments
    if pos_weighted:
        options["pos_weight"] = np.linspace(0.3, 4.0, x.shape[-1])
    compare(binary_cross_entropy_with_logits, x, y, **options)


@settings(max_examples=EXAMPLES)
@given(arguments=binary_arguments(st.one_of(st.floats(-30, 30), st.sampled_from([-1e4, 1e4])), max_dims=2))
def test_multilabel_soft_margin_loss_hypothesis(compare, arguments):
    x, y, options = arguments
    compare(multilabel_soft_margin_loss, x, y, **options)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")
@settings(max_examples=EXAMPLES)
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    log_target=st.booleans(),
    reduction=st.sampled_from([*REDUCTIONS, "batchmean"]),
    data=st.data(),
)
def test_kl_div_hypothesis(compare, shape, log_target, reduction, data):
    log_q = arrays(data.draw, st.floats(-50, 0), shape)
    target = arrays(data.draw, st.floats(-20, 2) if log_target else PROBABILITY, shape)
    compare(kl_div, log_q, target, reduction=reduction, log_target=log_target)


# --------------------------------------------------------------------------- extremes by hand


def test_extreme_logits_give_torchs_finite_values():
    """Logits of +-1e4: the loss is the logit gap (2e4), never inf or NaN; hand-computed."""
    x = np.array([[1e4, -1e4], [1e4, -1e4]])
    assert cross_entropy(x, np.array([1, 0]), reduction="none").tolist() == [2e4, 0.0]
    assert binary_cross_entropy_with_logits(x, np.array([[0.0, 1.0], [1.0, 0.0]]), reduction="none").tolist() == [
        [1e4, 1e4],
        [0.0, 0.0],
    ]


def test_binary_cross_entropy_at_exact_zero_and_one_is_clamped_like_torch():
    """log 0 is clamped at -100: a confident wrong answer costs exactly 100 per weight."""
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    assert binary_cross_entropy(p, y, reduction="none").tolist() == [100.0, 100.0, 0.0, 0.0]
    # torch's backward divides by max(p (1 - p), 1e-12), its 1e-12 a float32: +-1 / float32(1e-12), 0 where p == y.
    epsilon = float(np.float32(1e-12))
    assert binary_cross_entropy.grad(p, y, reduction="sum").tolist() == [-1 / epsilon, 1 / epsilon, 0.0, 0.0]


def test_every_target_ignored_gives_nan_mean_and_zero_gradient():
    """torch's 0/0: the mean over no samples is NaN, but no sample passes a gradient on."""
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    target = np.array([-100, -100])
    for smoothing in (0.0, 0.2):
        assert np.isnan(cross_entropy(x, target, label_smoothing=smoothing))
        assert np.all(cross_entropy.grad(x, target, label_smoothing=smoothing) == 0.0)
    assert np.isnan(nll_loss(x, target))
    assert cross_entropy(x, target, reduction="sum") == 0.0



# --------------------------------------------------------------------------- masked logits

MASKED = [
    # (logits with -inf in classes that are not the target's, index targets)
    (np.array([[0.0, -np.inf, 1.0]]), np.array([0])),
    (np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]]), np.array([2, 1])),
    (np.array([[[0.5, -np.inf], [-np.inf, 0.0], [1.0, 2.0]]]), np.array([[0, 1]])),
]


@pytest.mark.filterwarnings("ignore::lossviz._validate.NonFiniteInputWarning")
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("x", "target"), MASKED, ids=["one", "two", "spatial"])
def test_masked_logits_of_other_classes_give_torchs_finite_loss(compare, x, target, reduction, weighted):
    weight = np.linspace(0.5, 2.0, x.shape[1]) if weighted else None
    compare(cross_entropy, x, target, weight=weight, reduction=reduction)
    # log_softmax of a masked logit is -inf too: nll_loss must not pick it up either
    log_probs = np.where(np.isinf(x), -np.inf, x - 3.0)
    compare(nll_loss, log_probs, target, weight=weight, reduction=reduction)
    assert np.all(np.isfinite(cross_entropy(x, target, weight=weight, reduction="none")))
    assert np.all(np.isfinite(cross_entropy.grad(x, target, weight=weight, reduction=reduction)))


@pytest.mark.filterwarnings("ignore::lossviz._validate.NonFiniteInputWarning")
def test_masked_logits_with_smoothing_or_as_the_target_give_torchs_inf():
    """Smoothing puts weight on every class, and the target's own -inf logit is a certain
    miss: both are an infinite loss in torch, and in lossviz."""
    x = np.array([[0.0, -np.inf, 1.0]])
    assert cross_entropy(x, np.array([0]), label_smoothing=0.1) == np.inf
    assert cross_entropy(x, np.array([1])) == np.inf
    assert nll_loss(np.array([[-0.5, -np.inf]]), np.array([1])) == np.inf
