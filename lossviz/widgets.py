"""Explorers: ipywidgets whose figure answers a slider at once.

Each ``*_explorer(...)`` returns an ``Explorer``: a VBox of controls, an error message
line and the figure as a PNG image (an ``ipywidgets.Image``, so it shows in JupyterLab
without any matplotlib widget backend). ``explorer.figure`` is the matplotlib Figure and
``explorer.update(**params)`` sets controls by name and redraws, exactly what moving a
slider does, synchronously, so tests drive explorers without a browser.

Why it is fast: a slider step changes the data of the existing artists (``set_data``),
then only those artists are drawn over a cached image of everything else (blitting);
the full figure is drawn again only when an axis' limits change. Limits follow the data
with some slack (``rescale``) so that most steps keep them.

Errors in an update are shown in the explorer (red text above the figure) and raised:
a test sees the exception, a learner sees the message.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import io
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, LogLocator, NullFormatter
from matplotlib.transforms import blended_transform_factory

from . import activations, data, losses, plot
from .check import fd_error
from .descent import METHODS, DescentPath, descend

FIGSIZE = (7.2, 2.8)
DPI = 80  # 576 x 224 pixels: sharp enough in a notebook, small enough to draw in milliseconds

# Slider range (low, high) per parameter name; (function name, parameter) overrides.
PARAMETER_RANGES: dict[Any, tuple[float, float]] = {
    "delta": (0.1, 3.0),
    "beta": (0.1, 3.0),
    "margin": (0.0, 3.0),
    "gamma": (0.0, 5.0),
    "alpha": (0.0, 3.0),
    ("sigmoid_focal_loss", "alpha"): (0.0, 1.0),
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


# --------------------------------------------------------------------------- rendering


def figure(ncols: int = 2, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Any]:
    """A figure outside pyplot (so a notebook never shows it twice) in the course style."""
    with plot.style():
        fig = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, ncols)
        # Fixed margins: a layout engine would run on every full draw.
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.17, top=0.88, wspace=0.3)
    return fig, axes


def _nice(span: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten, about a fifth of ``span``."""
    raw = span / 5
    power = 10.0 ** np.floor(np.log10(raw))
    return float(power * min((m for m in (1, 2, 5, 10) if m * power >= raw), default=10))


def rescale(ax: Axes) -> None:
    """Fit the y limits to the data, but only when the data leave them or fill less than 30%.

    Every change of limits forces a full redraw (~10x a blitted frame), so new limits get
    20% slack on each side, rounded out to a tick step (whole decades on a log axis):
    a slider step then usually keeps them.
    """
    ax.relim(visible_only=True)
    low, high = ax.dataLim.intervaly
    log = ax.get_yscale() == "log"
    if log:
        positive = ax.dataLim.intervaly[0] > 0
        low, high = (np.log10(low), np.log10(high)) if positive else (np.nan, np.nan)
    if not (np.isfinite(low) and np.isfinite(high)):
        return
    now = np.log10(ax.get_ylim()) if log else np.asarray(ax.get_ylim())
    span = max(high - low, 1e-12 if not log else 1.0)
    if now[0] <= low and high <= now[1] and span >= 0.3 * (now[1] - now[0]):
        return
    step = 1.0 if log else _nice(1.4 * span)
    new = np.floor((low - 0.2 * span) / step) * step, np.ceil((high + 0.2 * span) / step) * step
    ax.set_ylim(*(10.0 ** np.asarray(new) if log else new))


def plain_log_ticks(ax: Axes, *axes: str) -> None:
    """Label log axes "1e-05" instead of with mathtext: a full redraw then takes half the time."""
    for name in axes or ("y",):
        axis = getattr(ax, f"{name}axis")
        axis.set_major_formatter(LogFormatter(labelOnlyBase=True))
        axis.set_minor_formatter(NullFormatter())
        axis.set_major_locator(LogLocator(numticks=6))


def _chunk(tag: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))


