"""lossviz.losses.classification: torchvision's focal signature, bad input rejected with
errors that name the argument, NaN reported, values by hand."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np
import pytest

import lossviz.losses as losses
from lossviz._validate import NonFiniteInputWarning

from .helpers import check_vjp


def test_sigmoid_focal_loss_signature_is_torchvisions():
    """torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none")."""
    parameters = inspect.signature(losses.sigmoid_focal_loss.forward).parameters
    assert [(p.name, p.default) for p in parameters.values()] == [
        ("inputs", inspect.Parameter.empty),
        ("targets", inspect.Parameter.empty),
        ("alpha", 0.25),
        ("gamma", 2),
        ("reduction", "none"),
    ]
    assert losses.sigmoid_focal_loss.torch == "torchvision.ops.sigmoid_focal_loss"
    assert losses.sigmoid_focal_loss.wrt == ("inputs",)


# --------------------------------------------------------------------------- bad input

X = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]])  # logits (N=2, C=3)
Y = np.array([0, 2])
P = np.array([[0.1, 0.5, 0.9], [0.0, 1.0, 0.3]])  # probabilities of X's shape

BAD_INPUTS: list[tuple[str, Callable[..., Any], tuple, dict, type, str]] = [
    ("float index target", losses.cross_entropy, (X, np.array([0.0, 2.0])), {}, TypeError, "target"),
    ("integer probability target", losses.cross_entropy, (X, np.ones((2, 3), dtype=int)), {}, TypeError, "target"),
    ("class index too large", losses.cross_entropy, (X, np.array([0, 3])), {}, ValueError, "target"),
    ("negative class index", losses.cross_entropy, (X, np.array([0, -1])), {}, ValueError, "target"),
    ("index target of wrong shape", losses.cross_entropy, (X, np.array([0, 1, 2])), {}, ValueError, "target"),
    ("weight of wrong length", losses.cross_entropy, (X, Y), {"weight": np.ones(2)}, ValueError, "weight"),
    ("label_smoothing above 1", losses.cross_entropy, (X, Y), {"label_smoothing": 1.5}, ValueError, "label_smoothing"),
    ("label_smoothing below 0", losses.cross_entropy, (X, Y), {"label_smoothing": -0.1}, ValueError, "label_smoothing"),
    ("unknown reduction", losses.cross_entropy, (X, Y), {"reduction": "avg"}, ValueError, "reduction"),
    ("probability target above 1", losses.cross_entropy, (X, P * 2), {}, ValueError, "target"),
    ("probability target of wrong shape", losses.cross_entropy, (X, P[:, :2]), {}, TypeError, "target"),
    ("ignore_index with probabilities", losses.cross_entropy, (X, P), {"ignore_index": 0}, ValueError, "ignore_index"),
    ("scalar input", losses.cross_entropy, (np.array(1.0), np.array(0)), {}, ValueError, "input"),
    ("non-numeric input", losses.cross_entropy, (np.array([["a", "b"]]), np.array([0])), {}, TypeError, "input"),
    ("nll float target", losses.nll_loss, (X, np.array([0.0, 1.0])), {}, TypeError, "target"),
    ("nll weight of wrong length", losses.nll_loss, (X, Y), {"weight": np.ones(4)}, ValueError, "weight"),
    ("BCE input above 1", losses.binary_cross_entropy, (P + 0.5, P), {}, ValueError, "input"),
    ("BCE input below 0", losses.binary_cross_entropy, (P - 0.5, P), {}, ValueError, "input"),
    ("BCE target outside [0, 1]", losses.binary_cross_entropy, (P, P * 3), {}, ValueError, "target"),
    ("BCE shape mismatch", losses.binary_cross_entropy, (P, P[0]), {}, ValueError, "target"),
    ("BCE weight not broadcastable", losses.binary_cross_entropy, (P, P), {"weight": np.ones(2)}, ValueError, "weight"),
    ("BCE-logits pos_weight", losses.binary_cross_entropy_with_logits, (X, P), {"pos_weight": np.ones(4)}, ValueError, "pos_weight"),
    ("BCE-logits batchmean", losses.binary_cross_entropy_with_logits, (X, P), {"reduction": "batchmean"}, ValueError, "reduction"),
    ("kl_div unknown reduction", losses.kl_div, (X, P), {"reduction": "average"}, ValueError, "reduction"),
    ("kl_div shape mismatch", losses.kl_div, (X, P[0]), {}, ValueError, "target"),
    ("kl_div negative target", losses.kl_div, (X, -P), {}, ValueError, "target"),
    ("kl_div log_target not bool", losses.kl_div, (X, P), {"log_target": "yes"}, TypeError, "log_target"),
    ("multilabel 3-d input", losses.multilabel_soft_margin_loss, (X[None], P[None]), {}, ValueError, "input"),
    ("multilabel bool target", losses.multilabel_soft_margin_loss, (X, P > 0.5), {}, TypeError, "target"),
    ("sigmoid focal negative gamma", losses.sigmoid_focal_loss, (X, P), {"gamma": -1.0}, ValueError, "gamma"),
    ("sigmoid focal alpha above 1", losses.sigmoid_focal_loss, (X, P), {"alpha": 1.5}, ValueError, "alpha"),
    ("sigmoid focal targets shape", losses.sigmoid_focal_loss, (X, P[:1]), {}, ValueError, "targets"),
    ("softmax focal negative gamma", losses.softmax_focal_loss, (X, Y), {"gamma": -0.5}, ValueError, "gamma"),
    ("softmax focal alpha length", losses.softmax_focal_loss, (X, Y), {"alpha": np.ones(2)}, ValueError, "alpha"),
    ("softmax focal float target", losses.softmax_focal_loss, (X, Y * 1.0), {}, TypeError, "target"),
    ("dice 1-d input", losses.dice_loss, (P[0], P[0]), {}, ValueError, "input"),
    ("dice negative smooth", losses.dice_loss, (P, P), {"smooth": -1.0}, ValueError, "smooth"),
    ("dice input above 1", losses.dice_loss, (P * 2, P), {}, ValueError, "input"),
]


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "error", "argument"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_rejected_naming_the_argument(function, args, kwargs, error, argument):
    with pytest.raises(error, match=argument):
        function(*args, **kwargs)
    with pytest.raises(error, match=argument):
        function.grad(*args, **kwargs)


