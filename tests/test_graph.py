"""lossviz.graph: the complex-step partial, the graph drawing, per-layer gradient norms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.activations import relu, sigmoid, tanh
from lossviz.graph import complex_partial, draw_graph, layer_gradient_norms

finite = st.floats(-5, 5, allow_nan=False)


@settings(max_examples=40)
@given(finite, finite)
def test_complex_partial_matches_the_exact_partials(x, y):
    f = lambda x, y: np.exp(x) * np.sin(y) + x**3 * y  # noqa: E731
    assert np.isclose(complex_partial(f, "x")(x=x, y=y), np.exp(x) * np.sin(y) + 3 * x**2 * y, rtol=1e-13, atol=1e-12)
    assert np.isclose(complex_partial(f, "y")(x=x, y=y), np.exp(x) * np.cos(y) + x**3, rtol=1e-13, atol=1e-12)


def test_complex_partial_is_elementwise_and_names_its_errors():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(complex_partial(lambda x: np.tanh(x), "x")(x=x), 1 / np.cosh(x) ** 2, rtol=1e-14)
    with pytest.raises(ValueError, match="wrt='w'"):
        complex_partial(lambda x: x, "w")(x=x)
    with pytest.raises(TypeError, match="complex-safe"):
        complex_partial(lambda x: np.abs(x), "x")(x=x)


def test_draw_graph_draws_one_box_per_node_and_one_arrow_per_edge():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nodes = {"w": (0, 1), "x": (0, -1), "z": (2, 0), "L": (4, 0)}
    fig, ax = draw_graph(nodes, [("w", "z", "$x$"), ("x", "z"), ("z", "L", "$2z$")], labels={"z": "$z = wx$"})
    fig.canvas.draw()  # arrows are clipped at draw time: this must not raise
    arrows = [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]
    texts = sorted(t.get_text() for t in ax.texts if t not in arrows)
    assert texts == sorted(["w", "x", "$z = wx$", "L", "$x$", "$2z$"])
    assert len(arrows) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="'y'"):
        draw_graph(nodes, [("w", "y")])


def torch_layer_gradient_norms(torch_activation, *, depth, width, batch, gain, seed):
    """The same net and loss, differentiated by torch autograd (the independent reference).

    Returns (||dL/dW_l||, ||dL/dz_l||) per layer.
    """
    rng = np.random.default_rng(seed)
    a = torch.tensor(rng.standard_normal((batch, width)))
    target = torch.tensor(rng.standard_normal((batch, width)))
    weights = [torch.tensor(rng.standard_normal((width, width)) * gain / np.sqrt(width), requires_grad=True) for _ in range(depth)]
    pre_activations = []
    for w in weights:
        z = a @ w.T
        z.retain_grad()
        pre_activations.append(z)
        a = torch_activation(z)
    torch.nn.functional.mse_loss(a, target).backward()
    return np.array([w.grad.norm().item() for w in weights]), np.array([z.grad.norm().item() for z in pre_activations])


@pytest.mark.parametrize(
    ("activation", "torch_activation", "gain"),
    [(sigmoid, torch.sigmoid, 1.0), (tanh, torch.tanh, 1.0), (tanh, torch.tanh, 3.0), (relu, torch.relu, 2**0.5), (relu, torch.relu, 3.0)],
)
def test_layer_gradient_norms_match_torch_autograd(activation, torch_activation, gain):
    options = {"depth": 6, "width": 5, "batch": 7, "gain": gain, "seed": 3}
    weight, pre_activation = torch_layer_gradient_norms(torch_activation, **options)
    ours = layer_gradient_norms(activation, **options)
    assert ours.shape == (6,)
    np.testing.assert_allclose(ours, weight, rtol=1e-10)
    np.testing.assert_allclose(layer_gradient_norms(activation, **options, of="pre_activation"), pre_activation, rtol=1e-10)


def test_sigmoid_gradients_vanish_with_depth_and_large_gains_explode():
    sig = layer_gradient_norms(sigmoid, depth=15)
    assert sig[0] < 1e-4 * sig[-1]  # sigma' <= 1/4 per layer
    chaotic = layer_gradient_norms(tanh, depth=15, gain=3.0)
    assert chaotic[0] > 100 * chaotic[-1]  # |W| grows the signal faster than tanh' shrinks it
    relu_signal = layer_gradient_norms(relu, depth=15, gain=3.0, of="pre_activation")
    assert relu_signal[0] > 1e3 * relu_signal[-1]  # each layer multiplies it by ~gain/sqrt(2)


@pytest.mark.parametrize("bad", [{"depth": 0}, {"width": 2.5}, {"batch": True}, {"gain": 0.0}, {"of": "bias"}])
def test_layer_gradient_norms_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        layer_gradient_norms(tanh, **bad)