def png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's RGBA pixels as a PNG file.

    Written directly (rows unfiltered, zlib level 1): ~1 ms a frame, where Pillow's
    encoder (adaptive row filters) takes ~5 ms. RGBA because dropping alpha would cost
    a strided copy as long as the compression itself.
    """
    pixels = np.asarray(canvas.buffer_rgba())
    height, width, _ = pixels.shape
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" for each row
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    idat = zlib.compress(rows, 1)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


class _Blitter:
    """Draws a figure, redrawing only the moving artists over a cached background when it can."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self._key: Hashable = None
        self._background: Any = None
        self.full_draws = 0  # how often the background had to be drawn again (benchmarks report it)

    def render(self, moving: list[Any], static_key: Hashable) -> bytes:
        canvas = self.figure.canvas
        for artist in moving:
            artist.set_animated(True)  # left out of canvas.draw(): drawn below, over the background
        key = (static_key, tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes))
        if key != self._key or self._background is None:
            canvas.draw()
            self.full_draws += 1
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._key = key
        else:
            canvas.restore_region(self._background)
        for artist in sorted(moving, key=lambda artist: artist.get_zorder()):
            self.figure.draw_artist(artist)
        return png(canvas)


@dataclass
class Scene:
    """A figure and how to draw control values into it.

    ``draw(**values)`` sets the data of the artists that ``moving()`` lists; ``static_key(values)``
    changes whenever anything else must change (e.g. another loss is chosen).
    """

    figure: Figure
    draw: Callable[..., None]
    moving: Callable[[], list[Any]]
    static_key: Callable[[dict[str, Any]], Hashable] = field(default=lambda values: None)


def _range(control: widgets.Widget) -> tuple[float, float] | None:
    if isinstance(control, widgets.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
        return control.min, control.max
    return None


class Explorer(widgets.VBox):
    """Controls, an error line and the figure as a PNG; see the module docstring.

    ``scene``: built once by ``make_scene()`` (called again by ``naive_png``).
    ``controls_for(values)``: the controls to show for the current values (they may depend
    on a choice, e.g. the loss's own parameters); called after every change.
    """

    def __init__(self, make_scene: Callable[[], Scene], controls_for: Callable[[dict[str, Any]], dict[str, widgets.Widget]]) -> None:
        self._make_scene = make_scene
        self.scene = make_scene()
        self._controls_for = controls_for
        self._blitter = _Blitter(self.scene.figure)
        self._holding = False
        self.controls: dict[str, widgets.Widget] = {}
        self.message = widgets.HTML("")
        self.image = widgets.Image(format="png")
        self._panel = widgets.VBox()
        super().__init__([self._panel, self.message, self.image])
        self._show_controls(controls_for({}))
        self.update()

    @property
    def figure(self) -> Figure:
        return self.scene.figure

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **params: Any) -> None:
        """Set controls by name (a ValueError if outside a slider's range), then redraw."""
        pending = dict(params)
        with self._hold():
            # Setting a choice (such as the loss) can bring new controls: set the rest on those.
            for _ in range(2):
                for name in [name for name in pending if name in self.controls]:
                    _set(self.controls[name], name, pending.pop(name))
                self._show_controls(self._controls_for(self.values))
        if pending:
            raise TypeError(f"no control named {', '.join(sorted(pending))}; the controls are {', '.join(self.controls)}")
        self._redraw()

    def naive_png(self, **params: Any) -> bytes:
        """The same picture drawn the slow way: a new figure, drawn whole, saved as PNG (for benchmarks)."""
        scene = self._make_scene()
        scene.draw(**{**self.values, **params})
        out = io.BytesIO()
        scene.figure.savefig(out, format="png")
        return out.getvalue()

    @contextlib.contextmanager
    def _hold(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _show_controls(self, controls: dict[str, widgets.Widget]) -> None:
        if list(controls.items()) == list(self.controls.items()):
            return
        for control in self.controls.values():
            control.unobserve(self._changed, names="value")
        for control in controls.values():
            control.observe(self._changed, names="value")
        self.controls = dict(controls)
        self._panel.children = tuple(controls.values())

    def _changed(self, change: Any) -> None:
        if not self._holding:
            self.update()

    def _redraw(self) -> None:
        values = self.values
        try:
            self.scene.draw(**values)
            frame = self._blitter.render(self.scene.moving(), self.scene.static_key(values))
        except Exception as error:
            self.message.value = f'<pre style="color:#b00020;white-space:pre-wrap;margin:0">{html.escape(type(error).__name__)}: {html.escape(str(error))}</pre>'
            raise
        self.message.value = ""
        self.image.value = frame


def _set(control: widgets.Widget, name: str, value: Any) -> None:
    bounds = _range(control)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"{name}={value!r} is outside the slider's range [{bounds[0]:g}, {bounds[1]:g}]")
    control.value = value


