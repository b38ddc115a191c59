"""Margin losses against torch autograd, by hand, and by finite differences.

Every torch-backed loss is compared with ``torch.nn.functional`` (value and gradient,
with torchcheck's random ``grad_output``) for every combination of its options, on
hypothesis-drawn shapes and scores. Scores are drawn partly from a grid of half-integers
so that exact ties at the hinges' kinks occur often; lossviz follows torch's convention
at each (``clamp_min`` passes the gradient at 0, ``multi_margin_loss`` and
``multilabel_margin_loss`` count only terms strictly above 0). ``hinge`` and
``squared_hinge`` are compared with a torch re-expression and checked with gradcheck.
"""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lossviz._validate import NonFiniteInputWarning
from lossviz.check import gradcheck
from lossviz.losses import (
    hinge,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multiclass_hinge,
    multilabel_margin_loss,
    soft_margin_loss,
    squared_hinge,
)

from .helpers import REDUCTIONS, torch_reduce

EXAMPLES = 12  # per option combination

SHAPES = array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
# Half-integers make ties at margins 0, 0.5, 1 and 2 common; the wide floats, large scores.
SCORES = st.one_of(st.integers(-8, 8).map(lambda k: k / 2), st.floats(-1e6, 1e6, allow_subnormal=False))
LABELS = st.sampled_from([-1.0, 1.0])


@st.composite
def labelled(draw, scores=SCORES):
    """(scores, labels in {-1, +1}) of one drawn shape."""
    shape = draw(SHAPES)
    return draw(arrays(np.float64, shape, elements=scores)), draw(arrays(np.float64, shape, elements=LABELS))


BEYOND_TORCH = (hinge, squared_hinge)


# --------------------------------------------------------------------------- torch


