"""lossviz.data: seeded, shaped as documented, and shaped like the claim in each docstring."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import data

MAKERS = [data.line, data.blobs, data.moons, data.regression]


@pytest.mark.parametrize("make", MAKERS)
def test_same_seed_same_data_other_seed_other_data(make):
    first, second, other = make(seed=3), make(seed=3), make(seed=4)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_line_follows_its_slope_and_appends_the_outlier():
    x, y = data.line(400, slope=-3.0, intercept=2.0, noise=0.1, seed=1)
    slope, intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(-3.0, abs=0.1) and intercept == pytest.approx(2.0, abs=0.1)
    x, y = data.line(10, outlier=(0.5, 40.0))
    assert x.shape == y.shape == (11,) and (x[-1], y[-1]) == (0.5, 40.0)


def test_blobs_labels_cycle_through_the_centres():
    points, labels = data.blobs(90, centers=3, spread=0.1, seed=0)
    assert points.shape == (90, 2) and set(labels) == {0, 1, 2}
    centres = np.array([points[labels == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, atol=0.1)


def test_moons_have_two_balanced_classes():
    points, labels = data.moons(100)
    assert points.shape == (100, 2) and np.bincount(labels).tolist() == [50, 50]


def test_regression_shapes():
    inputs, targets = data.regression(50, features=4)
    assert inputs.shape == (50, 4) and targets.shape == (50,)
    assert np.all(np.abs(inputs) <= 2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: data.line(0), ValueError, "n must be >= 1"),
        (lambda: data.line(2.5), TypeError, "n must be an int"),
        (lambda: data.line(5, noise=-0.1), ValueError, "noise must be >= 0"),
        (lambda: data.line(5, outlier=(1.0, 2.0, 3.0)), ValueError, r"outlier must be one point \(x, y\)"),
        (lambda: data.line(5, seed=-1), ValueError, "seed must be a non-negative int"),
        (lambda: data.blobs(10, centers=0), ValueError, "centers must be >= 1"),
        (lambda: data.blobs(10, dim=1), ValueError, "dim must be >= 2"),
        (lambda: data.blobs(10, spread=float("nan")), ValueError, "spread must be >= 0"),
        (lambda: data.moons(1), ValueError, "n must be >= 2"),
        (lambda: data.regression(10, features=0), ValueError, "features must be >= 1"),
        (lambda: data.regression(10, seed=1.5), ValueError, "seed must be a non-negative int"),
    ],
)
def test_bad_counts_and_scales_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