NAN_CASES = [
    (losses.cross_entropy, (np.array([[np.nan, 0.0]]), np.array([0]))),
    (losses.cross_entropy, (np.array([[np.nan, 0.0]]), np.array([[0.5, 0.5]]))),
    (losses.nll_loss, (np.array([[np.nan, 0.0]]), np.array([0]))),
    (losses.binary_cross_entropy, (np.array([np.nan, 0.5]), np.array([1.0, 0.0]))),
    (losses.binary_cross_entropy_with_logits, (np.array([np.nan, 0.5]), np.array([1.0, 0.0]))),
    (losses.kl_div, (np.array([np.nan, -1.0]), np.array([0.5, 0.5]))),
    (losses.multilabel_soft_margin_loss, (np.array([[np.nan, 0.5]]), np.array([[1.0, 0.0]]))),
    (losses.sigmoid_focal_loss, (np.array([np.nan, 0.5]), np.array([1.0, 0.0]))),
    (losses.softmax_focal_loss, (np.array([[np.nan, 0.0]]), np.array([0]))),
    (losses.dice_loss, (np.array([[np.nan, 0.5]]), np.array([[1.0, 0.0]]))),
]


@pytest.mark.parametrize(("function", "args"), NAN_CASES, ids=lambda case: getattr(case, "name", ""))
def test_nan_input_is_reported(function, args):
    with pytest.warns(NonFiniteInputWarning, match="input"):
        value = function(*args)
    assert np.isnan(value).any()