@pytest.mark.parametrize("margin_", [-0.5, 0.0, 1.0, 2.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=labelled(st.one_of(st.integers(0, 8).map(lambda k: k / 2), st.floats(0, 1e6, allow_subnormal=False))))
def test_hinge_embedding_loss_matches_torch(matches_torch, reduction, margin_, data):
    # Distances are >= 0 (as hinge_embedding_loss is meant for): a sum of signed ones
    # could cancel below what float64 resolves. Half-integers hit x == margin exactly.
    x, y = data
    matches_torch(hinge_embedding_loss, x, y, margin=margin_, reduction=reduction)


@st.composite
def multi_class(draw, min_classes=1):
    """(scores, target): ``(N, C)`` with ``(N,)``, or ``(C,)`` with a target of shape ``()`` or ``(1,)``."""
    classes = draw(st.integers(min_classes, 5))
    layout = draw(st.sampled_from(["(N, C)", "(C,), ()", "(C,), (1,)"]))
    rows = draw(st.integers(1, 5)) if layout == "(N, C)" else 1
    shape = (rows, classes) if layout == "(N, C)" else (classes,)
    x = draw(arrays(np.float64, shape, elements=SCORES))
    target_shape = {"(N, C)": (rows,), "(C,), ()": (), "(C,), (1,)": (1,)}[layout]
    return x, draw(arrays(np.int64, target_shape, elements=st.integers(0, classes - 1)))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("margin_", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES * 2 // 3)  # 36 combinations
@given(data=st.data())
def test_multi_margin_loss_matches_torch(matches_torch, reduction, p, margin_, weighted, data):
    x, target = data.draw(multi_class())
    # Positive weights: the target's gradient sums the rivals' terms, all of one sign.
    weight = data.draw(arrays(np.float64, x.shape[-1], elements=st.floats(0.01, 10))) if weighted else None
    matches_torch(
        multi_margin_loss, x, target, p=p, margin=margin_, weight=weight, reduction=reduction
    )


@st.composite
def multi_label(draw):
    """(scores, target): each target row lists classes (repeats allowed), then -1, then anything valid."""
    classes = draw(st.integers(1, 5))
    rows = draw(st.sampled_from([None, 1, 2, 4]))  # None: a single (C,) sample
    shape = (classes,) if rows is None else (rows, classes)
    x = draw(arrays(np.float64, shape, elements=SCORES))
    target = np.empty(shape, dtype=np.int64)
    for row in target.reshape(-1, classes):
        listed = draw(st.lists(st.integers(0, classes - 1), max_size=classes))
        tail = draw(st.lists(st.integers(-1, classes - 1), min_size=classes, max_size=classes))
        row[:] = (listed + [-1] + tail)[:classes]
    return x, target


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=3 * EXAMPLES)
@given(data=multi_label())
def test_multilabel_margin_loss_matches_torch(matches_torch, reduction, data):
    x, target = data
    matches_torch(multilabel_margin_loss, x, target, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=3 * EXAMPLES)
@given(data=labelled(st.one_of(st.integers(-8, 8).map(lambda k: k / 2), st.floats(-700, 700, allow_subnormal=False))))
def test_soft_margin_loss_matches_torch(matches_torch, reduction, data):
    # |x| <= 700: beyond ~710 torch's log1p(exp(-y x)) overflows to inf (lossviz stays finite, tested below).
    x, y = data
    matches_torch(soft_margin_loss, x, y, reduction=reduction)


# torch also takes shapes the tables above do not draw: each case once, against torch,
# with the shape of its reduction="none" output (torchcheck broadcasts, so it is checked here).
TORCH_SHAPES = [
    # 0-d scores are one class: no rival, loss 0 (torch agrees)
    (multi_margin_loss, (np.array(0.7), np.array(0)), {}, ()),
    (multi_margin_loss, (np.array(0.7), np.array(0)), {"p": 2, "margin": 3.0}, ()),
    (multilabel_margin_loss, (np.array(0.7), np.array(0)), {}, ()),
    (multilabel_margin_loss, (np.array(0.7), np.array(-1)), {}, ()),
    # arguments that broadcast against each other
    (margin_ranking_loss, (np.arange(10.0).reshape(5, 2) / 3, np.linspace(-1, 2, 5)[:, None], np.array([[1.0, -1.0]])), {}, (5, 2)),
    (margin_ranking_loss, (np.linspace(-1, 2, 5)[:, None], np.arange(10.0).reshape(5, 2) / 3, np.ones((5, 2))), {"margin": 0.5}, (5, 2)),
    (hinge_embedding_loss, (np.arange(25.0).reshape(5, 5) / 10, np.array([[1.0, -1.0, 1.0, -1.0, -1.0]])), {}, (5, 5)),
    (hinge_embedding_loss, (np.arange(5.0) / 2, np.array([[1.0, -1.0, 1.0, -1.0, -1.0], [-1.0] * 5])), {"margin": 1.5}, (2, 5)),
    (soft_margin_loss, (np.arange(25.0).reshape(5, 5) / 10 - 1, np.array([[1.0, -1.0, 1.0, -1.0, -1.0]])), {}, (5, 5)),
    # scores of +-inf: an infinite loss (a NaN term, inf - inf, drops out), as in torch
    (multilabel_margin_loss, (np.array([[1.0, np.inf, 0.0]]), np.array([[0, -1, -1]])), {}, (1,)),
    (multilabel_margin_loss, (np.array([[-np.inf, 1.0, 0.0]]), np.array([[0, -1, -1]])), {}, (1,)),
    (multilabel_margin_loss, (np.array([[np.inf, np.inf, 0.0], [1.0, 2.0, -np.inf]]), np.array([[0, -1, -1], [2, 1, -1]])), {}, (2,)),
]


@pytest.mark.filterwarnings("ignore::lossviz._validate.NonFiniteInputWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in subtract:RuntimeWarning")  # torchcheck's inf - inf
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("function", "args", "kwargs", "shape"), TORCH_SHAPES, ids=lambda v: getattr(v, "name", None))
def test_shapes_and_values_torch_takes_match_torch(matches_torch, function, args, kwargs, shape, reduction):
    matches_torch(function, *args, reduction=reduction, **kwargs)
    assert np.shape(function(*args, reduction=reduction, **kwargs)) == (shape if reduction == "none" else ())
    grads = function.grad(*args, reduction=reduction, **kwargs)
    for grad, arg in zip(grads if isinstance(grads, tuple) else (grads,), args):
        assert np.shape(grad) == np.shape(arg)


