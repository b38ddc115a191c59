"""Each activation's ``.grad`` against finite differences (lossviz.check.gradcheck), away
from kinks, and the ``.jacobian`` of softmax, log_softmax, softmin and glu against
torch.autograd.functional.jacobian.

Independent of torch for the gradients: a second, numeric derivation of the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.activations import REGISTRY, celu, glu, hardsigmoid, log_softmax, softmax, softmin
from lossviz.check import gradcheck

# name -> (extra positional arguments, options, kinks); options away from the defaults
# where a default would hide a mistake (alpha = 1, lower == upper, ...).
OPTIONS = {
    "leaky_relu": ((), {"negative_slope": 0.2}, (0.0,)),
    "prelu": ((np.array([0.3, -0.2, 0.7]),), {}, (0.0,)),
    "rrelu": ((), {"lower": 0.1, "upper": 0.4}, (0.0,)),
    "elu": ((), {"alpha": 1.7}, (0.0,)),
    "celu": ((), {"alpha": 0.7}, (0.0,)),
    "hardtanh": ((), {"min_val": -2.0, "max_val": 0.5}, (-2.0, 0.5)),
    "threshold": ((), {"threshold": 0.3, "value": -1.0}, (0.3,)),
    "softshrink": ((), {"lambd": 0.8}, (-0.8, 0.8)),
    "hardshrink": ((), {"lambd": 0.8}, (-0.8, 0.8)),
    "softplus": ((), {"beta": 1.5, "threshold": 3.0}, (2.0,)),
    "relu": ((), {}, (0.0,)),
    "relu6": ((), {}, (0.0, 6.0)),
    "selu": ((), {}, (0.0,)),
    "softsign": ((), {}, (0.0,)),
    "hardsigmoid": ((), {}, (-3.0, 3.0)),
    "hardswish": ((), {}, (-3.0, 3.0)),
    "softmax": ((), {"dim": 1}, ()),
    "log_softmax": ((), {"dim": 0}, ()),
    "softmin": ((), {"dim": -1}, ()),
    "glu": ((), {"dim": 2}, ()),
}
CASES = [(name, approximate) for name in sorted(REGISTRY) for approximate in (("none", "tanh") if name == "gelu" else (None,))]


def _away_from(x: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """Move entries within 0.05 of a kink 0.1 away, so the difference quotients see one piece."""
    for kink in kinks:
        x = np.where(np.abs(x - kink) < 0.05, kink + 0.1, x)
    return x


@pytest.mark.parametrize(("name", "approximate"), CASES)
def test_grad_matches_finite_differences(name, approximate):
    function = REGISTRY[name]
    args, options, kinks = OPTIONS.get(name, ((), {}, ()))
    if approximate:
        options = {"approximate": approximate}
    rng = np.random.default_rng(sum(map(ord, name)))
    x = _away_from(rng.uniform(-7, 7, (2, 3, 4)), kinks)
    weights = rng.standard_normal(np.shape(function(x, *args, **options)))

    def weighted_sum(x):
        return np.sum(weights * function(x, *args, **options))

    grad = function.grad(x, *args, grad_output=weights, **options)
    gradcheck(weighted_sum, x, grad[0] if name == "prelu" else grad)


def test_prelu_weight_grad_matches_finite_differences():
    rng = np.random.default_rng(5)
    x = _away_from(rng.uniform(-3, 3, (4, 3, 2)), (0.0,))
    weights = rng.standard_normal(x.shape)
    slopes = np.array([0.3, -0.2, 0.7])
    _, weight_grad = REGISTRY["prelu"].grad(x, slopes, grad_output=weights)
    gradcheck(lambda w: np.sum(weights * REGISTRY["prelu"](x, w)), slopes, weight_grad)


def test_celu_gradient_beats_torchs_float32_reciprocal():
    """torch's celu backward uses 1 / float32(alpha): at alpha = 0.7, x = -50 its
    gradient is ~1e-6 relative off; lossviz returns e^{x/alpha} to rounding."""
    import torch
    import torch.nn.functional as F

    x = np.array([-50.0, -5.0, -0.3])
    ours = celu.grad(x, alpha=0.7)
    exact = np.exp(x / 0.7)
    np.testing.assert_allclose(ours, exact, rtol=1e-14)
    tensor = torch.tensor(x, requires_grad=True)
    F.celu(tensor, alpha=0.7).sum().backward()
    assert np.max(np.abs(tensor.grad.numpy() / exact - 1)) > 1e-7  # torch's quirk is still there


def test_hardsigmoid_slope_is_exactly_one_sixth():
    """torch returns float32(1/6) = 0.16666667163... here; the derivative is 1/6."""
    assert hardsigmoid.grad(np.array([0.0, 1.5, -2.9]))[0] == 1 / 6


# --------------------------------------------------------------------------- jacobians

JACOBIANS = [(softmax, "softmax"), (log_softmax, "log_softmax"), (softmin, "softmin")]


@pytest.mark.parametrize(("function", "name"), JACOBIANS)
@pytest.mark.parametrize(("shape", "dim"), [((), 0), ((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -2), ((2, 1, 3), 2)])
def test_jacobian_matches_torch_autograd(function, name, shape, dim):
    import torch
    import torch.nn.functional as F

    x = np.random.default_rng(len(shape) + dim).normal(0, 3, shape)
    theirs = torch.autograd.functional.jacobian(lambda t: getattr(F, name)(t, dim=dim), torch.tensor(x)).numpy()
    ours = function.jacobian(x, dim=dim)
    assert ours.shape == shape + shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-16)


@pytest.mark.parametrize(("shape", "dim"), [((4,), 0), ((3, 2), -1), ((2, 4, 3), 1), ((2, 1, 2), 2)])
def test_glu_jacobian_matches_torch_autograd(shape, dim):
    import torch
    import torch.nn.functional as F

    x = np.random.default_rng(len(shape) + dim).normal(0, 3, shape)
    theirs = torch.autograd.functional.jacobian(lambda t: F.glu(t, dim=dim), torch.tensor(x)).numpy()
    ours = glu.jacobian(x, dim=dim)
    assert ours.shape == glu(x, dim=dim).shape + shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-16)


@pytest.mark.parametrize("function", [softmax, log_softmax, softmin, glu])
def test_jacobian_transpose_times_grad_output_is_grad(function):
    """The two derivative APIs agree: J^T g == .grad(grad_output=g)."""
    rng = np.random.default_rng(3)
    x = rng.normal(0, 2, (2, 4, 3))
    g = rng.standard_normal(function(x, dim=1).shape)
    jacobian = function.jacobian(x, dim=1)
    np.testing.assert_allclose(np.tensordot(g, jacobian, axes=3), function.grad(x, dim=1, grad_output=g), rtol=1e-12, atol=1e-15)
