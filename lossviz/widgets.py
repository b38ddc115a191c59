"""Explorers: ipywidgets whose figure answers a slider at once.

Each ``*_explorer(...)`` returns a ``lossviz.explorer.Explorer`` (controls, an error line
and the figure as a PNG); ``explorer.update(name=value, ...)`` does what moving a control
does. A slider event runs one way: the explorer asks ``lossviz.views`` for the numbers
(which calls the loss in ``lossviz.losses``), and the ``lossviz.plot`` artists draw them.

Every explorer is self-contained: it checks its starting values as its sliders do
(a ValueError naming the parameter for a value outside the range, a TypeError for a
non-number), and the functions it is given keep the data they read when it was made
(``lossviz.explorer.by_value``), so a later notebook cell cannot change or break it.

Examples
--------
>>> explorer = loss_explorer("huber_loss", delta=2.0)
>>> list(explorer.controls)
['name', 'prediction', 'target', 'delta']
>>> explorer.update(prediction=3.0)
>>> explorer.figure.axes[1].lines[-1].get_ydata()  # Huber's slope is clipped at delta
array([2.])
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory

from . import activations, data, losses, plot, views
from .check import fd_error
from .descent import METHODS, fit_line, run_descent
from .explorer import READOUT_X, Explorer, Scene, by_value, dropdown, figure, log_slider, readout, rescale, slider
from .explorer import _on_grid as _grid_step

__all__ = [
    "Explorer",
    "PARAMETER_RANGES",
    "REQUIRED_DEFAULTS",
    "CHOICES",
    "LABELS",
    "parameter_controls",
    "explorable_losses",
    "explorable_activations",
    "loss_explorer",
    "activation_explorer",
    "descent_explorer",
    "outlier_explorer",
    "hinge_margin_explorer",
    "focal_explorer",
    "softmax_explorer",
    "box_explorer",
    "margin_explorer",
    "finite_difference_explorer",
]

# Slider range (low, high) per parameter name; (function name, parameter) overrides.
PARAMETER_RANGES: dict[Any, tuple[float, float]] = {
    "delta": (0.1, 3.0),
    "beta": (0.1, 3.0),
    "margin": (0.0, 3.0),
    "gamma": (0.0, 5.0),
    "alpha": (0.0, 3.0),
    ("sigmoid_focal_loss", "alpha"): (0.0, 1.0),
    ("celu", "alpha"): (0.1, 3.0),  # celu divides by alpha
    # rrelu needs lower <= upper: ranges that meet at 0.25 keep every pair valid.
    ("rrelu", "lower"): (0.0, 0.25),
    ("rrelu", "upper"): (0.25, 1.0),
    "label_smoothing": (0.0, 0.5),
    "quantile": (0.01, 0.99),
    "negative_slope": (0.0, 0.5),
    "lambd": (0.0, 2.0),
    "min_val": (-3.0, 0.0),
    "max_val": (0.0, 3.0),
    "lower": (0.0, 1.0),
    "upper": (0.0, 1.0),
    "weight": (0.0, 1.0),
    "var": (0.1, 4.0),
    "threshold": (-3.0, 3.0),
    "value": (-3.0, 3.0),
}
# Starting values of parameters that have no default (prelu's weight, gaussian_nll_loss's var).
REQUIRED_DEFAULTS = {"weight": 0.25, "var": 1.0, "threshold": 1.0, "value": 0.0}
CHOICES = {"approximate": ("none", "tanh")}

# What each control is called on screen, and what its tooltip says.
LABELS: dict[str, tuple[str, str]] = {
    "prediction": ("prediction x", "the point marked on both curves"),
    "input": ("input x", "the point marked on both curves"),
    "target": ("target y", "what the prediction is compared with"),
    "delta": ("delta δ", "where the quadratic part turns linear"),
    "beta": ("beta β", "the width of the smooth part"),
    "margin": ("margin", "how far past the boundary a score must be to cost nothing"),
    "gamma": ("focusing γ", "how strongly confident, correct examples are down-weighted"),
    "alpha": ("alpha α", "the weight of the positive class (focal) or the scale (elu, celu)"),
    "label_smoothing": ("label smoothing ε", "the share of the target spread over all classes"),
    "quantile": ("quantile τ", "under-prediction costs τ, over-prediction 1 - τ"),
    "negative_slope": ("slope for x < 0", "leaky_relu's slope on the negative side"),
    "lambd": ("threshold λ", "values within ±λ are shrunk to 0"),
    "min_val": ("lower end", "hardtanh's lower clip"),
    "max_val": ("upper end", "hardtanh's upper clip"),
    "lower": ("lowest slope", "rrelu's smallest slope for x < 0"),
    "upper": ("highest slope", "rrelu's largest slope for x < 0"),
    "weight": ("slope a for x < 0", "prelu's learned slope"),
    "var": ("variance v", "the predicted variance of the Gaussian (σ is the sigmoid in this course)"),
    "threshold": ("threshold", "inputs at or below it are replaced"),
    "value": ("replacement", "what inputs at or below the threshold become"),
    "approximate": ("approximation", "exact erf, or the tanh formula"),
    "lr": ("learning rate η", "the step: w ← w - η dL/dw"),
    "momentum": ("momentum μ", "the share of the last step kept (0: plain descent)"),
    "steps": ("steps", "how many updates"),
    "start": ("start w₀", "the first weight"),
    "method": ("method", "the update rule"),
    "outlier_x": ("outlier x", "where the outlier sits along x"),
    "outlier_y": ("outlier y", "how far the outlier is from the line"),
    "z0": ("logit z₀", "the score of class 0"),
    "z1": ("logit z₁", "the score of class 1"),
    "z2": ("logit z₂", "the score of class 2"),
    "temperature": ("temperature T", "the logits are divided by T"),
    "cx": ("centre x", "the predicted box's centre"),
    "cy": ("centre y", "the predicted box's centre"),
    "width": ("width", "the predicted box's width"),
    "height": ("height", "the predicted box's height"),
    "function": ("function f", "whose derivative is estimated"),
    "x0": ("point x₀", "where the derivative is estimated"),
    "h": ("step h", "the finite-difference step"),
    "angle": ("direction of w (°)", "the angle of the weight vector w; the boundary is at right angles to it"),
    "bias": ("bias b", "moves the boundary w·x + b = 0 along w"),
    "norm": ("length |w|", "the margin lines w·x + b = ±1 lie 1/|w| from the boundary"),
}


def _words(name: str) -> dict[str, str]:
    label, tooltip = LABELS.get(name, (name.replace("_", " "), name))
    return {"label": label, "tooltip": tooltip}


def _readable(value: Any) -> str:
    return plot._plain(value, 3) if isinstance(value, (float, np.floating)) else str(value)


# --------------------------------------------------------------------------- loss and activation


def _parameter_specs(function: Any, given: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """name -> (start, range or choices) for each parameter of ``function``'s view that gets a control."""
    specs: dict[str, tuple[Any, Any]] = {}
    for name, parameter in views.parameters(function).items():
        default = REQUIRED_DEFAULTS.get(name) if parameter.default is inspect.Parameter.empty else parameter.default
        if name in CHOICES and default in CHOICES[name]:
            specs[name] = (given.get(name, default), CHOICES[name])
            continue
        bounds = PARAMETER_RANGES.get((function.name, name), PARAMETER_RANGES.get(name))
        numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
        if bounds is not None and numeric and bounds[0] <= default <= bounds[1]:
            specs[name] = (given.get(name, float(default)), bounds)
    return specs