def test_multilabel_margin_loss_needs_no_classes_by_classes_array():
    """Memory a few times the input's, whatever C: at C = 3,000 the old pairs array of every
    (target, non-target) class pair held N C^2 = 36 million numbers (288 MB for 96 KB of input)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3000))
    target = np.full((4, 3000), -1)
    target[:, :3] = [[0, 1, 2], [5, 6, 7], [10, 11, 12], [100, 7, 7]]
    for call in (multilabel_margin_loss, multilabel_margin_loss.grad):
        tracemalloc.start()
        call(x, target)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 20 * x.nbytes, f"{call.__name__} peaked at {peak / x.nbytes:.0f} times the input"


def test_soft_margin_loss_is_finite_where_torchs_overflows():
    x, y = np.array([1e4, -1e4, 1e4]), np.array([-1.0, 1.0, 1.0])
    assert soft_margin_loss(x, y, reduction="none").tolist() == [1e4, 1e4, 0.0]
    assert soft_margin_loss.grad(x, y, reduction="none").tolist() == [1.0, -1.0, -0.0]


@st.composite
def ranked_pairs(draw, margin_: float):
    """(input1, input2, target); a drawn mask of entries sits at the kink -y (x1 - x2) + margin = 0."""
    x1, y = draw(labelled())
    x2 = draw(arrays(np.float64, x1.shape, elements=SCORES))
    at_kink = draw(arrays(np.bool_, x1.shape))
    return x1, np.where(at_kink, x1 - y * margin_, x2), y


@pytest.mark.parametrize("margin_", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_margin_ranking_loss_matches_torch(matches_torch, reduction, margin_, data):
    x1, x2, y = data.draw(ranked_pairs(margin_))
    matches_torch(margin_ranking_loss, x1, x2, y, margin=margin_, reduction=reduction)


def test_kink_conventions_by_hand():
    """torch's: clamp_min passes the gradient at 0, multi_margin_loss's strict z > 0 does not."""
    assert hinge_embedding_loss.grad([1.0], [-1.0], margin=1.0, reduction="sum").tolist() == [-1.0]
    assert [g.tolist() for g in margin_ranking_loss.grad([1.0], [0.0], [1.0], margin=1.0, reduction="sum")] == [[-1.0], [1.0]]
    # Scores (1, 0, 0.5), target 0, margin 1: z = (-, 0, 0.5); only class 2 counts.
    np.testing.assert_allclose(multi_margin_loss.grad([[1.0, 0.0, 0.5]], [0], reduction="sum"), [[-1 / 3, 0.0, 1 / 3]], rtol=1e-15)
    assert hinge.grad([1.0, -1.0], [1.0, -1.0], reduction="sum").tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- beyond torch


def _torch_hinge(input, target, margin=1.0, reduction="mean"):
    import torch

    return torch_reduce(torch.relu(margin - target * input), reduction)


def _torch_squared_hinge(input, target, margin=1.0, reduction="mean"):
    import torch

    return torch_reduce(torch.relu(margin - target * input) ** 2, reduction)


@pytest.mark.parametrize(
    "function, reference", [(hinge, _torch_hinge), (squared_hinge, _torch_squared_hinge)], ids=["hinge", "squared_hinge"]
)
@pytest.mark.parametrize("margin_", [0.5, 1.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=labelled())
def test_hinge_matches_torch_reexpression(matches_torch, reduction, margin_, function, reference, data):
    # Ties y x == margin included: relu's 0 at 0 is lossviz's convention for hinge.
    x, y = data
    matches_torch(function, x, y, margin=margin_, reduction=reduction, torch_function=reference)


def test_hinge_matches_sklearn_docs_example():
    # sklearn's hinge_loss docstring: hinge_loss([-1, 1, 1], [-2.18, 2.36, 0.09]) -> 0.30...
    assert hinge([-2.18, 2.36, 0.09], [-1.0, 1.0, 1.0]) == pytest.approx((1 - 0.09) / 3, rel=1e-15)


def test_squared_hinge_matches_keras_definition():
    # Keras: mean(square(maximum(1 - y_true * y_pred, 0))); 0.7^2, 1.4^2, 0 -> mean.
    assert squared_hinge([0.3, 0.4, 2.0], [1.0, -1.0, 1.0]) == pytest.approx((0.49 + 1.96) / 3, rel=1e-14)


@pytest.mark.parametrize("function", BEYOND_TORCH, ids=lambda f: f.name)
@pytest.mark.parametrize("reduction", ["none", "mean"])
@pytest.mark.parametrize("seed", range(3))
def test_hinge_gradcheck(function, reduction, seed):
    """gradcheck of the VJP f(x) = sum(grad_output * loss(x)), away from the kink y x == margin."""
    rng = np.random.default_rng(seed)
    y = rng.choice([-1.0, 1.0], size=(4, 3))
    x = rng.normal(size=(4, 3)) * 2
    x = np.where(np.abs(1 - y * x) < 0.05, x + 0.2, x)
    grad_output = rng.normal(size=np.shape(function(x, y, reduction=reduction)))
    gradcheck(
        lambda v: np.sum(grad_output * function(v, y, reduction=reduction)),
        x,
        lambda v: function.grad(v, y, reduction=reduction, grad_output=grad_output),
    )


def _torch_multiclass_hinge(input, target, margin=1.0, reduction="mean"):
    """sklearn's multi-class hinge_loss in torch: 1 - (own score - strongest rival's), clipped at 0.

    amax shares its gradient equally among tied rivals; relu's slope at 0 is 0.
    """
    import torch
    import torch.nn.functional as F

    scores = input.reshape(-1, input.shape[-1])
    labels = target.reshape(-1)
    own = scores.gather(1, labels[:, None])[:, 0]
    rivals = scores.masked_fill(F.one_hot(labels, scores.shape[1]).bool(), float("-inf"))
    return torch_reduce(torch.relu(margin - (own - rivals.amax(dim=1))).reshape(target.shape), reduction)


@pytest.mark.parametrize("margin_", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@settings(max_examples=EXAMPLES)
@given(data=multi_class(min_classes=2))
def test_multiclass_hinge_matches_torch_reexpression(matches_torch, reduction, margin_, data):
    # Half-integer scores: ties for the strongest rival, and hinges exactly at 0.
    x, target = data
    matches_torch(multiclass_hinge, x, target, margin=margin_, reduction=reduction, torch_function=_torch_multiclass_hinge)


def test_multiclass_hinge_by_hand():
    """sklearn's form: max(0, 1 - (x_y - max rival)). Rows: beaten by 0.2 (0.8), beaten by
    0.2 (0.8), losing by 2 (3); the mean is 4.6 / 3. A tie shares the rival's slope."""
    scores = np.array([[0.1, 0.2, 0.4], [0.5, -1.0, 0.3], [2.0, 0.0, 0.0]])
    np.testing.assert_allclose(multiclass_hinge(scores, [2, 0, 1], reduction="none"), [0.8, 0.8, 3.0], rtol=1e-15)
    assert multiclass_hinge(scores, [2, 0, 1]) == pytest.approx(4.6 / 3, rel=1e-15)
    tie = multiclass_hinge.grad([[1.0, 1.0, 0.5]], [2], reduction="sum")
    assert tie.tolist() == [[0.5, 0.5, -1.0]]
    # at the kink (own score ahead by exactly the margin) the slope is 0, as hinge's
    assert multiclass_hinge.grad([[2.0, 1.0]], [0], reduction="sum").tolist() == [[0.0, 0.0]]