_LAYOUT = {"width": "460px"}
_STYLE = {"description_width": "110px"}


def slider(name: str, value: float, low: float, high: float, *, log: bool = False, integer: bool = False) -> widgets.Widget:
    """A slider named ``name`` from ``low`` to ``high`` (100 steps, or decades in 20ths when ``log``)."""
    common = {"description": name, "continuous_update": True, "layout": _LAYOUT, "style": _STYLE}
    if integer:
        return widgets.IntSlider(value=int(value), min=int(low), max=int(high), step=1, **common)
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high), step=0.05, readout_format=".2e", **common)
    return widgets.FloatSlider(value=value, min=low, max=high, step=(high - low) / 100, readout_format=".3g", **common)


def dropdown(name: str, value: Any, options: Any) -> widgets.Dropdown:
    return widgets.Dropdown(description=name, value=value, options=options, layout=_LAYOUT, style=_STYLE)


# --------------------------------------------------------------------------- loss and activation


def parameter_controls(function: Any, skip: int, given: Mapping[str, Any]) -> dict[str, widgets.Widget]:
    """Sliders (and choices) for ``function``'s parameters after its first ``skip`` arguments.

    A parameter gets a slider when ``PARAMETER_RANGES`` has a range for its name that holds
    its default (or its ``REQUIRED_DEFAULTS`` value); ``given`` overrides starting values.
    """
    controls: dict[str, widgets.Widget] = {}
    for name, parameter in list(plot._parameters(function).items())[skip:]:
        default = REQUIRED_DEFAULTS.get(name) if parameter.default is inspect.Parameter.empty else parameter.default
        start = given.get(name, default)
        if name in CHOICES and default in CHOICES[name]:
            controls[name] = dropdown(name, start, CHOICES[name])
            continue
        bounds = PARAMETER_RANGES.get((function.name, name), PARAMETER_RANGES.get(name))
        numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
        if bounds is not None and numeric and bounds[0] <= default <= bounds[1]:
            controls[name] = slider(name, float(start), *bounds)
    return controls


def _required(function: Any) -> dict[str, Any]:
    return {
        name: REQUIRED_DEFAULTS[name]
        for name, parameter in list(plot._parameters(function).items())[1:]
        if parameter.default is inspect.Parameter.empty and name in REQUIRED_DEFAULTS
    }


def explorable_losses() -> list[str]:
    """Registered losses that have a view as a function of one scalar prediction."""
    return [name for name, function in losses.REGISTRY.items() if plot.loss_kind(function, **_required(function)) is not None]


def explorable_activations() -> list[str]:
    """Registered elementwise activations (no ``dim``) whose view works with their default parameters."""
    names = []
    for name, function in activations.REGISTRY.items():
        try:
            shown = plot.view(function, **_required(function))
        except ValueError:
            continue  # softmax and the like act along a dimension
        if plot._probe(shown):
            names.append(name)
    return names


def _function_scene(registry: Mapping[str, Any], point: str) -> Scene:
    """f and f' of the chosen function, with the value and slope at ``point`` marked and printed."""
    fig, axes = figure(2)
    drawing = plot.FunctionPlot(axes)
    (value_dot,) = axes[0].plot([], [], "o", color="black", markersize=6, zorder=4)
    (grad_dot,) = axes[1].plot([], [], "o", color="black", markersize=6, zorder=4)
    readout = axes[0].add_artist(plot.Readout(0.03, 0.97, transform=axes[0].transAxes))

    def draw(name: str, **values: Any) -> None:
        at = values.pop(point)
        shown = plot.view(registry[name], **values)
        drawing.show(shown)
        if axes[0].get_title() != name:
            drawing.label(shown, title=name)
        y, dy = shown.value(np.array([at])), shown.derivative(np.array([at]))
        value_dot.set_data([at], y)
        grad_dot.set_data([at], dy)
        settings = "  ".join(f"{key}={value:.3g}" if isinstance(value, float) else f"{key}={value}" for key, value in values.items())
        readout.set_text(f"{settings}\nf({at:.3g}) = {y[0]:.4g}\nf'({at:.3g}) = {dy[0]:.4g}".lstrip("\n"))
        for ax in axes:
            ax.set_xlim(shown.x[0], shown.x[-1])
            rescale(ax)

    return Scene(fig, draw, lambda: [*drawing.artists, value_dot, grad_dot, readout], lambda values: values["name"])


