"""Argument checks: shape errors name the shape that was expected, worked out from the
other argument; an allowed boundary value is accepted."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.losses import arcface_loss, multilabel_margin_loss


def test_angular_margin_target_of_the_wrong_length_names_one_class_per_row():
    # cosines of 2 samples against 3 classes: the target must hold 2 labels, shape (2,)
    cos = np.array([[0.5, -0.2, 0.1], [0.3, 0.4, -0.9]])
    with pytest.raises(ValueError, match=r"target must have shape \(2,\) \(one class per row of input\), got \(3,\)"):
        arcface_loss(cos, np.array([0, 1, 2]))


def test_multilabel_margin_refuses_an_input_of_more_than_two_dimensions():
    # torch's multilabel_margin_loss takes (C,) or (N, C) only
    with pytest.raises(ValueError, match=r"input must have shape \(C,\) or \(N, C\), got \(2, 2, 3\)"):
        multilabel_margin_loss(np.zeros((2, 2, 3)), np.zeros((2, 2, 3), dtype=int))


def test_gaussian_nll_accepts_eps_zero_as_torch_does():
    # eps only clamps the variance from below; torch takes eps = 0 (and gives 0.5966 here).
    # With var = 2 the loss is (log 2 + (1 - 0)^2 / 2) / 2 by hand.
    from lossviz.losses import gaussian_nll_loss

    loss = gaussian_nll_loss(np.array([1.0]), np.array([0.0]), np.array([2.0]), eps=0.0)
    assert loss == pytest.approx((np.log(2.0) + 0.5) / 2, rel=1e-15)


def test_one_pair_of_vectors_takes_a_scalar_label_and_says_so():
    # inputs of shape (3,) are one pair: one label, shape ()
    from lossviz.losses import cosine_embedding_loss

    a, b = np.array([1.0, 0.0, 2.0]), np.array([0.5, 1.0, -1.0])
    with pytest.raises(ValueError, match=r"target must have shape \(\) \(one label per pair\), got \(2,\)"):
        cosine_embedding_loss(a, b, np.array([1.0, -1.0]))


def test_a_scalar_score_is_one_class_and_takes_one_weight():
    # a 0-d input is one sample with a single class (torch agrees): weight has shape (1,),
    # and with no rival class the loss is 0
    from lossviz.losses import multi_margin_loss

    assert multi_margin_loss(np.array(0.7), np.array(0), weight=np.array([2.0])) == 0.0
    with pytest.raises(ValueError, match=r"weight must have shape \(C,\) = \(1,\)"):
        multi_margin_loss(np.array(0.7), np.array(0), weight=np.array([2.0, 1.0]))
