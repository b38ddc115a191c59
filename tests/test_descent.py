"""lossviz.descent against torch.optim, which implements the same three update rules."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lossviz import losses
from lossviz.descent import descend, fit_line, run_descent

# An ill-conditioned quadratic: every method shows its character on it.
SCALES = np.array([1.0, 10.0])


def loss(w):
    return 0.5 * float(np.sum(SCALES * w**2))


def grad(w):
    return SCALES * w


def torch_path(optimizer_class, steps, **options):
    w = torch.tensor([1.5, -0.8], dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([w], **options)
    points = [w.detach().clone().numpy()]
    for _ in range(steps):
        optimizer.zero_grad()
        (0.5 * torch.sum(torch.as_tensor(SCALES) * w**2)).backward()
        optimizer.step()
        points.append(w.detach().clone().numpy())
    return np.array(points)


@pytest.mark.parametrize(
    ("method", "optimizer_class", "options"),
    [
        ("sgd", torch.optim.SGD, {}),
        ("momentum", torch.optim.SGD, {"momentum": 0.9}),
        ("adam", torch.optim.Adam, {"betas": (0.9, 0.999), "eps": 1e-8}),
    ],
)
def test_each_method_follows_torch_optim(method, optimizer_class, options):
    path = descend(loss, grad, [1.5, -0.8], lr=0.05, steps=30, method=method)
    expected = torch_path(optimizer_class, 30, lr=0.05, **options)
    np.testing.assert_allclose(path.points, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(path.losses, [loss(w) for w in expected], rtol=1e-12)


def test_too_large_a_learning_rate_diverges_and_stops_at_the_first_non_finite_step():
    # On 0.5 * 10 w^2 plain descent multiplies w by (1 - 10 lr) each step: lr=0.3 gives -2.
    path = descend(loss, grad, [0.0, 1.0], lr=0.3, steps=2000)
    assert path.diverged
    finite = np.isfinite(path.losses)
    assert not finite.all() and finite[: np.argmin(finite)].all()
    np.testing.assert_allclose(path.points[1:4, 1], [-2.0, 4.0, -8.0])


def test_a_good_learning_rate_converges():
    path = descend(loss, grad, [1.5, -0.8], lr=0.09, steps=200)
    assert not path.diverged and path.losses[-1] < 1e-12


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"lr": -0.1, "steps": 3}, ValueError, "lr"),
        ({"lr": 0.1, "steps": -1}, ValueError, "steps"),
        ({"lr": 0.1, "steps": 2.5}, ValueError, "steps"),
        ({"lr": 0.1, "steps": 3, "method": "rmsprop"}, ValueError, "method"),
        ({"lr": float("nan"), "steps": 3}, ValueError, "lr"),
        ({"lr": 0.1, "steps": 3, "method": "momentum", "momentum": 1.5}, ValueError, "momentum"),
        ({"lr": 0.1, "steps": 3, "method": "momentum", "momentum": 1.0}, ValueError, r"momentum must lie in \[0, 1\)"),
        ({"lr": 0.1, "steps": 3, "betas": (0.9, 1.0)}, ValueError, r"betas\[1\]"),
        ({"lr": 0.1, "steps": 3, "eps": 0.0}, ValueError, "eps"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, argument):
    with pytest.raises(error, match=argument):
        descend(loss, grad, [1.0, 1.0], **kwargs)


def test_a_non_numeric_start_is_named():
    with pytest.raises(TypeError, match="start"):
        descend(loss, grad, ["a", "b"], lr=0.1, steps=3)


def test_run_descent_is_momentum_sgd_when_sgd_has_momentum():
    def square(w):
        return float(w**2)

    def slope(w):
        return 2 * w

    plain = run_descent(square, slope, lr=0.05, momentum=0.0, steps=10, start=1.0, method="sgd")
    with_momentum = run_descent(square, slope, lr=0.05, momentum=0.9, steps=10, start=1.0, method="sgd")
    np.testing.assert_allclose(with_momentum.points, descend(square, slope, 1.0, lr=0.05, steps=10, method="momentum", momentum=0.9).points)
    assert not np.allclose(plain.points, with_momentum.points)


def test_fit_line_matches_least_squares_and_the_l1_optimum():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 1, 15))
    y = 2 * x + 1 + 0.3 * rng.standard_normal(15)
    y[-1] += 10  # an outlier
    np.testing.assert_allclose(fit_line(losses.mse_loss, x, y), np.polyfit(x, y, 1), rtol=1e-9)
    slope, intercept = fit_line(losses.l1_loss, x, y)
    # An L1 line passes through two data points: the best such pair is the optimum.
    best = min(np.abs(y - ((y[j] - y[i]) / (x[j] - x[i]) * (x - x[i]) + y[i])).sum() for i in range(15) for j in range(i + 1, 15))
    assert np.abs(y - (slope * x + intercept)).sum() == pytest.approx(best, rel=1e-7)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((losses.mse_loss, [0.0, 1.0], [1.0, 2.0, 3.0]), ValueError, "x and y must be 1-D of one length"),
        ((losses.mse_loss, [1.0], [1.0]), ValueError, "n >= 2"),
        ((losses.mse_loss, [1.0, 1.0], [0.0, 2.0]), ValueError, "x must not be constant"),
        ((np.square, [0.0, 1.0], [0.0, 1.0]), TypeError, "loss must be a lossviz loss with .grad"),
        ((losses.mse_loss, ["a", "b"], [0.0, 1.0]), TypeError, "x must be an array of real numbers"),
    ],
)
def test_fit_line_names_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        fit_line(*args)