def _function_explorer(
    registry: Mapping[str, Any], names: list[str], name: str, point: str, params: dict[str, Any], first_controls: Callable[[str, dict[str, Any]], dict[str, widgets.Widget]]
) -> Explorer:
    if name not in names:
        raise ValueError(f"name must be one of {names}, got {name!r}")
    chooser = dropdown("name", name, names)
    per_name: dict[str, dict[str, widgets.Widget]] = {}

    def controls_for(values: dict[str, Any]) -> dict[str, widgets.Widget]:
        chosen = chooser.value
        if chosen not in per_name:  # remembered, so switching back restores the sliders
            given = params if chosen == name else {}
            per_name[chosen] = {"name": chooser, **first_controls(chosen, given)}
        return per_name[chosen]

    explorer = Explorer(lambda: _function_scene(registry, point), controls_for)
    unknown = set(params) - set(explorer.controls)
    if unknown:
        raise TypeError(f"{name} has no control named {', '.join(sorted(unknown))}; the controls are {', '.join(explorer.controls)}")
    return explorer


def loss_explorer(name: str = "huber_loss", **params: Any) -> Explorer:
    """A loss of one prediction for a fixed target, and its derivative, with the loss's own parameters.

    Controls: ``name`` (any loss with a 1-D view, see ``explorable_losses``), ``prediction``
    (a point marked on both curves), ``target`` (where the loss has one) and the loss's
    parameters (delta, beta, margin, gamma, alpha, label_smoothing, quantile...).
    ``params`` give starting values, e.g. ``loss_explorer("huber_loss", delta=2.0)``.
    """

    def first_controls(chosen: str, given: dict[str, Any]) -> dict[str, widgets.Widget]:
        function = losses.REGISTRY[chosen]
        kind = plot.kind_of(plot.loss_kind(function, **_required(function)))
        low, high = kind.x
        controls = {"prediction": slider("prediction", given.get("prediction", low + 0.7 * (high - low)), low, high)}
        skip = len(kind.arguments(np.zeros(1), kind.default_target))
        if isinstance(kind.target, tuple) and len(kind.target) == 2 and isinstance(kind.target[0], float):
            controls["target"] = slider("target", given.get("target", kind.default_target), *kind.target)
        elif kind.target is not None:
            controls["target"] = dropdown("target", given.get("target", int(kind.default_target)), kind.target)
        return {**controls, **parameter_controls(function, skip, given)}

    return _function_explorer(losses.REGISTRY, explorable_losses(), name, "prediction", params, first_controls)


def activation_explorer(name: str = "sigmoid", **params: Any) -> Explorer:
    """An activation and its derivative with the saturated (flat) regions shaded, and its parameters.

    Controls: ``name`` (see ``explorable_activations``), ``input`` (a point marked on both
    curves) and the activation's parameters (negative_slope, alpha, beta, approximate...).
    """

    def first_controls(chosen: str, given: dict[str, Any]) -> dict[str, widgets.Widget]:
        function = activations.REGISTRY[chosen]
        return {"input": slider("input", given.get("input", 1.0), -7.0, 7.0), **parameter_controls(function, 1, given)}

    return _function_explorer(activations.REGISTRY, explorable_activations(), name, "input", params, first_controls)


# --------------------------------------------------------------------------- gradient descent


def _squared_weight(w: np.ndarray) -> float:
    """``mse_loss(w, 0)``: the one-weight loss of notebook 02, minimum at 0, diverges for lr > 1."""
    return float(losses.mse_loss(w, np.zeros_like(w)))


def _squared_weight_grad(w: np.ndarray) -> np.ndarray:
    return losses.mse_loss.grad(w, np.zeros_like(w))