def parameter_controls(function: Any, given: Mapping[str, Any]) -> dict[str, widgets.Widget]:
    """Sliders (and choices) for the parameters ``function``'s view leaves free.

    A parameter gets a slider when ``PARAMETER_RANGES`` has a range for its name that holds
    its default (or its ``REQUIRED_DEFAULTS`` value); ``given`` overrides starting values.

    Parameters
    ----------
    function : Function
        A loss or activation with a view.
    given : mapping of str to value
        Starting values.

    Returns
    -------
    dict of str to Widget

    Raises
    ------
    ValueError, TypeError
        For a starting value outside its range or not a number (named).

    Examples
    --------
    >>> list(parameter_controls(losses.huber_loss, {"delta": 2.0}))
    ['delta']
    """
    controls: dict[str, widgets.Widget] = {}
    for name, (start, bounds) in _parameter_specs(function, given).items():
        if isinstance(bounds[0], str):
            controls[name] = dropdown(name, start, bounds, **_words(name))
        else:
            controls[name] = slider(name, start, *bounds, snap=name not in given, **_words(name))
    return controls


def _required(function: Any) -> dict[str, Any]:
    return {
        name: REQUIRED_DEFAULTS[name]
        for name, parameter in views.parameters(function).items()
        if parameter.default is inspect.Parameter.empty and name in REQUIRED_DEFAULTS
    }


def explorable_losses() -> list[str]:
    """Registered losses with a view as a function of one scalar prediction, in the course's order.

    Examples
    --------
    >>> explorable_losses()[:2]
    ['mse_loss', 'l1_loss']
    """
    return views.viewable(losses.REGISTRY)


def explorable_activations() -> list[str]:
    """Registered elementwise activations (``softmax`` and the like act along a dimension).

    Examples
    --------
    >>> "softmax" in explorable_activations(), "gelu" in explorable_activations()
    (False, True)
    """
    return views.viewable(activations.REGISTRY)


def _function_scene(registry: Mapping[str, Any], point: str) -> Scene:
    """f and f' of the chosen function, with the value and slope at ``point`` marked and printed."""
    fig, axes = figure(2)
    drawing = plot.FunctionPlot(axes)
    (value_dot,) = axes[0].plot([], [], "o", color="black", markersize=6, zorder=4)
    (grad_dot,) = axes[1].plot([], [], "o", color="black", markersize=6, zorder=4)
    numbers = readout(fig)

    def draw(name: str, **values: Any) -> None:
        at = values.pop(point)
        shown = views.view(registry[name], **{**_required(registry[name]), **values})
        drawing.show(shown)
        if axes[0].get_title() != name:
            drawing.label(shown, title=name)
        y, dy = shown.value(np.array([at])), shown.derivative(np.array([at]))
        value_dot.set_data([at], y)
        grad_dot.set_data([at], dy)
        rows = [(key, _readable(value)) for key, value in values.items()]
        rows += [("", ""), ("x", _readable(at)), ("f(x)", _readable(y[0])), ("f'(x)", _readable(dy[0]))]
        width = max(len(key) for key, _ in rows)
        numbers.set_text("\n".join(f"{key:<{width}s} {value}".rstrip() for key, value in rows))
        for ax in axes:
            ax.set_xlim(shown.x[0], shown.x[-1])
            rescale(ax)

    return Scene(fig, draw, lambda: [*drawing.artists, value_dot, grad_dot, numbers], lambda values: values["name"])


def _function_explorer(
    registry: Mapping[str, Any],
    names: list[str],
    name: str,
    point: str,
    params: dict[str, Any],
    first_controls: Callable[[str, dict[str, Any]], dict[str, widgets.Widget]],
    rows: int,
    what: str,
) -> Explorer:
    if name not in names:
        raise ValueError(f"name must be one of {names}, got {name!r}")
    chooser = dropdown("name", name, names, label=what, tooltip=f"which {what} (in the course's order)")
    per_name: dict[str, dict[str, widgets.Widget]] = {}

    def controls_for(values: dict[str, Any]) -> dict[str, widgets.Widget]:
        chosen = chooser.value
        if chosen not in per_name:  # remembered, so switching back restores the sliders
            given = params if chosen == name else {}
            per_name[chosen] = {"name": chooser, **first_controls(chosen, given)}
        return per_name[chosen]

    explorer = Explorer(lambda: _function_scene(registry, point), controls_for, rows=rows, title=f"{what} explorer: {name}")
    unknown = set(params) - set(explorer.controls)
    if unknown:
        raise TypeError(f"{name} has no control named {', '.join(sorted(unknown))}; the controls are {', '.join(explorer.controls)}")
    return explorer


def _loss_specs(function: Any) -> tuple[views.Kind, int]:
    kind = views.kind_of(function)
    return kind, 2 + (kind.target is not None) + len(_parameter_specs(function, {}))


