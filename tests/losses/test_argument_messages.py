"""Shape errors name the shape that was expected, worked out from the other argument."""

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