def descent_explorer(
    loss: Callable[[np.ndarray], Any] | None = None,
    grad: Callable[[np.ndarray], Any] | None = None,
    *,
    lr: float = 0.1,
    momentum: float = 0.0,
    steps: int = 20,
    start: float = 2.0,
    method: str = "sgd",
) -> Explorer:
    """Gradient descent on a loss of one weight: the path on the curve and the loss history.

    ``loss``/``grad``: a loss of one weight and its derivative (default ``mse_loss(w, 0)``,
    where lr 0.01 is too small, 0.1-0.9 good and > 1 divergent). ``method``: one of
    ``lossviz.descent.METHODS``; a positive ``momentum`` with ``"sgd"`` is torch's SGD with momentum.
    """
    if (loss is None) != (grad is None):
        raise TypeError("pass both loss and grad, or neither (for the default mse_loss(w, 0))")
    loss = loss or _squared_weight
    grad = grad or _squared_weight_grad
    controls = {
        "lr": slider("lr", lr, 1e-3, 2.0, log=True),
        "momentum": slider("momentum", momentum, 0.0, 0.99),
        "steps": slider("steps", steps, 1, 100, integer=True),
        "start": slider("start", start, -3.0, 3.0),
        "method": dropdown("method", method, METHODS),
    }
    return Explorer(lambda: _descent_scene(loss, grad), lambda values: controls)


def run_descent(loss: Callable[..., Any], grad: Callable[..., Any], *, lr: float, momentum: float, steps: int, start: float, method: str) -> DescentPath:
    """``lossviz.descent.descend`` with torch's convention: "sgd" with momentum > 0 is momentum SGD."""
    if method == "sgd" and momentum > 0:
        method = "momentum"
    return descend(loss, grad, np.float64(start), lr=lr, steps=steps, method=method, momentum=momentum)


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
    history_ax.set_ylim(high * 1e-11, high * 10)
    plain_log_ticks(history_ax)
    setting = history_ax.add_artist(plot.Readout(0.03, 0.97, transform=history_ax.transAxes))

    def draw(lr: float, momentum: float, steps: int, start: float, method: str) -> None:
        path = run_descent(loss, grad, lr=lr, momentum=momentum, steps=steps, start=start, method=method)
        path_plot.update(path)
        setting.set_text(f"{method}, lr={lr:.3g}" + (f", momentum={momentum:.2g}" if method != "adam" and momentum else ""))
        history.update({"loss": path.losses})
        # Round the step axis up to 10, 20, 50 or 100 so that most steps of the slider keep it.
        history_ax.set_xlim(0, next(limit for limit in (10, 20, 50, 100, steps) if limit >= steps))

    return Scene(fig, draw, lambda: [*path_plot.artists, *history.artists, setting])


# --------------------------------------------------------------------------- outliers


def fit_line(
    loss: Any, x: np.ndarray, y: np.ndarray, *, start: tuple[float, float] | None = None, iterations: int = 200, **params: Any
) -> tuple[float, float]:
    """The line ``slope * x + intercept`` minimising ``sum loss(prediction, y)``, by reweighted least squares.

    Each round solves weighted least squares with weights ``psi(r) / r``, ``psi`` the loss's
    derivative (its ``.grad``) at residual ``r``: 2 for MSE, ``1/|r|`` for L1, ``min(1, delta/|r|)``
    for Huber. This converges for convex losses whose ``psi(r)/r`` falls with ``|r|``.
    ``start``: a (slope, intercept) to begin from (the last fit, while a slider moves);
    default the least-squares line.
    """
    design = np.stack([x, np.ones_like(x)], axis=1)
    theta = np.linalg.lstsq(design, y, rcond=None)[0] if start is None else np.array(start, dtype=np.float64)
    floor = 1e-9 * (1.0 + float(np.max(np.abs(y))))  # L1's weight 1/|r| is unbounded at r = 0
    for _ in range(iterations):
        residual = design @ theta - y
        residual = np.where(np.abs(residual) < floor, np.where(residual < 0, -floor, floor), residual)
        weights = loss.grad(y + residual, y, reduction="none", **params) / residual
        weighted = design * weights[:, None]
        new = np.linalg.solve(design.T @ weighted, weighted.T @ y)
        change = float(np.max(np.abs(new - theta)))
        theta = new
        if change <= 1e-12 * (1.0 + float(np.max(np.abs(theta)))):
            break
    return float(theta[0]), float(theta[1])


