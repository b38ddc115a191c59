"""Small helpers for the chain-rule and backpropagation notebooks (02-04).

- ``complex_partial``: a partial derivative by complex step, vectorised, the anchor that
  every derivation in those notebooks starts from (``check_derivation`` then checks that
  each hand-written step equals the one before it).
- ``draw_graph``: a computational graph drawn with matplotlib, local gradients on the edges.
- ``layer_gradient_norms``: the norm of dL/dW per layer of a deep fully connected net,
  backpropagated by hand (the same steps as the 2-layer MLP of notebook 03, in a loop).

matplotlib and the losses are imported inside the functions that need them.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .check import RELATIVE_STEP, complex_step

__all__ = ["complex_partial", "draw_graph", "layer_gradient_norms"]

# Complex step: Im f(x + ih) / h = f'(x) + O(h**2) with no subtraction, hence no
# cancellation; any tiny h gives the derivative to machine precision.
COMPLEX_STEP = RELATIVE_STEP["complex"]


def complex_partial(f: Callable[..., Any], wrt: str) -> Callable[..., np.ndarray]:
    """``(**variables) -> df/d(wrt)`` by complex step, elementwise over numpy arrays.

    ``f`` takes keyword arguments (numpy-vectorised) and must be complex-safe: built from
    + - * /, powers, exp, log, tanh, sin... with no abs, comparisons or ``.real``.
    The result matches the exact derivative to about 1e-15 relative.
    """

    def partial(**variables: Any) -> np.ndarray:
        if wrt not in variables:
            raise ValueError(f"wrt={wrt!r} is not one of the variables {sorted(variables)}")
        point = np.asarray(variables[wrt], dtype=np.float64) + 1j * COMPLEX_STEP
        return complex_step(lambda z: f(**{**variables, wrt: z}), point, COMPLEX_STEP)

    partial.__name__ = f"d{getattr(f, '__name__', 'f')}_d{wrt}"
    return partial


def draw_graph(
    nodes: dict[str, tuple[float, float]],
    edges: Sequence[tuple[str, str] | tuple[str, str, str]],
    *,
    labels: dict[str, str] | None = None,
    ax: Any = None,
    title: str | None = None,
) -> tuple[Any, Any]:
    """Draw a computational graph; return ``(fig, ax)``.

    ``nodes``: name -> (x, y) position; a node shows ``labels[name]`` (mathtext allowed,
    e.g. ``"$w$"``) or its name. ``edges``: ``(source, target)`` or
    ``(source, target, label)``; the label (a local gradient such as
    ``r"$\\partial z/\\partial w = x$"``) is written at the middle of the arrow.
    """
    import matplotlib.pyplot as plt

    labels = labels or {}
    for edge in edges:
        for end in edge[:2]:
            if end not in nodes:
                raise ValueError(f"edge {edge[:2]} names {end!r}, which is not in nodes {sorted(nodes)}")
    if ax is None:
        from .plot import style

        with style():
            fig, ax = plt.subplots(figsize=(7, 2.6))
    else:
        fig = ax.figure
    box = {"boxstyle": "round,pad=0.35", "facecolor": "#f3f6fb", "edgecolor": "#4a6fa5"}
    texts = {
        name: ax.text(x, y, labels.get(name, name), ha="center", va="center", fontsize=12, bbox=box, zorder=3)
        for name, (x, y) in nodes.items()
    }
    for source, target, *label in edges:
        (x0, y0), (x1, y1) = nodes[source], nodes[target]
        # patchA/patchB clip the arrow at the boxes' edges, so its head stays visible;
        # zorder above the boxes so they are positioned before the arrow is clipped.
        arrow = {
            "arrowstyle": "-|>",
            "color": "#555555",
            "patchA": texts[source].get_bbox_patch(),
            "patchB": texts[target].get_bbox_patch(),
            "shrinkA": 1,
            "shrinkB": 1,
        }
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=arrow, zorder=4)
        if label:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, label[0], ha="center", va="bottom", fontsize=10, color="#b03a2e")
    xs, ys = zip(*nodes.values())
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig, ax


def layer_gradient_norms(
    activation: Any,
    *,
    depth: int = 20,
    width: int = 32,
    batch: int = 64,
    gain: float = 1.0,
    seed: int = 0,
    of: str = "weight",
) -> np.ndarray:
    """The gradient's norm at each layer ``l = 1..depth``, shape ``(depth,)``.

    ``of="weight"``: ``||dL/dW_l||`` (Frobenius), what the update of layer ``l`` sees;
    ``of="pre_activation"``: ``||dL/dz_l||``, the signal backpropagated to layer ``l``.
    They tell different stories when the forward pass grows too: with large weights
    ``dL/dz_l`` explodes towards the input while ``dL/dW_l = (dL/dz_l)^T a_{l-1}`` is
    huge at every layer alike.

    The net: ``a_0 = x`` (batch, width) standard normal; ``z_l = a_{l-1} W_l^T``;
    ``a_l = activation(z_l)``; ``L = mse_loss(a_depth, target)``, target standard normal.
    No biases: they would not change the picture. ``W_l`` (width, width) has entries
    ``N(0, gain**2 / width)``: gain 1 is LeCun's initialisation, ``sqrt(2)`` He's for ReLU.
    ``activation`` is a lossviz activation (called, and ``.grad(z, grad_output=...)``).

    Backward, per layer from the top: ``dL/dz_l = activation'(z_l) * dL/da_l``;
    ``dL/dW_l = (dL/dz_l)^T a_{l-1}``; ``dL/da_{l-1} = dL/dz_l W_l``.
    """
    from ._validate import one_of
    from .losses import mse_loss

    one_of("of", of, ("weight", "pre_activation"))
    for name, value in (("depth", depth), ("width", width), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not gain > 0:
        raise ValueError(f"gain must be positive, got {gain!r}")
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch, width))
    target = rng.standard_normal((batch, width))
    weights = [rng.standard_normal((width, width)) * gain / np.sqrt(width) for _ in range(depth)]
    inputs, pre_activations = [], []
    for w in weights:
        inputs.append(a)
        z = a @ w.T
        pre_activations.append(z)
        a = activation(z)
    grad = mse_loss.grad(a, target)
    norms = np.empty(depth)
    for layer in reversed(range(depth)):
        grad = activation.grad(pre_activations[layer], grad_output=grad)
        norms[layer] = np.linalg.norm(grad.T @ inputs[layer] if of == "weight" else grad)
        grad = grad @ weights[layer]
    return norms