def loss_explorer(name: str = "huber_loss", **params: Any) -> Explorer:
    """A loss of one prediction for a fixed target, and its derivative, with the loss's own parameters.

    Parameters
    ----------
    name : str, default "huber_loss"
        Any loss with a view (``explorable_losses()``, listed in the course's order).
    **params
        Starting values: ``prediction`` (the point marked on both curves), ``target``
        (where the loss has one) and the loss's parameters (delta, beta, margin, gamma,
        alpha, label_smoothing, quantile...).

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For an unknown loss, or a starting value outside its slider's range.
    TypeError
        For a control the loss does not have, or a value that is not a number.

    Examples
    --------
    >>> loss_explorer("huber_loss", delta=-1)
    Traceback (most recent call last):
    ...
    ValueError: delta=-1 is outside the slider's range [0.1, 3]
    """

    def first_controls(chosen: str, given: dict[str, Any]) -> dict[str, widgets.Widget]:
        function = losses.REGISTRY[chosen]
        kind = views.kind_of(function)
        low, high = kind.x
        step = _grid_step("prediction", low, low, high)
        start = given.get("prediction", round(low + step * round(0.7 * (high - low) / step), 12))
        controls = {"prediction": slider("prediction", start, low, high, **_words("prediction"))}
        if isinstance(kind.target, tuple) and len(kind.target) == 2 and isinstance(kind.target[0], float):
            controls["target"] = slider("target", given.get("target", kind.default_target), *kind.target, **_words("target"))
        elif kind.target is not None:
            controls["target"] = dropdown("target", given.get("target", int(kind.default_target)), kind.target, **_words("target"))
        return {**controls, **parameter_controls(function, given)}

    names = explorable_losses()
    rows = max(_loss_specs(losses.REGISTRY[each])[1] for each in names)
    return _function_explorer(losses.REGISTRY, names, name, "prediction", params, first_controls, rows, "loss")


def activation_explorer(name: str = "sigmoid", **params: Any) -> Explorer:
    """An activation and its derivative with the saturated (flat) regions shaded, and its parameters.

    Parameters
    ----------
    name : str, default "sigmoid"
        Any elementwise activation (``explorable_activations()``).
    **params
        Starting values: ``input`` (the point marked on both curves) and the activation's
        parameters (negative_slope, alpha, beta, approximate...).

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For an unknown activation, or a starting value outside its slider's range.
    TypeError
        For a control the activation does not have.

    Examples
    --------
    >>> explorer = activation_explorer("leaky_relu", negative_slope=0.2, input=-1.0)
    >>> explorer.figure.axes[0].lines[-1].get_ydata()
    array([-0.2])
    """

    def first_controls(chosen: str, given: dict[str, Any]) -> dict[str, widgets.Widget]:
        function = activations.REGISTRY[chosen]
        return {"input": slider("input", given.get("input", 1.0), -7.0, 7.0, **_words("input")), **parameter_controls(function, given)}

    names = explorable_activations()
    rows = 2 + max(len(_parameter_specs(activations.REGISTRY[each], {})) for each in names)
    return _function_explorer(activations.REGISTRY, names, name, "input", params, first_controls, rows, "activation")


# --------------------------------------------------------------------------- gradient descent


def _squared_weight(w: np.ndarray) -> float:
    """``mse_loss(w, 0)``: the one-weight loss of notebook 02, minimum at 0, diverges for lr > 1."""
    return float(losses.mse_loss(w, np.zeros_like(w)))


def _squared_weight_grad(w: np.ndarray) -> np.ndarray:
    return losses.mse_loss.grad(w, np.zeros_like(w))


def descent_explorer(
    loss: Callable[..., Any] | None = None,
    grad: Callable[..., Any] | None = None,
    *,
    data: Mapping[str, Any] | None = None,
    lr: float = 0.1,
    momentum: float = 0.0,
    steps: int = 20,
    start: float = 2.0,
    method: str = "sgd",
) -> Explorer:
    """Gradient descent on a loss of one weight: the path on the curve and the loss history.

    Parameters
    ----------
    loss, grad : callable, optional
        A loss of one weight and its derivative, ``loss(w, **data)``; default
        ``mse_loss(w, 0)``, where lr 0.01 is too small, 0.1-0.9 good and > 1 divergent.
        They keep the values of the globals they read as they are now (see
        ``lossviz.explorer.by_value``): a later cell that rebinds them changes nothing here.
    data : mapping of str to value, optional
        The loss's data passed by keyword and copied now: ``def loss(w, x)`` with
        ``data={"x": x}``; the plainest way to make clear what the loss depends on.
    lr : float, default 0.1
        Learning rate in [0.001, 2].
    momentum : float, default 0
        In [0, 0.99]; with ``"sgd"`` it is torch's SGD with momentum.
    steps : int, default 20
        A whole number in [1, 100].
    start : float, default 2
        The first weight, in [-3, 3].
    method : {"sgd", "momentum", "adam"}

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range or not finite, or an unknown method.
    TypeError
        For only one of loss and grad, or a non-number.

    Examples
    --------
    >>> explorer = descent_explorer(lr=0.25, steps=3)
    >>> explorer.figure.axes[0].lines[1].get_xdata()  # w <- w - 0.25 * 2 w halves w
    array([2.  , 1.  , 0.5 , 0.25])
    >>> descent_explorer(steps=10**9)
    Traceback (most recent call last):
    ...
    ValueError: steps=1e+09 is outside the slider's range [1, 100]
    """
    if (loss is None) != (grad is None):
        raise TypeError("pass both loss and grad, or neither (for the default mse_loss(w, 0))")
    if loss is None:
        loss, grad = _squared_weight, _squared_weight_grad
    elif not (callable(loss) and callable(grad)):
        raise TypeError("loss and grad must be callable")
    loss, grad = by_value(loss), by_value(grad)
    if data is not None:
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a mapping of keyword arguments, got {type(data).__name__}")
        frozen = {key: np.array(value, copy=True) if isinstance(value, np.ndarray) else value for key, value in data.items()}
        loss, grad = functools.partial(loss, **frozen), functools.partial(grad, **frozen)
    controls = {
        "lr": log_slider("lr", lr, 1e-3, 2.0, **_words("lr")),
        "momentum": slider("momentum", momentum, 0.0, 0.99, **_words("momentum")),
        "steps": slider("steps", steps, 1, 100, integer=True, **_words("steps")),
        "start": slider("start", start, -3.0, 3.0, **_words("start")),
        "method": dropdown("method", method, METHODS, **_words("method")),
    }
    return Explorer(lambda: _descent_scene(loss, grad), lambda values: controls, title="gradient descent explorer")