OUTLIER_LOSSES = {"mse_loss": "#ff7f0e", "l1_loss": "#2ca02c", "huber_loss": "#9467bd"}


def _outlier_scene() -> Scene:
    fig, ax = figure(1, (6.0, 3.0))
    fig.subplots_adjust(left=0.09, right=0.7, bottom=0.15, top=0.9)
    x, y = data.line(20, seed=0)
    ax.scatter(x, y, color="black", s=12, label="data")
    (outlier,) = ax.plot([], [], "o", color=plot.GRAD_COLOR, markersize=8, label="outlier")
    grid = np.array([-0.05, 1.05])
    lines = {name: ax.plot([], [], color=color, label=name)[0] for name, color in OUTLIER_LOSSES.items()}
    readout = ax.add_artist(plot.Readout(1.03, 0.45, transform=ax.transAxes))
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-3.0, 13.0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))

    fits: dict[str, tuple[float, float]] = {}

    def draw(outlier_x: float, outlier_y: float, delta: float) -> None:
        xs, ys = np.append(x, outlier_x), np.append(y, outlier_y)
        outlier.set_data([outlier_x], [outlier_y])
        rows = []
        for name, line in lines.items():
            params = {"delta": delta} if name == "huber_loss" else {}
            # Start from the previous fit: one slider step moves the optimum a little.
            fits[name] = slope, intercept = fit_line(losses.REGISTRY[name], xs, ys, start=fits.get(name), **params)
            line.set_data(grid, slope * grid + intercept)
            rows.append(f"{name:10s} slope {slope:5.2f}")
        readout.set_text("\n".join(rows))

    return Scene(fig, draw, lambda: [outlier, *lines.values(), readout])


def outlier_explorer() -> Explorer:
    """Twenty points near y = 2x + 1 and one outlier you move: lines fitted under MSE, MAE (l1_loss) and Huber."""
    controls = {
        "outlier_x": slider("outlier_x", 0.9, 0.0, 1.0),
        "outlier_y": slider("outlier_y", 10.0, -2.0, 12.0),
        "delta": slider("delta", 1.0, 0.1, 3.0),
    }
    return Explorer(_outlier_scene, lambda values: controls)


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
    loss_ax.legend(loc="upper right")
    for ax in (loss_ax, grad_ax):
        ax.set_xlim(0, 1)

    def draw(gamma: float, alpha: float) -> None:
        focal_line.set_data(p, focal(logits, ones, alpha=alpha, gamma=gamma, reduction="none"))
        focal_grad.set_data(p, focal.grad(logits, ones, alpha=alpha, gamma=gamma, reduction="none"))
        for ax in (loss_ax, grad_ax):
            rescale(ax)

    return Scene(fig, draw, lambda: [focal_line, focal_grad])


def focal_explorer() -> Explorer:
    """Focal loss (``sigmoid_focal_loss``, target 1) against cross-entropy: gamma down-weights easy examples."""
    controls = {"gamma": slider("gamma", 2.0, 0.0, 5.0), "alpha": slider("alpha", 0.25, 0.0, 1.0)}
    return Explorer(_focal_scene, lambda values: controls)


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
    prob_ax.set_ylabel("softmax(z / T)")
    grad_ax.set_title("d cross-entropy / d z", color=plot.GRAD_COLOR)
    readout = prob_ax.add_artist(plot.Readout(0.03, 0.97, transform=prob_ax.transAxes))
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
        readout.set_text(f"T = {temperature:.3g}\ncross-entropy = {float(cross_entropy(scaled, label)):.4f}")
        rescale(grad_ax)

    return Scene(fig, draw, lambda: [*prob_bars, *grad_bars, readout])


def softmax_explorer() -> Explorer:
    """Three logits and a temperature: softmax probabilities, cross-entropy and its gradient (p - onehot) / T."""
    controls = {
        "z0": slider("z0", 2.0, -4.0, 4.0),
        "z1": slider("z1", 1.0, -4.0, 4.0),
        "z2": slider("z2", 0.1, -4.0, 4.0),
        "temperature": slider("temperature", 1.0, 0.1, 10.0, log=True),
        "target": dropdown("target", 0, list(range(CLASSES))),
    }
    return Explorer(_softmax_scene, lambda values: controls)


