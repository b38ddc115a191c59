"""The fast check: u^T J v along random directions (``vjpcheck``, ``gradcheck(fast=True)``),
in a handful of evaluations, under the same never-vouch-blindly rules as the full check.
The vector-Jacobian products checked are torch's where torch has them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.functions import counted
from lossviz.activations import log_softmax, softmax, tanh
from lossviz.check import CannotJudgeError, GradientCheckError, InputChangedError, gradcheck, vjpcheck
from lossviz.losses import mse_loss

from . import check_mutations as suite


def test_a_million_entries_in_six_evaluations():
    x = np.random.default_rng(0).standard_normal(1_000_000)
    f = counted(np.tanh)
    report = vjpcheck(f, x, lambda x, u: u * (1 - np.tanh(x) ** 2))
    assert report.passed and report.probes and report.evaluations == f.calls == 2 + 2 * 2
    assert "PASSED along 2 random directions (u^T J v)" in str(report)
    with pytest.raises(GradientCheckError, match="FAILED along 2 of 2 random directions"):
        vjpcheck(np.tanh, x, lambda x, u: u * (1 - np.tanh(x)))


@pytest.mark.parametrize("method", ["central", "forward", "complex"])
def test_fast_gradcheck_of_a_scalar_function(method):
    x = np.linspace(-2, 3, 5000)
    f = lambda v: np.sum(v * np.exp(-v))  # noqa: E731
    grad = lambda v: (1 - v) * np.exp(-v)  # noqa: E731
    report = gradcheck(f, x, grad, fast=True, method=method)
    assert report.passed and report.evaluations <= 8
    for wrong in (lambda v: (1 + v) * np.exp(-v), lambda v: 1.001 * grad(v)):
        with pytest.raises(GradientCheckError) as caught:
            gradcheck(f, x, wrong, fast=True, method=method)
        assert not isinstance(caught.value, CannotJudgeError)
    with pytest.raises(ValueError, match="entries chooses entries for a full check"):
        gradcheck(f, x, grad, fast=True, entries=10)


@pytest.mark.parametrize(
    ("function", "options", "torch_function"),
    [
        (softmax, {"dim": 1}, lambda t: torch.softmax(t, dim=1)),
        (log_softmax, {"dim": 0}, lambda t: torch.log_softmax(t, dim=0)),
        (tanh, {}, torch.tanh),
    ],
)
def test_the_vjps_of_activations_agree_with_the_check_and_with_torch(function, options, torch_function):
    x = np.random.default_rng(1).standard_normal((40, 30))
    vjp = lambda v, u: function.grad(v, grad_output=u, **options)  # noqa: E731
    assert vjpcheck(lambda v: function(v, **options), x, vjp, probes=4).passed
    # the same vector-Jacobian product by torch autograd
    u = np.random.default_rng(2).standard_normal(x.shape)
    x_t = torch.tensor(x, requires_grad=True)
    (reference,) = torch.autograd.grad(torch_function(x_t), x_t, torch.tensor(u))
    np.testing.assert_allclose(vjp(x, u), reference.numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(GradientCheckError):
        vjpcheck(lambda v: function(v, **options), x, lambda v, u: 1.001 * vjp(v, u))


def test_a_loss_with_a_vector_output():
    input, target = np.random.default_rng(3).standard_normal((2, 500))
    f = lambda v: mse_loss(v, target, reduction="none")  # noqa: E731
    assert vjpcheck(f, input, lambda v, u: mse_loss.grad(v, target, reduction="none", grad_output=u)).passed
    with pytest.raises(GradientCheckError):  # the mean's 1/N where there is none
        vjpcheck(f, input, lambda v, u: mse_loss.grad(v, target, reduction="none", grad_output=u) / 500)


def test_the_never_vouch_rules_hold_in_fast_mode():
    x = np.random.default_rng(4).standard_normal(50)
    rng = np.random.default_rng(5)
    with pytest.raises(ValueError, match="f is not deterministic"):
        gradcheck(lambda v: np.sum(v**2) + 1e-2 * rng.standard_normal(), x, 2 * x, fast=True)
    with pytest.raises(CannotJudgeError, match="CANNOT JUDGE 2 of 2 random directions"):
        gradcheck(lambda v: 1e6 + 1e-7 * np.sum(v**2) / 2, x, 1e-7 * x, fast=True)

    def zeroing(v):
        v[:] = 0.0
        return v

    with pytest.raises(InputChangedError):
        vjpcheck(zeroing, x, lambda v, u: np.zeros_like(v))
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"f\(x\) is not finite"):
        vjpcheck(lambda v: np.log(v - 10), x, lambda v, u: u / (v - 10))
    with pytest.raises(TypeError, match="f returned None"):
        vjpcheck(lambda v: None, x, lambda v, u: u)
    with pytest.raises(ValueError, match="x is empty"):
        vjpcheck(np.tanh, [], lambda v, u: u)
    with pytest.raises(ValueError, match="probes must be a positive int"):
        vjpcheck(np.tanh, x, lambda v, u: u, probes=0)


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3, 1e5])
def test_fast_mode_on_the_mutation_suite(scale):
    # Two random directions catch nearly every wrong gradient of the mutation suite and
    # raise no false alarm on the right ones. What slips through is what a projection can
    # dilute below forward differences' rtol of 1e-4 (one entry 0.1-1% wrong among 10-50,
    # a small offset), or, rarely, leave undecided (the full check catches all of them).
    counts = suite.run(mutation_scales=(scale,), scales=(scale,), fast=True)
    print(counts, *counts.missed, sep="\n")
    assert counts.false_alarms == []
    assert counts.caught >= 0.99 * counts.mutation_checks >= 990
    assert all(label.endswith("/ forward") or label.endswith("cannot judge") for label in counts.missed)