# --------------------------------------------------------------------------- by hand


def test_cross_entropy_by_hand():
    """Equal logits: -log(1/C). Label smoothing by hand for two classes."""
    assert losses.cross_entropy(np.zeros((2, 4)), np.array([0, 3])) == pytest.approx(np.log(4), rel=1e-15)
    x, eps = np.array([2.0, 0.0]), 0.2
    log_p = x - np.log(np.exp(2.0) + 1.0)
    expected = -((1 - eps + eps / 2) * log_p[0] + (eps / 2) * log_p[1])
    assert losses.cross_entropy(x, np.array(0), label_smoothing=eps) == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_weighted_mean_divides_by_the_target_weights():
    """torch's weighted mean: sum w_y l / sum w_y, not / N (computed by hand)."""
    x = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    w = np.array([1.0, 3.0])
    y = np.array([0, 1, -100])
    assert losses.cross_entropy(x, y, weight=w) == pytest.approx((1 * np.log(2) + 3 * np.log(2)) / 4, rel=1e-15)


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    x = np.array([[1.0, 2.0, 0.5]])
    p = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(losses.cross_entropy.grad(x, np.array([1])), p - [[0, 1, 0]], rtol=1e-14)


def test_bce_with_logits_gradient_is_sigmoid_minus_target():
    x, y = np.array([-2.0, 0.0, 3.0]), np.array([1.0, 0.5, 0.0])
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits.grad(x, y, reduction="sum"), 1 / (1 + np.exp(-x)) - y, rtol=1e-14
    )
    assert losses.binary_cross_entropy_with_logits(np.zeros(3), y) == pytest.approx(np.log(2), rel=1e-15)


def test_kl_div_batchmean_is_the_kl_divergence_per_sample():
    """KL(p || q) by hand for two distributions, batchmean over a batch of 2 identical rows."""
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    expected = 0.5 * np.log(0.5 / 0.25) * 2
    value = losses.kl_div(np.log(np.stack([q, q])), np.stack([p, p]), reduction="batchmean")
    assert value == pytest.approx(expected, rel=1e-15)


# --------------------------------------------------------------------------- gradcheck (a second method beside torch)

RNG = np.random.default_rng(40)
LOGITS = RNG.standard_normal((3, 4))
PROBS = RNG.uniform(0.05, 0.95, (3, 4))
SOFT = RNG.uniform(0, 1, (3, 4))
GRADCHECK_CASES = [
    ("cross_entropy", LOGITS, (np.array([0, 3, -100]),), {"weight": np.linspace(0.5, 2, 4), "label_smoothing": 0.2}),
    ("cross_entropy", LOGITS, (SOFT / SOFT.sum(1, keepdims=True),), {"label_smoothing": 0.1}),
    ("nll_loss", LOGITS, (np.array([1, 2, 0]),), {"weight": np.linspace(0.5, 2, 4)}),
    ("binary_cross_entropy", PROBS, (SOFT,), {"weight": np.linspace(0.5, 2, 4)}),
    ("binary_cross_entropy_with_logits", LOGITS, (SOFT,), {"pos_weight": np.linspace(0.5, 2, 4)}),
    ("kl_div", -PROBS, (SOFT,), {"log_target": False}),
    ("kl_div", -PROBS, (-SOFT,), {"log_target": True}),
    ("multilabel_soft_margin_loss", LOGITS, (SOFT,), {"weight": np.linspace(0.5, 2, 4)}),
]


@pytest.mark.parametrize(("name", "x", "args", "kwargs"), GRADCHECK_CASES, ids=[case[0] for case in GRADCHECK_CASES])
def test_torch_backed_gradients_pass_gradcheck(name, x, args, kwargs):
    check_vjp(getattr(losses, name), x, *args, **kwargs)