def test_multiclass_hinge_charges_only_the_strongest_rival_unlike_weston_watkins():
    """Both rivals within the margin: Weston-Watkins (torch's multi_margin_loss) charges both
    and divides by C; Crammer-Singer charges the strongest alone."""
    scores, target = np.array([[1.0, 0.8, 0.6]]), np.array([0])
    assert multiclass_hinge(scores, target) == pytest.approx(1 - (1.0 - 0.8), rel=1e-15)
    assert multi_margin_loss(scores, target) == pytest.approx(((1 - 1.0 + 0.8) + (1 - 1.0 + 0.6)) / 3, rel=1e-15)


@pytest.mark.parametrize("reduction", ["none", "mean"])
@pytest.mark.parametrize("seed", range(3))
def test_multiclass_hinge_gradcheck(reduction, seed):
    """gradcheck of sum(grad_output * loss(x)) away from the kinks (ties, hinge at 0)."""
    rng = np.random.default_rng(seed)
    x, target = rng.normal(0, 1, (5, 4)), rng.integers(0, 4, 5)
    grad_output = rng.normal(size=np.shape(multiclass_hinge(x, target, reduction=reduction)))
    gradcheck(
        lambda v: np.sum(grad_output * multiclass_hinge(v, target, reduction=reduction)),
        x,
        lambda v: multiclass_hinge.grad(v, target, reduction=reduction, grad_output=grad_output),
    )