# --------------------------------------------------------------------------- boxes


BOX_EXPLORER_TARGET = np.array([1.0, 1.0, 3.0, 3.0])


def predicted_box(cx: float, cy: float, width: float, height: float) -> np.ndarray:
    """(x1, y1, x2, y2) of the box with centre (cx, cy) and the given size."""
    return np.array([cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2])


def _box_scene() -> Scene:
    fig, ax = figure(1, (5.4, 3.2))
    fig.subplots_adjust(left=0.1, right=0.62, bottom=0.12, top=0.95)
    drawing = plot.BoxesPlot(ax)
    ax.set_xlim(-2.0, 6.0)
    ax.set_ylim(-1.5, 5.5)
    ax.legend(loc="lower left", bbox_to_anchor=(1.0, 0.0), fontsize=7)

    def draw(cx: float, cy: float, width: float, height: float) -> None:
        drawing.update(predicted_box(cx, cy, width, height), BOX_EXPLORER_TARGET)

    return Scene(fig, draw, lambda: drawing.artists)


def box_explorer() -> Explorer:
    """Move and resize a predicted box against a fixed target: IoU, GIoU, DIoU and CIoU losses."""
    controls = {
        "cx": slider("cx", 2.8, -1.0, 5.0),
        "cy": slider("cy", 2.5, -1.0, 5.0),
        "width": slider("width", 2.0, 0.2, 4.0),
        "height": slider("height", 1.5, 0.2, 4.0),
    }
    return Explorer(_box_scene, lambda values: controls)


# --------------------------------------------------------------------------- finite differences


FD_FUNCTIONS: dict[str, tuple[Callable[[Any], Any], Callable[[float], float]]] = {
    "sin": (np.sin, np.cos),
    "exp": (np.exp, np.exp),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
}


def _fd_scene() -> Scene:
    fig, ax = figure(1, (6.4, 3.0))
    fig.subplots_adjust(left=0.13, right=0.72, bottom=0.16, top=0.9)
    curves = plot.ErrorPlot(ax)
    plain_log_ticks(ax, "x", "y")
    ax.set_xlim(1e-20, 1.0)
    ax.set_ylim(1e-18, 1e3)
    blend = blended_transform_factory(ax.transData, ax.transAxes)
    (step_line,) = ax.plot([], [], color="black", linewidth=1, transform=blend)
    picked = ax.scatter([], [], s=30, zorder=4, edgecolors="black")
    readout = ax.add_artist(plot.Readout(1.03, 0.45, transform=ax.transAxes))
    cache: dict[tuple[str, float], Any] = {}

    def draw(function: str, x0: float, h: float) -> None:
        f, derivative = FD_FUNCTIONS[function]
        if (function, x0) not in cache:
            cache.clear()
            cache[function, x0] = fd_error(f, derivative, x0)
            curves.update(cache[function, x0])
        if ax.get_legend() is None:
            ax.legend(handles=curves.artists, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        at = fd_error(f, derivative, x0, steps=[h])
        keys = list(at.errors)
        errors = np.array([max(float(at.errors[key][0]), plot.ERROR_FLOOR) for key in keys])
        step_line.set_data([h, h], [0, 1])
        picked.set_offsets(np.stack([np.full(len(keys), h), errors], axis=1))
        picked.set_facecolors([plot.METHOD_COLORS[method] for method, _ in keys])
        readout.set_text(f"x0 = {x0:.3g}\nh  = {h:.1e}\n" + "\n".join(f"{method:8s}{dtype[5:]} {error:.1e}" for (method, dtype), error in zip(keys, errors)))
        ax.set_title(f"error of d/dx {function}(x) at x0")

    return Scene(fig, draw, lambda: [*curves.artists, step_line, picked, readout], lambda values: values["function"])


def finite_difference_explorer() -> Explorer:
    """The V curve: relative error of forward, central and complex-step differences against the step h."""
    controls = {
        "function": dropdown("function", "sin", list(FD_FUNCTIONS)),
        "x0": slider("x0", 1.0, -2.0, 2.0),
        "h": slider("h", 1e-5, 1e-16, 1.0, log=True),
    }
    return Explorer(_fd_scene, lambda values: controls)
