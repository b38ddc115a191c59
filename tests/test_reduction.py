"""lossviz._reduction: torch's reduction argument forwards and backwards, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz._reduction import pull_back, reduce, reduce_backward, sum_to

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
    np.testing.assert_array_equal(reduce_backward(None, (2, 2), "none"), np.ones((2, 2)))


def test_a_mean_over_nothing_is_nan_forwards_and_not_an_error_backwards():
    # torch: the mean of no elements is 0/0 = NaN; its gradient has no entries.
    assert np.isnan(reduce(np.zeros(0), "mean"))
    assert reduce_backward(None, (0,), "mean").shape == (0,)
    assert np.all(np.isinf(reduce_backward(None, (2,), "mean", denominator=0)))


@pytest.mark.parametrize(("grad_output", "reduction"), [(np.ones(3), "mean"), (np.ones((2,)), "none"), (np.ones((1, 2)), "sum")])
def test_a_grad_output_of_the_wrong_shape_is_named(grad_output, reduction):
    with pytest.raises(ValueError, match="grad_output"):
        reduce_backward(grad_output, (2, 2), reduction)


@pytest.mark.parametrize("grad_output", [[2.0], [[2.0]], np.full((1, 1, 1), 2.0), 2.0])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)], ids=str)
def test_a_one_element_grad_output_of_any_shape_is_the_scalar(grad_output, shape):
    """A reduced loss is a scalar; grad_output [2.0] (more dimensions than the loss) is 2 too."""
    np.testing.assert_array_equal(reduce_backward(grad_output, shape, "sum"), np.full(shape, 2.0))
    np.testing.assert_array_equal(reduce_backward(grad_output, (4,), "mean"), np.full(4, 0.5))


def test_pull_back_multiplies_the_local_derivative_by_each_losss_upstream():
    local = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(pull_back(local, None, "sum"), local)
    np.testing.assert_array_equal(pull_back(local, 3.0, "mean"), local / 2)  # 6 losses, grad_output 3
    # one loss per row, its upstream shared by the row's entries (axis=-1: the features)
    np.testing.assert_array_equal(pull_back(local, [10.0, -1.0], "none", axis=-1), [[10.0, 20.0, 30.0], [-4.0, -5.0, -6.0]])
    # ... or by a column's (axis=0), the mean dividing by the 3 losses
    np.testing.assert_allclose(pull_back(local, None, "mean", axis=0), local / 3, rtol=1e-15)
    with pytest.raises(ValueError, match="grad_output"):
        pull_back(local, [1.0, 2.0, 3.0], "none", axis=-1)


def test_pull_back_where_gives_exactly_0_to_the_losses_that_do_not_count():
    """torch's ignore_index: the mean divides by the counted losses; with none counted it is
    0/0 forwards, yet every gradient entry is 0, not NaN."""
    local = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    counts = np.array([True, False, True])
    np.testing.assert_array_equal(
        pull_back(local, None, "mean", axis=-1, denominator=2.0, where=counts), [[0.5, 0.5], [0.0, 0.0], [2.0, 2.0]]
    )
    none = pull_back(local, None, "mean", axis=-1, denominator=0.0, where=np.zeros(3, dtype=bool))
    np.testing.assert_array_equal(none, np.zeros((3, 2)))


def test_sum_to_adds_up_the_copies_a_broadcast_made():
    gradient = np.arange(12.0).reshape(2, 3, 2)
    np.testing.assert_array_equal(sum_to(gradient, (3, 2)), gradient.sum(axis=0))
    np.testing.assert_array_equal(sum_to(gradient, (2, 1, 2)), gradient.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(sum_to(gradient, (1, 2)), gradient.sum(axis=(0, 1)).reshape(1, 2))
    assert sum_to(gradient, ()) == gradient.sum()
    np.testing.assert_array_equal(sum_to(gradient, (2, 3, 2)), gradient)