# --------------------------------------------------------------------------- bad input

X = np.zeros((2, 3))
Y = np.ones((2, 3))
BAD = [
    (hinge_embedding_loss, (X, np.zeros((2, 3))), {}, ValueError, "target"),
    (hinge_embedding_loss, (X, Y), {"margin": "1"}, TypeError, "margin"),
    (multi_margin_loss, (X, np.array([0, 1])), {"p": 3}, ValueError, "p"),
    (multi_margin_loss, (X, np.array([0, 1])), {"weight": np.ones(2)}, ValueError, "weight"),
    (multi_margin_loss, (X, np.array([0, 3])), {}, ValueError, "target"),
    (multi_margin_loss, (X, np.array([0.0, 1.0])), {}, TypeError, "target"),
    (multi_margin_loss, (X, np.array([0, 1, 2])), {}, ValueError, "target"),
    (multi_margin_loss, (np.zeros((2, 3, 4)), np.array([0, 1])), {}, ValueError, "input"),
    (multilabel_margin_loss, (X, np.zeros((2, 2), dtype=int)), {}, ValueError, "target"),
    (multilabel_margin_loss, (X, np.full((2, 3), -2)), {}, ValueError, "target"),
    (soft_margin_loss, (X, 2 * Y), {}, ValueError, "target"),
    (margin_ranking_loss, (X, np.zeros(3), Y), {}, ValueError, "input2"),
    (margin_ranking_loss, (X, X, Y), {"reduction": "batchmean"}, ValueError, "reduction"),
    (hinge, (X, np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])), {}, ValueError, "target"),
    (squared_hinge, (X, np.ones(3)), {}, ValueError, "target"),
    (squared_hinge, (np.array(["a"]), np.ones(1)), {}, TypeError, "input"),
    (multiclass_hinge, (np.zeros((2, 1)), np.array([0, 0])), {}, ValueError, "input"),
    (multiclass_hinge, (X, np.array([0, 3])), {}, ValueError, "target"),
    (multiclass_hinge, (X, np.array([0, 1])), {"margin": [1.0]}, TypeError, "margin"),
    (margin_ranking_loss, (X, np.zeros((2, 1)), np.ones((1, 2))), {}, ValueError, "target"),
    (hinge_embedding_loss, (X, np.ones((3, 1))), {}, ValueError, "target"),
]


@pytest.mark.parametrize("part", ["value", "grad"])
@pytest.mark.parametrize("function, args, kwargs, error, name", BAD, ids=[f"{f.name}-{n}" for f, _, _, _, n in BAD])
def test_bad_input_names_the_argument(function, args, kwargs, error, name, part):
    with pytest.raises(error, match=rf"^{name}\b"):
        (function if part == "value" else function.grad)(*args, **kwargs)


def test_bad_grad_output_names_it():
    with pytest.raises(ValueError, match=r"^grad_output\b"):
        multi_margin_loss.grad(X, np.array([0, 1]), reduction="none", grad_output=np.ones(3))


NAN = np.array([[1.0, np.nan]])
SIGNS = np.array([[1.0, -1.0]])
# The multi-class losses keep only terms with z > 0, and NaN > 0 is false: there the NaN
# drops out of the value, exactly as in torch, and the warning is what reports it.
NAN_CALLS = [
    (hinge_embedding_loss, (NAN, SIGNS), True),
    (multi_margin_loss, (NAN, np.array([0])), False),
    (multilabel_margin_loss, (NAN, np.array([[0, -1]])), False),
    (soft_margin_loss, (NAN, SIGNS), True),
    (margin_ranking_loss, (NAN, SIGNS, SIGNS), True),
    (hinge, (NAN, SIGNS), True),
    (squared_hinge, (NAN, SIGNS), True),
]


@pytest.mark.parametrize("function, args, propagates", NAN_CALLS, ids=[f.name for f, _, _ in NAN_CALLS])
def test_nan_input_is_reported(function, args, propagates):
    with pytest.warns(NonFiniteInputWarning, match="input"):
        value = function(*args)
    assert np.isnan(value) == propagates
