"""lossviz._reduction: torch's reduction argument forwards and backwards, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz._reduction import reduce, reduce_backward

LOSSES = np.array([[1.0, 2.0], [3.0, 6.0]])


def test_forward_by_hand():
    assert reduce(LOSSES, "sum") == 12.0
    assert reduce(LOSSES, "mean") == 3.0
    assert reduce(LOSSES, "mean", denominator=8.0) == 1.5
    np.testing.assert_array_equal(reduce(LOSSES, "none"), LOSSES)


def test_backward_is_the_derivative_of_the_forward_times_grad_output():
    np.testing.assert_array_equal(reduce_backward(None, (2, 2), "sum"), np.ones((2, 2)))
    np.testing.assert_array_equal(reduce_backward(2.0, (2, 2), "mean"), np.full((2, 2), 0.5))
    np.testing.assert_array_equal(reduce_backward(3.0, (2, 2), "mean", denominator=6.0), np.full((2, 2), 0.5))
    np.testing.assert_array_equal(reduce_backward(LOSSES, (2, 2), "none"), LOSSES)


def test_a_mean_over_nothing_is_nan_forwards_and_not_an_error_backwards():
    # torch: the mean of no elements is 0/0 = NaN; its gradient has no entries.
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.isnan(reduce(np.zeros(0), "mean"))
        assert reduce_backward(None, (0,), "mean").shape == (0,)
        assert np.all(np.isinf(reduce_backward(None, (2,), "mean", denominator=0)))


@pytest.mark.parametrize(("grad_output", "reduction"), [(np.ones(3), "mean"), (np.ones((2,)), "none")])
def test_a_grad_output_of_the_wrong_shape_is_named(grad_output, reduction):
    with pytest.raises(ValueError, match="grad_output"):
        reduce_backward(grad_output, (2, 2), reduction)