def _descent_scene(loss: Callable[..., Any], grad: Callable[..., Any]) -> Scene:
    fig, (path_ax, history_ax) = figure(2)
    grid = np.linspace(-3.5, 3.5, 201)
    path_plot = plot.DescentPlot(path_ax, loss, grid)
    path_ax.set_xlim(grid[0], grid[-1])
    low, high = float(np.nanmin(path_plot.curve)), float(np.nanmax(path_plot.curve))
    path_ax.set_ylim(low - 0.05 * (high - low), high + 0.1 * (high - low))
    history = plot.HistoryPlot(history_ax, log=True)
    history_ax.set_title("loss history")
    # Fixed limits: twelve decades below the curve's top hold a converging run, and a
    # diverging one leaves through the top (the status says so) without a full redraw.
    history_ax.set_ylim(max(high, 1e-300) * 1e-11, max(high, 1e-300) * 10)
    status = readout(fig)

    def draw(lr: float, momentum: float, steps: int, start: float, method: str) -> None:
        path = run_descent(loss, grad, lr=lr, momentum=momentum, steps=steps, start=start, method=method)
        outcome = path_plot.update(path)
        history.update({"loss": path.losses})
        lines = [f"method   {method}", f"lr       {_readable(lr)}"]
        if method != "adam" and momentum:
            lines.append(f"momentum {_readable(momentum)}")
        status.set_text("\n".join([*lines, "", *outcome.replace(" after", "\nafter").split("\n")]))
        # Round the step axis up to 10, 20, 50 or 100 so that most steps of the slider keep it.
        history_ax.set_xlim(0, next(limit for limit in (10, 20, 50, 100, steps) if limit >= steps))

    return Scene(fig, draw, lambda: [*path_plot.artists, *history.artists, status])


# --------------------------------------------------------------------------- outliers


OUTLIER_LOSSES = {"mse_loss": "#ff7f0e", "l1_loss": "#2ca02c", "huber_loss": "#9467bd"}


def _outlier_scene() -> Scene:
    fig, ax = figure(1)
    x, y = data.line(20, seed=0)
    ax.scatter(x, y, color="black", s=12, label="data")
    (outlier,) = ax.plot([], [], "o", color=plot.GRAD_COLOR, markersize=8, label="outlier")
    grid = np.array([-0.05, 1.05])
    lines = {name: ax.plot([], [], color=color, label=name)[0] for name, color in OUTLIER_LOSSES.items()}
    slopes = readout(fig, 0.4)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-3.0, 13.0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))

    fits: dict[str, tuple[float, float]] = {}

    def draw(outlier_x: float, outlier_y: float, delta: float) -> None:
        xs, ys = np.append(x, outlier_x), np.append(y, outlier_y)
        outlier.set_data([outlier_x], [outlier_y])
        rows = ["slope of the fit"]
        for name, line in lines.items():
            params = {"delta": delta} if name == "huber_loss" else {}
            # Start from the previous fit: one slider step moves the optimum a little.
            fits[name] = slope, intercept = fit_line(losses.REGISTRY[name], xs, ys, start=fits.get(name), **params)
            line.set_data(grid, slope * grid + intercept)
            rows.append(f"{name:10s} {slope:5.2f}")
        slopes.set_text("\n".join(rows))

    return Scene(fig, draw, lambda: [outlier, *lines.values(), slopes])


def outlier_explorer(*, outlier_x: float = 0.9, outlier_y: float = 10.0, delta: float = 1.0) -> Explorer:
    """Twenty points near y = 2x + 1 and one outlier you move: lines fitted under MSE, MAE (l1_loss) and Huber.

    Parameters
    ----------
    outlier_x : float, default 0.9
        In [0, 1].
    outlier_y : float, default 10
        In [-2, 12].
    delta : float, default 1
        Huber's delta, in [0.1, 3].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range.

    Examples
    --------
    >>> explorer = outlier_explorer(outlier_y=3.0)
    >>> sorted(explorer.controls)
    ['delta', 'outlier_x', 'outlier_y']
    """
    controls = {
        "outlier_x": slider("outlier_x", outlier_x, 0.0, 1.0, **_words("outlier_x")),
        "outlier_y": slider("outlier_y", outlier_y, -2.0, 12.0, **_words("outlier_y")),
        "delta": slider("delta", delta, 0.1, 3.0, **_words("delta")),
    }
    return Explorer(_outlier_scene, lambda values: controls, title="outlier explorer")


# --------------------------------------------------------------------------- the margin of a linear classifier


def margin_points() -> tuple[np.ndarray, np.ndarray]:
    """The hinge margin explorer's 40 points ``(40, 2)`` and labels ``(40,)`` in {+1, -1}.

    ``lossviz.data.blobs`` around (2, 0) (label +1) and (-2, 0) (label -1), overlapping a
    little: the boundary x1 = 0 misclassifies 2 of them and has 4 more inside its margin.

    Examples
    --------
    >>> points, labels = margin_points()
    >>> points.shape, sorted(set(labels.tolist()))
    ((40, 2), [-1.0, 1.0])
    """
    points, classes = data.blobs(40, centers=2, spread=1.1, seed=1)
    return points, 1.0 - 2.0 * classes


def _strip(normal: np.ndarray, offset: float, half_width: float, reach: float = 50.0) -> np.ndarray:
    """Corners of the band ``|normal . x + offset| <= half_width`` (normal of length 1), ``reach`` long."""
    along = np.array([-normal[1], normal[0]])
    centre = -offset * normal
    return np.array([centre + side * half_width * normal + end * reach * along for side, end in ((-1, -1), (-1, 1), (1, 1), (1, -1))])


