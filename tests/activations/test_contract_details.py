"""Bad input, the light import, extreme inputs and the softmax family's implicit dim."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from lossviz.activations import REGISTRY, logsigmoid, sigmoid, softmax, softplus

X = np.array([-1.0, 0.5, 2.0])
M = np.ones((2, 3))

# (call, error type, the argument the message must name)
BAD_INPUT = [
    (lambda: REGISTRY["sigmoid"]("abc"), TypeError, "input"),
    (lambda: REGISTRY["relu"]([True, False]), TypeError, "input"),
    (lambda: REGISTRY["tanh"]([[1.0, 2.0], [3.0]]), TypeError, "input"),
    (lambda: REGISTRY["softmax"](M, dim=2), ValueError, "dim"),
    (lambda: REGISTRY["log_softmax"](M, dim=-3), ValueError, "dim"),
    (lambda: REGISTRY["softmin"](X, dim=0.5), TypeError, "dim"),
    (lambda: REGISTRY["softmax"].jacobian(X, dim=1), ValueError, "dim"),
    (lambda: REGISTRY["celu"](X, alpha=0.0), ValueError, "alpha"),
    (lambda: REGISTRY["elu"](X, alpha=[1.0, 2.0]), TypeError, "alpha"),
    (lambda: REGISTRY["hardtanh"](X, min_val=2.0, max_val=1.0), ValueError, "min_val"),
    (lambda: REGISTRY["gelu"](X, approximate="erf"), ValueError, "approximate"),
    (lambda: REGISTRY["prelu"](M, np.array([0.1, 0.2])), ValueError, "weight"),
    (lambda: REGISTRY["prelu"](M, np.ones((3, 1))), ValueError, "weight"),
    (lambda: REGISTRY["prelu"](X, "slope"), TypeError, "weight"),
    (lambda: REGISTRY["glu"](np.ones(3)), ValueError, "dim"),
    (lambda: REGISTRY["glu"](1.0), ValueError, "input"),
    (lambda: REGISTRY["glu"](M, dim=3), ValueError, "dim"),
    (lambda: REGISTRY["softshrink"](X, lambd=-1.0), ValueError, "lambd"),
    (lambda: REGISTRY["rrelu"](X, lower=0.5, upper=0.1), ValueError, "lower"),
    (lambda: REGISTRY["softplus"](X, beta=0.0), ValueError, "beta"),
    (lambda: REGISTRY["leaky_relu"](X, negative_slope="a"), TypeError, "negative_slope"),
    (lambda: REGISTRY["threshold"](X, threshold=None, value=0.0), TypeError, "threshold"),
    (lambda: REGISTRY["threshold"](X, 0.0, value=float("nan")), ValueError, "value"),
    (lambda: REGISTRY["sigmoid"].grad(X, grad_output=np.ones(2)), ValueError, "grad_output"),
    (lambda: REGISTRY["softmax"].grad(M, dim=1, grad_output=np.ones(3)), ValueError, "grad_output"),
    (lambda: REGISTRY["glu"].grad(M, dim=0, grad_output=np.ones((2, 3))), ValueError, "grad_output"),
]


@pytest.mark.parametrize(("call", "error", "argument"), BAD_INPUT)
def test_bad_input_names_the_argument(call, error, argument):
    with pytest.raises(error, match=rf"\b{argument}\b"):
        call()


def test_import_does_not_load_torch():
    code = "import sys, lossviz.activations; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_activation_is_finite_at_the_extremes():
    """+-1e4 and +-1e2 give finite values and gradients, and no overflow warning."""
    x = np.array([1e4, -1e4, 1e2, -1e2, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, function in REGISTRY.items():
            args = (np.array([0.25]),) if name == "prelu" else ()
            kwargs = {"threshold": 0.0, "value": 1.0} if name == "threshold" else {}
            kwargs.update({"dim": 0} if name in ("softmax", "log_softmax", "softmin", "glu") else {})
            grad = function.grad(x, *args, **kwargs)
            for array in (function(x, *args, **kwargs), *(grad if name == "prelu" else (grad,))):
                assert np.all(np.isfinite(array)), name


def test_stable_forms_keep_tiny_values_by_hand():
    """Values a naive formula rounds to 0 or log(0), derived by hand from the series."""
    x = np.array([40.0, -800.0])
    # log sigmoid(40) = -log1p(e^-40) ~ -e^-40; sigmoid(-800) underflows but its log is -800
    np.testing.assert_allclose(logsigmoid(x), [-np.exp(-40.0), -800.0], rtol=1e-15)
    # softplus(-40) = log1p(e^-40) ~ e^-40 (naive log(1 + e^-40) gives 0)
    np.testing.assert_allclose(softplus(np.array([-40.0])), [np.exp(-40.0)], rtol=1e-15)
    # sigmoid'(40) = e^-40 / (1 + e^-40)^2: 1 - sigmoid(40) would round it to 0
    np.testing.assert_allclose(sigmoid.grad(np.array([40.0])), [np.exp(-40.0)], rtol=1e-14)
    np.testing.assert_allclose(REGISTRY["log_softmax"](np.array([1e4, -1e4]), dim=0), [0.0, -2e4])


@pytest.mark.parametrize(("shape", "dim"), [((), 0), ((4,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 2), 1)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_dim_none_follows_torchs_implicit_rule_and_warns(name, shape, dim):
    import torch
    import torch.nn.functional as F

    x = np.random.default_rng(0).standard_normal(shape)
    function = REGISTRY[name]
    with pytest.warns(UserWarning, match="Implicit dimension"):
        implicit = function(x)
    np.testing.assert_array_equal(implicit, function(x, dim=dim))
    with pytest.warns(UserWarning):
        theirs = getattr(F, name)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(implicit, theirs, rtol=1e-12)


def test_default_grad_output_is_ones():
    x = np.linspace(-3, 3, 7)
    for name in ("sigmoid", "gelu", "softplus", "hardswish"):
        np.testing.assert_array_equal(REGISTRY[name].grad(x), REGISTRY[name].grad(x, grad_output=np.ones(7)))
    np.testing.assert_allclose(softmax.grad(x, dim=0), np.zeros(7), atol=1e-16)  # sum of p is constant




def test_rrelu_training_draws_its_slopes_once_for_the_forward_and_grad():
    """training=True: one slope per entry, uniform in [lower, upper], from the documented
    seed; the same call gives the same slopes, so .grad differentiates the forward."""
    from lossviz.activations import rectifiers, rrelu

    x = np.linspace(-3.0, 2.0, 2001)
    out = rrelu(x, lower=0.1, upper=0.3, training=True)
    negative = x < 0
    slopes = out[negative] / x[negative]
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and np.ptp(slopes) > 0.15  # drawn, not fixed
    expected = np.random.default_rng(rectifiers.RRELU_SEED).uniform(0.1, 0.3, x.shape)
    np.testing.assert_allclose(slopes, expected[negative], rtol=1e-14)
    np.testing.assert_array_equal(out, rrelu(x, lower=0.1, upper=0.3, training=True))
    np.testing.assert_array_equal(out[~negative], x[~negative])
    grad = rrelu.grad(x, lower=0.1, upper=0.3, training=True)
    np.testing.assert_array_equal(grad[~negative & (x > 0)], 1.0)
    np.testing.assert_allclose(grad[negative], slopes, rtol=1e-14)
    np.testing.assert_array_equal(rrelu(x, training=False), rrelu(x))


def test_rrelu_training_passes_gradcheck():
    from lossviz.activations import rrelu
    from lossviz.check import gradcheck

    x = np.array([-2.0, -0.7, -0.2, 0.4, 1.3])
    weights = np.array([0.3, -1.0, 2.0, 0.5, 1.0])
    gradcheck(lambda v: np.sum(weights * rrelu(v, training=True)), x, rrelu.grad(x, training=True, grad_output=weights))


@pytest.mark.parametrize("call", ["forward", "grad"])
def test_rrelu_refuses_inplace_by_name(call):
    from lossviz.activations import rrelu

    function = rrelu if call == "forward" else rrelu.grad
    with pytest.raises(ValueError, match=r"^inplace=True is not supported"):
        function(X, inplace=True)
    with pytest.raises(TypeError, match=r"^training must be True or False"):
        function(X, training="yes")