def _hinge_margin_scene() -> Scene:
    fig, (plane_ax, loss_ax) = figure(2)
    points, labels = margin_points()
    hinge, logistic = losses.REGISTRY["hinge"], losses.REGISTRY["soft_margin_loss"]
    colors = np.where(labels > 0, plot.PALETTE[1], plot.PALETTE[0])
    for label, name in ((1.0, "class +1"), (-1.0, "class -1")):
        chosen = labels == label
        plane_ax.scatter(*points[chosen].T, s=18, color=colors[chosen][0], zorder=3, label=name)
    band = plane_ax.add_patch(Polygon(np.zeros((4, 2)), closed=True, color=plot.FLAT_COLOR, alpha=0.15, lw=0, label="margin band"))
    (boundary,) = plane_ax.plot([], [], color="black", lw=1.5, label="boundary")
    (edge_plus,) = plane_ax.plot([], [], "--", color="black", lw=1, label="margin lines")
    (edge_minus,) = plane_ax.plot([], [], "--", color="black", lw=1)
    rings = plane_ax.scatter([], [], s=70, facecolors="none", edgecolors=plot.GRAD_COLOR, lw=1.2, zorder=4, label="hinge loss > 0")
    plane_ax.set(xlim=(-4.5, 4.5), ylim=(-3.5, 3.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal", title="points, boundary and margin")

    grid = np.linspace(-4.0, 4.0, 161)
    loss_ax.plot(grid, hinge(grid, np.ones_like(grid), reduction="none"), color=plot.LOSS_COLOR, label="hinge")
    loss_ax.plot(grid, logistic(grid, np.ones_like(grid), reduction="none"), "--", color=plot.FLAT_COLOR, label="logistic")
    loss_ax.axvline(1.0, color="black", ls=":", lw=1)
    dots = loss_ax.scatter([], [], s=16, zorder=3, edgecolors="black", linewidths=0.4)
    loss_ax.set(xlim=(-4.0, 4.0), ylim=(-0.3, 5.0), xlabel="signed margin y (w.x + b)", ylabel="loss", title="each point on the hinge")
    fig.legend(
        handles=[*plane_ax.collections[:2], boundary, edge_plus, band, rings, *loss_ax.lines[:2]],
        loc="lower left", bbox_to_anchor=(READOUT_X, 0.02), fontsize=7, frameon=False, borderaxespad=0.0,
    )
    numbers = readout(fig)

    def draw(angle: float, bias: float, norm: float) -> None:
        normal = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
        w = norm * normal
        signed = labels * (points @ w + bias)  # y f(x): >= 1 beyond the margin on the right side
        per_point = hinge(signed, np.ones_like(signed), reduction="none")
        band.set_xy(_strip(normal, bias / norm, 1.0 / norm))
        for line, level in ((boundary, 0.0), (edge_plus, 1.0), (edge_minus, -1.0)):
            ends = _strip(normal, (bias - level) / norm, 0.0)[:2]
            line.set_data(ends[:, 0], ends[:, 1])
        rings.set_offsets(points[per_point > 0].reshape(-1, 2))
        dots.set_offsets(np.column_stack([np.clip(signed, -4.0, 4.0), np.minimum(per_point, 5.0)]))
        dots.set_facecolors(colors)
        numbers.set_text(
            "\n".join([
                f"|w|           {_readable(norm)}",
                f"margin 1/|w|  {_readable(1.0 / norm)}",
                "",
                f"wrong side    {int(np.sum(signed < 0))}",
                f"in the margin {int(np.sum((signed >= 0) & (signed < 1)))}",
                "",
                "mean loss",
                f"  hinge       {float(np.mean(per_point)):.3f}",
                f"  logistic    {float(logistic(signed, np.ones_like(signed))):.3f}",
            ])
        )

    return Scene(fig, draw, lambda: [band, boundary, edge_plus, edge_minus, rings, dots, numbers])


def hinge_margin_explorer(*, angle: float = 30.0, bias: float = 0.5, norm: float = 1.0) -> Explorer:
    """A linear classifier w.x + b on 40 labelled points: its boundary, its margin band and each point's hinge loss.

    The margin lines w.x + b = +1 and -1 lie 1/|w| from the boundary; a point costs hinge
    loss exactly when it lies inside its side's margin or on the wrong side (ringed). The
    right panel puts every point on the hinge curve at its signed margin y (w.x + b),
    with the logistic loss (``soft_margin_loss``) for comparison.

    Parameters
    ----------
    angle : float, default 30
        The direction of w in degrees, in [-180, 180].
    bias : float, default 0.5
        b, in [-3, 3].
    norm : float, default 1
        The length |w|, in [0.2, 3].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range.

    Examples
    --------
    >>> explorer = hinge_margin_explorer(angle=0.0, bias=0.0)
    >>> explorer.figure.axes[0].lines[1].get_xdata()  # the margin line x1 = +1 when |w| = 1
    array([1., 1.])
    >>> explorer.update(norm=2.0)  # twice as long a w: the margin halves
    >>> explorer.figure.axes[0].lines[1].get_xdata()
    array([0.5, 0.5])
    """
    controls = {
        "angle": slider("angle", angle, -180.0, 180.0, **_words("angle")),
        "bias": slider("bias", bias, -3.0, 3.0, **_words("bias")),
        "norm": slider("norm", norm, 0.2, 3.0, **_words("norm")),
    }
    return Explorer(_hinge_margin_scene, lambda values: controls, title="hinge margin explorer")


# --------------------------------------------------------------------------- focal loss


def _focal_scene() -> Scene:
    fig, (loss_ax, grad_ax) = figure(2)
    p = np.linspace(0.01, 0.99, 197)
    logits = np.log(p) - np.log1p(-p)
    ones = np.ones_like(p)
    bce = losses.REGISTRY["binary_cross_entropy_with_logits"]
    focal = losses.REGISTRY["sigmoid_focal_loss"]
    loss_ax.plot(p, bce(logits, ones, reduction="none"), "--", color=plot.FLAT_COLOR, label="cross-entropy")
    grad_ax.plot(p, bce.grad(logits, ones, reduction="none"), "--", color=plot.FLAT_COLOR, label="cross-entropy")
    (focal_line,) = loss_ax.plot([], [], color=plot.LOSS_COLOR, label="focal")
    (focal_grad,) = grad_ax.plot([], [], color=plot.GRAD_COLOR, label="focal")
    loss_ax.set_xlabel("probability of the true class $p_t$")
    grad_ax.set_xlabel("probability of the true class $p_t$")
    loss_ax.set_title("loss", color=plot.LOSS_COLOR)
    grad_ax.set_title("derivative w.r.t. the logit", color=plot.GRAD_COLOR)
    grad_ax.legend(handles=[loss_ax.lines[0], focal_line, focal_grad], loc="upper left", bbox_to_anchor=(1.02, 1.0))
    for ax in (loss_ax, grad_ax):
        ax.set_xlim(0, 1)

    def draw(gamma: float, alpha: float) -> None:
        focal_line.set_data(p, focal(logits, ones, alpha=alpha, gamma=gamma, reduction="none"))
        focal_grad.set_data(p, focal.grad(logits, ones, alpha=alpha, gamma=gamma, reduction="none"))
        for ax in (loss_ax, grad_ax):
            rescale(ax)

    return Scene(fig, draw, lambda: [focal_line, focal_grad])


def focal_explorer(*, gamma: float = 2.0, alpha: float = 0.25) -> Explorer:
    """Focal loss (``sigmoid_focal_loss``, target 1) against cross-entropy: gamma down-weights easy examples.

    Parameters
    ----------
    gamma : float, default 2
        In [0, 5].
    alpha : float, default 0.25
        In [0, 1].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range.

    Examples
    --------
    >>> focal_explorer(gamma=0.0).controls["gamma"].value
    0.0
    """
    controls = {"gamma": slider("gamma", gamma, 0.0, 5.0, **_words("gamma")), "alpha": slider("alpha", alpha, 0.0, 1.0, **_words("alpha"))}
    return Explorer(_focal_scene, lambda values: controls, title="focal loss explorer")


# --------------------------------------------------------------------------- softmax


CLASSES = 3


def _softmax_scene() -> Scene:
    fig, (prob_ax, grad_ax) = figure(2)
    classes = np.arange(CLASSES)
    prob_bars = prob_ax.bar(classes, np.zeros(CLASSES), color=plot.PALETTE[1], edgecolor="black")
    grad_bars = grad_ax.bar(classes, np.zeros(CLASSES), color=plot.GRAD_COLOR, edgecolor="black")
    prob_ax.set_ylim(0, 1.05)
    grad_ax.set_ylim(-1.05, 1.05)
    grad_ax.axhline(0, color="black", linewidth=0.6)
    for ax in (prob_ax, grad_ax):
        ax.set_xticks(classes, [f"class {k}" for k in classes])
    prob_ax.set_title("softmax(z / T)")
    grad_ax.set_title("d cross-entropy / d z", color=plot.GRAD_COLOR)
    numbers = readout(fig)
    softmax = activations.REGISTRY["softmax"]
    cross_entropy = losses.REGISTRY["cross_entropy"]

    def draw(z0: float, z1: float, z2: float, temperature: float, target: int) -> None:
        logits = np.array([[z0, z1, z2]])
        scaled, label = logits / temperature, np.array([target])
        probs = softmax(scaled, dim=1)[0]
        # The chain rule through z / T: d/dz = (1/T) d/d(z/T).
        slope = cross_entropy.grad(scaled, label)[0] / temperature
        for k, (bar, height) in enumerate(zip(prob_bars, probs)):
            bar.set_height(height)
            bar.set_linewidth(2.5 if k == target else 0.5)
        for bar, height in zip(grad_bars, slope):
            bar.set_height(height)
        numbers.set_text(f"T = {_readable(temperature)}\ncross-entropy\n  = {float(cross_entropy(scaled, label)):.4f}")
        rescale(grad_ax)

    return Scene(fig, draw, lambda: [*prob_bars, *grad_bars, numbers])


def softmax_explorer(*, z0: float = 2.0, z1: float = 1.0, z2: float = 0.1, temperature: float = 1.0, target: int = 0) -> Explorer:
    """Three logits and a temperature: softmax probabilities, cross-entropy and its gradient (p - onehot) / T.

    Parameters
    ----------
    z0, z1, z2 : float
        Logits in [-4, 4].
    temperature : float, default 1
        In [0.1, 10].
    target : int, default 0
        The true class, 0, 1 or 2.

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range or a class that does not exist.

    Examples
    --------
    >>> softmax_explorer(target=3)
    Traceback (most recent call last):
    ...
    ValueError: target must be one of (0, 1, 2), got 3
    """
    controls = {
        "z0": slider("z0", z0, -4.0, 4.0, **_words("z0")),
        "z1": slider("z1", z1, -4.0, 4.0, **_words("z1")),
        "z2": slider("z2", z2, -4.0, 4.0, **_words("z2")),
        "temperature": log_slider("temperature", temperature, 0.1, 10.0, **_words("temperature")),
        "target": dropdown("target", target, list(range(CLASSES)), label="true class", tooltip="the class the cross-entropy rewards"),
    }
    return Explorer(_softmax_scene, lambda values: controls, title="softmax explorer")


# --------------------------------------------------------------------------- boxes


BOX_EXPLORER_TARGET = np.array([1.0, 1.0, 3.0, 3.0])


def predicted_box(cx: float, cy: float, width: float, height: float) -> np.ndarray:
    """(x1, y1, x2, y2) of the box with centre (cx, cy) and the given size.

    Examples
    --------
    >>> predicted_box(2.0, 2.0, 2.0, 1.0)
    array([1. , 1.5, 3. , 2.5])
    """
    return np.array([cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2])


def _box_scene() -> Scene:
    fig, ax = figure(1, height=3.6, right=0.42)
    drawing = plot.BoxesPlot(ax)
    ax.set_xlim(-2.0, 6.0)
    ax.set_ylim(-1.5, 5.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0), fontsize=7)
    numbers = readout(fig, 0.45, x=0.5)

    def draw(cx: float, cy: float, width: float, height: float) -> None:
        numbers.set_text(plot.box_table(drawing.update(predicted_box(cx, cy, width, height), BOX_EXPLORER_TARGET)))

    return Scene(fig, draw, lambda: [*drawing.artists, numbers])


def box_explorer(*, cx: float = 2.8, cy: float = 2.5, width: float = 2.0, height: float = 1.5) -> Explorer:
    """Move and resize a predicted box against a fixed target: IoU, GIoU, DIoU and CIoU losses.

    Parameters
    ----------
    cx, cy : float
        The centre, each in [-1, 5].
    width, height : float
        Each in [0.2, 4].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range.

    Examples
    --------
    >>> box_explorer(width=0.0)
    Traceback (most recent call last):
    ...
    ValueError: width=0 is outside the slider's range [0.2, 4]
    """
    controls = {
        "cx": slider("cx", cx, -1.0, 5.0, **_words("cx")),
        "cy": slider("cy", cy, -1.0, 5.0, **_words("cy")),
        "width": slider("width", width, 0.2, 4.0, **_words("width")),
        "height": slider("height", height, 0.2, 4.0, **_words("height")),
    }
    return Explorer(_box_scene, lambda values: controls, title="box loss explorer")


# --------------------------------------------------------------------------- angular margins


# The three margin losses in the order they appeared, and each margin's slider range. The
# starting margin is the loss's own default (SphereFace's 4, CosFace's 0.35, ArcFace's 0.5).
MARGIN_RANGES: dict[str, tuple[float, float]] = {
    "sphereface_loss": (1, 6),  # a whole number: cos(m theta)
    "cosface_loss": (0.0, 1.0),
    "arcface_loss": (0.0, 1.0),
}
MARGIN_WORDS: dict[str, tuple[str, str]] = {
    "sphereface_loss": ("margin m (× θ)", "the target's angle is multiplied by m: cos(mθ)"),
    "cosface_loss": ("margin m (− cos)", "subtracted from the target's cosine: cos θ − m"),
    "arcface_loss": ("margin m (+ θ, rad)", "added to the target's angle, in radians: cos(θ + m)"),
}
SCALE_RANGE = (1.0, 100.0)
SPREAD_RANGE = (30.0, 180.0)  # degrees between the two class weights


def _margin_boundary(name: str, spread: float, *, scale: float = 64.0, margin: float | None = None) -> float | None:
    """Where class 0 stops winning by its margin, as an angle from its weight W0 (radians).

    Two unit class weights ``spread`` radians apart; a unit feature between them at angle
    theta from W0 is class 0's by the margin while its margin logit beats the other,
    i.e. while its loss is below log 2. Found by bisection on the loss itself.

    Parameters
    ----------
    name : {"sphereface_loss", "cosface_loss", "arcface_loss"}
    spread : float
        The angle between W0 and W1, in (0, pi].
    scale : float, default 64
    margin : float, optional
        Default: the loss's own.

    Returns
    -------
    float or None
        theta in [0, spread), or None when class 0 wins nowhere (a margin too large for
        classes this close).

    Examples
    --------
    >>> round(float(np.degrees(_margin_boundary("sphereface_loss", np.pi / 2))), 6)  # 90 / (4 + 1)
    18.0
    """
    function = losses.REGISTRY[name]
    margin = plot._default_margin(name) if margin is None else margin
    zero = np.zeros(1, dtype=np.int64)

    def beaten(theta: float) -> bool:
        loss = function(plot.two_class_cosines([theta], spread), zero, scale=scale, margin=margin, reduction="none")
        return bool(loss[0] >= np.log(2))

    if beaten(0.0):
        return None
    low, high = 0.0, float(spread)
    for _ in range(60):  # the loss rises with theta on [0, spread]: halve the bracket
        middle = 0.5 * (low + high)
        low, high = (low, middle) if beaten(middle) else (middle, high)
    return 0.5 * (low + high)


def _margin_scene() -> Scene:
    fig, (circle_ax, loss_ax, grad_ax) = figure(3, height=3.4)
    circle = plot.MarginCirclePlot(circle_ax)
    circle_ax.set_title("who wins by the margin")

    for ax, title in ((loss_ax, "loss of a class-0 feature"), (grad_ax, "derivative dℓ/dθ")):
        ax.set_xlabel("angle θ from W₀ towards W₁ (°)")
        ax.set_title(title, color=plot.LOSS_COLOR if ax is loss_ax else plot.GRAD_COLOR)
    (plain_loss,) = loss_ax.plot([], [], "--", color=plot.FLAT_COLOR, label="no margin, same s")
    (margin_loss,) = loss_ax.plot([], [], color=plot.LOSS_COLOR, label="with the margin")
    (plain_grad,) = grad_ax.plot([], [], "--", color=plot.FLAT_COLOR, label="no margin, same s")
    (margin_grad,) = grad_ax.plot([], [], color=plot.GRAD_COLOR, label="with the margin")
    edges = [ax.axvline(0, color="black", linestyle=":", linewidth=1) for ax in (loss_ax, grad_ax)]
    edges[0].set_label("where class 0 stops winning")
    numbers = readout(fig, 0.9)
    fig.legend(
        handles=[*circle.arcs, edges[0], circle.bisector, margin_loss],
        labels=[*circle.LABELS, "where class 0 stops winning", "no margin (softmax of s cos θ)", "with the margin"],
        loc="lower left", bbox_to_anchor=(READOUT_X, 0.02), fontsize=7, frameon=False, borderaxespad=0.0,
    )
    cross_entropy = losses.REGISTRY["cross_entropy"]

    def draw(name: str, margin: float, scale: float, spread: float) -> None:
        function, delta = losses.REGISTRY[name], np.radians(spread)
        options = {"scale": scale, "margin": margin, "reduction": "none"}
        circle.update(name, spread=spread, margin=margin, scale=scale)
        # The loss of a class-0 feature turning from W0 to W1, and d/dtheta by the chain rule:
        # cos(theta) and cos(theta - delta) both move with theta. Not theta = 0, where
        # ArcFace's d/dcos is infinite (d/dtheta is not).
        theta = np.linspace(delta / 720, delta, 360)
        degrees = np.degrees(theta)
        cos, zero = plot.two_class_cosines(theta, delta), np.zeros(theta.size, dtype=np.int64)
        slopes = np.stack([-np.sin(theta), -np.sin(theta - delta)], axis=1)
        margin_loss.set_data(degrees, function(cos, zero, **options))
        margin_grad.set_data(degrees, np.sum(function.grad(cos, zero, **options) * slopes, axis=1))
        plain_loss.set_data(degrees, cross_entropy(scale * cos, zero, reduction="none"))
        plain_grad.set_data(degrees, np.sum(scale * cross_entropy.grad(scale * cos, zero, reduction="none") * slopes, axis=1))
        boundary = _margin_boundary(name, delta, scale=scale, margin=margin)
        for edge in edges:
            edge.set_xdata([np.nan if boundary is None else np.degrees(boundary)] * 2)
        unit = " rad" if name == "arcface_loss" else ""
        rows = [name, f"m  {_readable(margin)}{unit}"]
        if name == "arcface_loss":
            rows.append(f"   = {np.degrees(margin):.1f} deg")
        rows += [f"s  {_readable(scale)}", f"W0 to W1  {_readable(spread)} deg", ""]
        if boundary is None:
            rows += ["from W0 to W1", "class 0 never", "wins by its margin"]
        else:
            gap = spread - 2 * np.degrees(boundary)
            rows += ["from W0 to W1", "class 0 wins for", f"theta < {np.degrees(boundary):.1f} deg", f"gap   {gap:.1f} deg"]
        numbers.set_text("\n".join(rows))
        for ax in (loss_ax, grad_ax):
            ax.set_xlim(0, spread)
            rescale(ax)
        top = loss_ax.get_ylim()[1]
        loss_ax.set_ylim(-0.05 * top, top)  # a loss is never negative: no room below 0

    moving = [*circle.artists, plain_loss, margin_loss, plain_grad, margin_grad, *edges, numbers]
    return Scene(fig, draw, lambda: moving)


def margin_explorer(name: str = "arcface_loss", *, margin: float | None = None, scale: float = 64.0, spread: float = 90.0) -> Explorer:
    """SphereFace, CosFace and ArcFace for two classes: who wins by the margin, and the loss.

    Two unit class weights W0 and W1 ``spread`` degrees apart. Left: the unit circle of
    feature directions, coloured by the class that wins by its margin there (grey where
    neither does: the margin). Middle and right: the loss of a class-0 feature as it turns
    from W0 towards W1, and its derivative with respect to that angle, beside the same
    softmax on s cos(theta) without a margin.

    Parameters
    ----------
    name : {"arcface_loss", "cosface_loss", "sphereface_loss"}
    margin : float, optional
        The loss's m; default its own (ArcFace 0.5 rad, CosFace 0.35, SphereFace 4). In
        [0, 1] for ArcFace and CosFace, a whole number in [1, 6] for SphereFace.
    scale : float, default 64
        s, the logits' scale, in [1, 100].
    spread : float, default 90
        The angle between the class weights in degrees, in [30, 180].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For an unknown loss, or a value outside its slider's range.
    TypeError
        For a value that is not a number, or a SphereFace margin that is not whole.

    Examples
    --------
    >>> explorer = margin_explorer("sphereface_loss", spread=90.0)
    >>> explorer.values["margin"], explorer.values["scale"]
    (4, 64.0)
    >>> margin_explorer("arcface_loss", margin=2.0)
    Traceback (most recent call last):
    ...
    ValueError: margin=2 is outside the slider's range [0, 1]
    """
    if name not in MARGIN_RANGES:
        raise ValueError(f"name must be one of {tuple(MARGIN_RANGES)}, got {name!r}")
    chooser = dropdown("name", name, list(MARGIN_RANGES), label="loss", tooltip="which margin (in the order they appeared)")
    common = {
        "scale": log_slider("scale", scale, *SCALE_RANGE, label="scale s", tooltip="the logits are s cos θ"),
        "spread": slider("spread", spread, *SPREAD_RANGE, label="angle W₀ to W₁ (°)", tooltip="how far apart the two class weights are"),
    }
    per_name: dict[str, dict[str, widgets.Widget]] = {}

    def margin_control(chosen: str, start: float | None) -> widgets.Widget:
        low, high = MARGIN_RANGES[chosen]
        label, tooltip = MARGIN_WORDS[chosen]
        value = plot._default_margin(chosen) if start is None else start
        return slider("margin", value, low, high, integer=chosen == "sphereface_loss", label=label, tooltip=tooltip)

    def controls_for(values: dict[str, Any]) -> dict[str, widgets.Widget]:
        chosen = chooser.value
        if chosen not in per_name:  # remembered, so switching back keeps the margin set
            per_name[chosen] = {"name": chooser, "margin": margin_control(chosen, margin if chosen == name else None), **common}
        return per_name[chosen]

    return Explorer(_margin_scene, controls_for, title=f"margin explorer: {name}")


# --------------------------------------------------------------------------- finite differences


FD_FUNCTIONS: dict[str, tuple[Callable[[Any], Any], Callable[[float], float]]] = {
    "sin": (np.sin, np.cos),
    "exp": (np.exp, np.exp),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
}


def _fd_scene() -> Scene:
    fig, ax = figure(1, right=0.58)
    curves = plot.ErrorPlot(ax)
    ax.set_xlim(1e-20, 1.0)
    ax.set_ylim(1e-18, 1e3)
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    (step_line,) = ax.plot([], [], color="black", linewidth=1, transform=blend)
    picked = ax.scatter([], [], s=30, zorder=4, edgecolors="black")
    numbers = readout(fig, 0.55)
    cache: dict[tuple[str, float], Any] = {}

    def draw(function: str, x0: float, h: float) -> None:
        f, derivative = FD_FUNCTIONS[function]
        if (function, x0) not in cache:
            cache.clear()
            cache[function, x0] = fd_error(f, derivative, x0)
            curves.update(cache[function, x0])
        if ax.get_legend() is None:
            ax.legend(handles=curves.artists, fontsize=7, loc="upper left", bbox_to_anchor=(1.03, 1.0), ncols=2)
        at = fd_error(f, derivative, x0, steps=[h])
        keys = list(at.errors)
        errors = np.array([max(float(at.errors[key][0]), plot.ERROR_FLOOR) for key in keys])
        step_line.set_data([h, h], [0, 1])
        picked.set_offsets(np.stack([np.full(len(keys), h), errors], axis=1))
        picked.set_facecolors([plot.METHOD_COLORS[method] for method, _ in keys])
        rows = [f"{method:8s}{dtype[5:]} {error:.1e}" for (method, dtype), error in zip(keys, errors)]
        numbers.set_text(f"x0 = {_readable(x0)}\nh  = {h:.0e}\nrelative error\n" + "\n".join(rows))
        ax.set_title(f"error of d/dx {function}(x) at x0")

    return Scene(fig, draw, lambda: [*curves.artists, step_line, picked, numbers], lambda values: values["function"])


def finite_difference_explorer(*, function: str = "sin", x0: float = 1.0, h: float = 1e-5) -> Explorer:
    """The V curve: relative error of forward, central and complex-step differences against the step h.

    Parameters
    ----------
    function : {"sin", "exp", "tanh"}
    x0 : float, default 1
        In [-2, 2].
    h : float, default 1e-5
        In [1e-16, 1].

    Returns
    -------
    Explorer

    Raises
    ------
    ValueError
        For a value outside its slider's range, or an unknown function.

    Examples
    --------
    >>> explorer = finite_difference_explorer(h=1e-3)
    >>> explorer.controls["h"].label
    '0.001'
    """
    controls = {
        "function": dropdown("function", function, list(FD_FUNCTIONS), **_words("function")),
        "x0": slider("x0", x0, -2.0, 2.0, **_words("x0")),
        "h": log_slider("h", h, 1e-16, 1.0, **_words("h")),
    }
    return Explorer(_fd_scene, lambda values: controls, title="finite-difference explorer")
