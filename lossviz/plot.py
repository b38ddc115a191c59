"""The course's static figures, in one style: a loss is always LOSS_COLOR, its gradient GRAD_COLOR.

Every public function returns ``(fig, ax)`` (or ``(fig, axes)``) and draws only into the
axes it is given or a new figure it makes, never into pyplot's current axes. Each figure
is drawn by a small ``*Plot`` class whose ``update(...)`` changes the data of the artists
it created; ``lossviz.widgets`` reuses those classes so that moving a slider redraws in
place instead of building a new figure.

The 1-D view (``view``) turns any registered loss or activation into a function of one
scalar ``x`` (a prediction, a logit, a box's shift) with its derivative, so that the
same pictures serve ``huber_loss``, ``cross_entropy``, ``giou_loss`` and ``gelu``.
"""

from __future__ import annotations

import contextlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from . import activations, losses
from .check import FDErrorCurve
from .descent import DescentPath

LOSS_COLOR = "#1f77b4"
GRAD_COLOR = "#d62728"
# Further curves (compare_losses, several runs): LOSS_COLOR first, never GRAD_COLOR.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
METHOD_COLORS = {"forward": "#ff7f0e", "central": "#2ca02c", "complex": "#9467bd"}
TARGET_COLOR = "#2ca02c"
FLAT_COLOR = "#7f7f7f"

STYLE: dict[str, Any] = {
    "figure.figsize": (7.0, 3.0),
    "figure.dpi": 100,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
}

# Where the derivative is below this fraction of its largest magnitude, all the way to the
# edge of the plot, the function is flat: a sigmoid's saturation, ReLU's dead side, IoU
# without overlap. Those regions are shaded.
FLAT_FRACTION = 0.05

# Errors of exactly 0 (complex step at a good h) are drawn here so a log axis can show them.
ERROR_FLOOR = 1e-17


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Temporarily apply the course style (fonts, sizes, grid) to figures made inside."""
    with matplotlib.rc_context(STYLE):
        yield


def _figure(ncols: int = 1, figsize: tuple[float, float] | None = None) -> tuple[Figure, Any]:
    """A new pyplot figure (shown by ``plt.show()`` or the notebook) in the course style."""
    import matplotlib.pyplot as plt

    with style():
        if figsize is None:
            width, height = STYLE["figure.figsize"]
            figsize = (width if ncols > 1 else width / 1.6, height)
        return plt.subplots(1, ncols, figsize=figsize, layout="constrained")


def _axes(ax: Any, ncols: int = 1) -> tuple[Figure, Any]:
    if ax is None:
        return _figure(ncols)
    first = ax[0] if isinstance(ax, (list, tuple, np.ndarray)) else ax
    return first.figure, ax


class Readout(Artist):
    """Monospace text drawn from cached images of its characters, for numbers that change every frame.

    Matplotlib lays out and rasterises every character of a ``Text`` on every draw
    (0.1-0.3 ms each here), so a 60-character readout would cost more than the rest of a
    widget's frame; pasting cached character images costs microseconds. ASCII only.
    ``(x, y)`` in ``transform`` coordinates is the top-left corner of the text.
    """

    _glyphs: dict[tuple[str, float, float], np.ndarray] = {}
    _cells: dict[tuple[float, float], tuple[int, int, int, int]] = {}

    def __init__(self, x: float, y: float, text: str = "", *, transform: Any, fontsize: float = 8.0, color: str = "black") -> None:
        super().__init__()
        self._xy = (x, y)
        self._text = text
        self._fontsize = fontsize
        self._rgb = (np.array(to_rgb(color)) * 255).astype(np.uint8)
        self.set_transform(transform)
        self.set_zorder(5)

    def set_text(self, text: str) -> None:
        self._text = str(text)
        self.stale = True

    def get_text(self) -> str:
        return self._text

    def _prop(self) -> FontProperties:
        return FontProperties(family="monospace", size=self._fontsize)

    def _cell(self, dpi: float) -> tuple[int, int, int, int]:
        """(advance, top row, bottom row, line height) in pixels of one character cell."""
        key = (self._fontsize, dpi)
        if key not in self._cells:
            probe = RendererAgg(200, 100, dpi)
            width = probe.get_text_width_height_descent("0" * 20, self._prop(), ismath=False)[0]
            probe.draw_text(probe.new_gc(), 0, 50, "Mgjy|()[]_^'", self._prop(), 0)
            rows = np.flatnonzero(np.asarray(probe.buffer_rgba())[..., 3].max(axis=1))
            height = int(rows[-1] - rows[0] + 1)
            self._cells[key] = (max(int(round(width / 20)), 1), int(rows[0]), int(rows[-1]) + 1, int(np.ceil(1.2 * height)))
        return self._cells[key]

    def _glyph(self, char: str, dpi: float) -> np.ndarray:
        key = (char, self._fontsize, dpi)
        if key not in self._glyphs:
            advance, top, bottom, _ = self._cell(dpi)
            canvas = RendererAgg(advance + 8, 100, dpi)
            canvas.draw_text(canvas.new_gc(), 0, 50, char, self._prop(), 0)
            self._glyphs[key] = np.asarray(canvas.buffer_rgba())[top:bottom, :advance, 3].copy()
        return self._glyphs[key]

    def alpha(self, dpi: float) -> np.ndarray:
        """The text's coverage (rows, columns) in [0, 255] at ``dpi``."""
        advance, top, bottom, line = self._cell(dpi)
        lines = self._text.split("\n")
        out = np.zeros((line * len(lines), advance * max(len(text) for text in lines)), dtype=np.uint8)
        for row, text in enumerate(lines):
            for column, char in enumerate(text):
                if char != " ":
                    out[row * line : row * line + bottom - top, column * advance : (column + 1) * advance] = self._glyph(char, dpi)
        return out

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self._text:
            return
        alpha = self.alpha(renderer.dpi)
        rgba = np.empty((*alpha.shape, 4), dtype=np.uint8)
        rgba[..., :3] = self._rgb
        rgba[..., 3] = alpha
        x, y = self.get_transform().transform(self._xy)
        gc = renderer.new_gc()
        # draw_image puts the array's first row at the bottom.
        renderer.draw_image(gc, round(x), round(y) - alpha.shape[0], np.ascontiguousarray(rgba[::-1]))
        gc.restore()
        self.stale = False


# --------------------------------------------------------------------------- 1-D views


@dataclass(frozen=True)
class View:
    """A function of one scalar with its derivative, both mapping a grid (n,) to (n,)."""

    label: str
    xlabel: str
    x: np.ndarray
    value: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class _Kind:
    """How a family of losses becomes a function of one scalar ``x``.

    ``arguments(x, target)`` builds the loss's positional arguments from the grid;
    ``slope(g)`` turns the gradient w.r.t. the first argument into d loss / dx;
    ``target``: a (low, high) slider range, a tuple of allowed values, or None (fixed).
    """

    xlabel: str
    x: tuple[float, float]
    target: tuple[float, float] | tuple[int, ...] | None
    default_target: float
    arguments: Callable[[np.ndarray, float], tuple[Any, ...]]
    slope: Callable[[np.ndarray], np.ndarray]


def _pointwise(x: np.ndarray, target: float) -> tuple[Any, ...]:
    return x, np.full_like(x, target)


def _ranking(x: np.ndarray, target: float) -> tuple[Any, ...]:
    return x, np.zeros_like(x), np.full_like(x, target)


def _first_class(x: np.ndarray, target: float) -> tuple[Any, ...]:
    """Three classes, the true class 0 has logit x, the others 0."""
    logits = np.zeros((x.size, 3))
    logits[:, 0] = x
    return logits, np.zeros(x.size, dtype=np.int64)


BOX_TARGET = np.array([0.0, 0.0, 2.0, 2.0])


def _shifted_box(x: np.ndarray, target: float) -> tuple[Any, ...]:
    """A 2x2 predicted box shifted right by x (and up by 0.5) against the 2x2 target box."""
    boxes = np.stack([x, np.full_like(x, 0.5), x + 2.0, np.full_like(x, 2.5)], axis=1)
    return boxes, np.broadcast_to(BOX_TARGET, boxes.shape).copy()


_KINDS = {
    "regression": _Kind("prediction x", (-4.0, 4.0), (-2.0, 2.0), 0.0, _pointwise, lambda g: g),
    "count": _Kind("log rate x", (-3.0, 3.0), (0.0, 5.0), 1.0, _pointwise, lambda g: g),
    "logit": _Kind("logit x", (-6.0, 6.0), (0.0, 1.0), 1.0, _pointwise, lambda g: g),
    "probability": _Kind("probability x", (0.001, 0.999), (0.0, 1.0), 1.0, _pointwise, lambda g: g),
    "log_probability": _Kind("log-probability x", (-5.0, 0.0), (0.0, 1.0), 0.5, _pointwise, lambda g: g),
    "sign": _Kind("score x", (-3.0, 3.0), (1, -1), 1.0, _pointwise, lambda g: g),
    "ranking": _Kind("score difference x", (-3.0, 3.0), (1, -1), 1.0, _ranking, lambda g: g),
    "classes": _Kind("logit of the true class x", (-6.0, 6.0), None, 0.0, _first_class, lambda g: g[:, 0]),
    "box": _Kind("shift of the predicted box x", (-4.0, 4.0), None, 0.0, _shifted_box, lambda g: g[:, 0] + g[:, 2]),
}

# Losses whose scalar view is not the pointwise "regression" one. Losses not listed are
# probed with each kind in turn (see ``loss_kind``), so new losses need no entry here.
LOSS_KINDS = {
    "poisson_nll_loss": "count",
    "binary_cross_entropy_with_logits": "logit",
    "sigmoid_focal_loss": "logit",
    "binary_cross_entropy": "probability",
    "kl_div": "log_probability",
    "soft_margin_loss": "sign",
    "hinge_embedding_loss": "sign",
    "hinge": "sign",
    "squared_hinge": "sign",
    "margin_ranking_loss": "ranking",
}

_GRID_POINTS = 401
_FOUND_KINDS: dict[str, str] = {}


def _parameters(function: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    forward = getattr(function, "forward", function)
    return dict(inspect.signature(forward).parameters)


def _first_argument_grad(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.ndarray:
    """The gradient w.r.t. the first argument, whatever else ``function.wrt`` holds."""
    grads = function.grad(*args, **kwargs)
    if len(getattr(function, "wrt", ("input",))) == 1:
        return np.asarray(grads)
    first = next(iter(_parameters(function)))
    return np.asarray(grads[function.wrt.index(first)])


def _label(name: str, params: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{key}={value:g}" if isinstance(value, (int, float)) else f"{key}={value!r}" for key, value in params.items())
    return f"{name}({shown})" if shown else name


def _loss_view(function: Any, kind_name: str, target: float | None, params: dict[str, Any]) -> View:
    kind = _KINDS[kind_name]
    target = kind.default_target if target is None else target
    if "reduction" in _parameters(function):
        params = {**params, "reduction": "none"}

    def value(x: np.ndarray) -> np.ndarray:
        return np.asarray(function(*kind.arguments(np.asarray(x, dtype=np.float64), target), **params), dtype=np.float64)

    def derivative(x: np.ndarray) -> np.ndarray:
        args = kind.arguments(np.asarray(x, dtype=np.float64), target)
        return kind.slope(_first_argument_grad(function, args, params))

    shown = {key: val for key, val in params.items() if key != "reduction"}
    if kind.target is not None:
        shown = {"target": target, **shown}
    grid = np.linspace(*kind.x, _GRID_POINTS)
    return View(_label(function.name, shown), kind.xlabel, grid, value, derivative)


def _probe(view: View) -> bool:
    """True when the view gives finite per-point values and derivatives on a few points."""
    x = np.linspace(view.x[0], view.x[-1], 5)
    try:
        y, dy = view.value(x), view.derivative(x)
    except (TypeError, ValueError, NotImplementedError, IndexError):
        return False
    return y.shape == x.shape and dy.shape == x.shape and bool(np.all(np.isfinite(y)) and np.all(np.isfinite(dy)))


def loss_kind(function: Any, **params: Any) -> str | None:
    """The name of the 1-D view that fits a loss (a key of ``_KINDS``), or None if none does.

    ``params``: values for parameters the loss requires (such as ``gaussian_nll_loss``'s ``var``).
    """
    if function.name in LOSS_KINDS:
        return LOSS_KINDS[function.name]
    if function.name in _FOUND_KINDS:
        return _FOUND_KINDS[function.name]
    for name in ("regression", "sign", "classes", "box"):
        if _probe(_loss_view(function, name, None, params)):
            _FOUND_KINDS[function.name] = name  # a loss's kind does not depend on parameter values
            return name
    return None


def kind_of(name: str) -> _Kind:
    """The 1-D view ``name`` (from ``loss_kind``): its x range, target range and labels."""
    return _KINDS[name]


def _resolve(function: Any) -> Any:
    if isinstance(function, str):
        for registry in (losses.REGISTRY, activations.REGISTRY):
            if function in registry:
                return registry[function]
        raise ValueError(f"function must be a registered loss or activation name, got {function!r}")
    return function


def view(function: Any, *, target: float | None = None, **params: Any) -> View:
    """``function`` (a Function or registry name) as a function of one scalar with its derivative.

    Activations (and any elementwise function with ``.grad``): ``x -> f(x, **params)``.
    Losses: ``x`` is the prediction (or logit, or box shift: see ``LOSS_KINDS``) for a fixed
    ``target``; the value is the per-element loss (``reduction="none"``) and the derivative
    its gradient w.r.t. ``x``. Raises ValueError for a loss with no 1-D view.
    """
    function = _resolve(function)
    if losses.REGISTRY.get(getattr(function, "name", None)) is function:
        kind = loss_kind(function, **params)
        if kind is None:
            raise ValueError(f"{function.name} has no view as a function of one scalar prediction")
        return _loss_view(function, kind, target, params)
    name = getattr(function, "name", getattr(function, "__name__", "f"))
    if "dim" in _parameters(function):
        raise ValueError(f"{name} acts along a dimension, not elementwise: it has no view as a function of one scalar")
    return View(
        _label(name, params),
        "x",
        np.linspace(-7.0, 7.0, _GRID_POINTS),
        lambda x: np.asarray(function(np.asarray(x, dtype=np.float64), **params), dtype=np.float64),
        lambda x: _first_argument_grad(function, (np.asarray(x, dtype=np.float64),), params).astype(np.float64),
    )


def find_kinks(derivative: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *, refine: int = 64) -> np.ndarray:
    """Where ``f'`` jumps (``f`` has a kink) between points of the grid ``x``.

    A step of the sampled derivative larger than 2% of its range is refined ``refine``
    times: a smooth derivative spreads the step over the sub-steps, a jump keeps it in
    one. Returns the kinks' x positions (to within ``(x[1]-x[0]) / refine``).
    """
    dy = derivative(x)
    steps = np.abs(np.diff(dy))
    span = float(np.nanmax(dy) - np.nanmin(dy)) if dy.size else 0.0
    candidates = np.flatnonzero(steps > 0.02 * span) if span > 0 else np.array([], dtype=int)
    if candidates.size == 0:
        return np.array([])
    fractions = np.linspace(0.0, 1.0, refine + 1)
    fine = x[candidates, None] + (x[candidates + 1] - x[candidates])[:, None] * fractions
    fine_steps = np.abs(np.diff(derivative(fine.ravel()).reshape(fine.shape), axis=1))
    biggest = np.argmax(fine_steps, axis=1)
    rows = np.arange(candidates.size)
    is_jump = fine_steps[rows, biggest] > 0.5 * steps[candidates]
    positions = (fine[rows, biggest] + fine[rows, biggest + 1])[is_jump] / 2
    # A kink exactly on a grid point shows up in both neighbouring intervals: merge them.
    merged: list[list[float]] = []
    for position in positions:
        if merged and position - merged[-1][-1] <= 2 * (x[1] - x[0]):
            merged[-1].append(position)
        else:
            merged.append([position])
    return np.array([np.mean(group) for group in merged])


def flat_spans(x: np.ndarray, dy: np.ndarray, fraction: float = FLAT_FRACTION) -> list[tuple[float, float]]:
    """The regions touching either end of ``x`` where ``|f'| < fraction * max|f'|``."""
    magnitude = np.abs(dy)
    largest = float(np.nanmax(magnitude)) if magnitude.size else 0.0
    if largest == 0:
        return []
    flat = magnitude < fraction * largest
    spans = []
    if flat.all():
        return [(float(x[0]), float(x[-1]))]
    if flat[0]:
        spans.append((float(x[0]), float(x[int(np.argmin(flat)) - 1])))  # up to the last flat point
    if flat[-1]:
        spans.append((float(x[x.size - int(np.argmin(flat[::-1]))]), float(x[-1])))
    return spans


# --------------------------------------------------------------------------- f and f'


def _vertical_lines(positions: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Data for one Line2D drawing a full-height line at each position (NaN-separated)."""
    xs = np.repeat(np.asarray(positions, dtype=np.float64), 3)
    ys = np.tile([0.0, 1.0, np.nan], len(positions))
    xs[2::3] = np.nan
    return xs, ys


def _span_vertices(spans: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    return [np.array([[lo, 0.0], [hi, 0.0], [hi, 1.0], [lo, 1.0]]) for lo, hi in spans]


class FunctionPlot:
    """f (LOSS_COLOR) and f' (GRAD_COLOR), kinks as open circles and dotted lines, flat regions shaded.

    ``axes``: two Axes (side by side) or one (overlaid). ``update`` changes data only.
    """

    def __init__(self, axes: Sequence[Axes]) -> None:
        self.axes = list(axes)
        value_ax, grad_ax = self.axes[0], self.axes[-1]
        (self.value_line,) = value_ax.plot([], [], color=LOSS_COLOR, label="f(x)")
        (self.grad_line,) = grad_ax.plot([], [], color=GRAD_COLOR, label="f'(x)")
        (self.kink_points,) = value_ax.plot([], [], "o", color=LOSS_COLOR, markerfacecolor="white", zorder=3, label="kink")
        self.kink_lines = []
        self.flat = []
        for ax in dict.fromkeys(self.axes):  # one shading and one set of kink lines per distinct axes
            blend = blended_transform_factory(ax.transData, ax.transAxes)
            (line,) = ax.plot([], [], ":", color=GRAD_COLOR, linewidth=1, transform=blend)
            shade = PolyCollection([], facecolor=FLAT_COLOR, alpha=0.15, edgecolor="none", transform=blend)
            ax.add_collection(shade, autolim=False)
            self.kink_lines.append(line)
            self.flat.append(shade)
        for ax in self.axes:
            ax.axhline(0.0, color="black", linewidth=0.6, alpha=0.5)

    @property
    def artists(self) -> list[Any]:
        return [self.value_line, self.grad_line, self.kink_points, *self.kink_lines, *self.flat]

    def update(self, x: np.ndarray, y: np.ndarray, dy: np.ndarray, kinks: Sequence[float], flat: Sequence[tuple[float, float]]) -> None:
        self.value_line.set_data(x, y)
        self.grad_line.set_data(x, dy)
        kinks = np.asarray(kinks, dtype=np.float64)
        self.kink_points.set_data(kinks, np.interp(kinks, x, y) if kinks.size else kinks)
        for line, shade in zip(self.kink_lines, self.flat):
            line.set_data(*_vertical_lines(kinks))
            shade.set_verts(_span_vertices(flat))

    def show(self, view: View, x: np.ndarray | None = None, kinks: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draw ``view`` on grid ``x``; ``kinks=None`` finds them. Returns (x, f, f')."""
        x = view.x if x is None else np.asarray(x, dtype=np.float64)
        y, dy = view.value(x), view.derivative(x)
        kinks = find_kinks(view.derivative, x) if kinks is None else kinks
        self.update(x, y, dy, kinks, flat_spans(x, dy))
        return x, y, dy

    def label(self, view: View, title: str | None = None) -> None:
        """Axis labels and titles (``title`` defaults to the view's label, parameters included)."""
        title = view.label if title is None else title
        value_ax, grad_ax = self.axes[0], self.axes[-1]
        value_ax.set_xlabel(view.xlabel)
        grad_ax.set_xlabel(view.xlabel)
        if value_ax is grad_ax:
            value_ax.set_title(title)
            self.value_line.set_label(title)
            self.grad_line.set_label("derivative")
            value_ax.legend(handles=[self.value_line, self.grad_line], loc="best")
        else:
            value_ax.set_title(title, color=LOSS_COLOR)
            grad_ax.set_title("derivative d/dx", color=GRAD_COLOR)


def function_and_derivative(
    function: Any,
    x: Any = None,
    *,
    ax: Any = None,
    kinks: Sequence[float] | None = None,
    title: str | None = None,
    **params: Any,
) -> tuple[Figure, Any]:
    """A loss or activation and its derivative: side by side (``ax`` None or a pair) or overlaid (one Axes).

    ``function``: a Function or registry name; ``params`` its parameters (and ``target``
    for a loss, see ``view``). ``x``: the grid (default: the view's). ``kinks``: x positions
    to mark; None finds them where the derivative jumps, ``()`` marks none. Regions where
    the derivative vanishes towards the edges (saturation, no gradient) are shaded.
    """
    fig, ax = _axes(ax, ncols=2)
    axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
    with style():
        plot = FunctionPlot(axes)
        shown = view(function, **params)
        plot.show(shown, x, kinks)
        plot.label(shown)
        if title is not None:
            fig.suptitle(title)
        for each in axes:
            each.relim()
            each.autoscale_view()
    return fig, ax


def compare_losses(functions_or_curves: Any, x: Any = None, *, ax: Axes | None = None, **params: Any) -> tuple[Figure, Axes]:
    """Several losses on one axis, each in its own colour.

    ``functions_or_curves``: Functions or registry names (each drawn through ``view`` with
    the ``params`` its signature accepts, plus ``target``), or a mapping label -> (x, y).
    """
    fig, ax = _axes(ax)
    if isinstance(functions_or_curves, Mapping):
        curves = {label: (np.asarray(cx), np.asarray(cy)) for label, (cx, cy) in functions_or_curves.items()}
    else:
        curves = {}
        for function in functions_or_curves:
            function = _resolve(function)
            accepted = {key: value for key, value in params.items() if key in _parameters(function) or key == "target"}
            shown = view(function, **accepted)
            grid = shown.x if x is None else np.asarray(x, dtype=np.float64)
            curves[function.name] = (grid, shown.value(grid))
            ax.set_xlabel(shown.xlabel)
    with style():
        for (label, (cx, cy)), color in zip(curves.items(), PALETTE * len(curves)):
            ax.plot(cx, cy, color=color, label=label)
        ax.set_ylabel("loss")
        ax.legend()
    return fig, ax


# --------------------------------------------------------------------------- training curves


class HistoryPlot:
    """One line per run of loss against step; ``update(histories)`` adds or moves lines."""

    def __init__(self, ax: Axes, *, log: bool = False) -> None:
        self.ax = ax
        self.lines: dict[str, Any] = {}
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")

    @property
    def artists(self) -> list[Any]:
        return list(self.lines.values())

    def update(self, histories: Mapping[str, Any]) -> None:
        for label, history in histories.items():
            values = np.asarray(history, dtype=np.float64)
            if label not in self.lines:
                color = LOSS_COLOR if not self.lines and len(histories) == 1 else PALETTE[len(self.lines) % len(PALETTE)]
                (self.lines[label],) = self.ax.plot([], [], color=color, marker="." if values.size < 60 else None, label=label)
            self.lines[label].set_data(np.arange(values.size), values)


def loss_history(histories: Mapping[str, Any], *, log: bool = False, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Loss against step for several runs (``{label: losses}``), optionally on a log scale."""
    fig, ax = _axes(ax)
    with style():
        plot = HistoryPlot(ax, log=log)
        plot.update(histories)
        ax.relim()
        ax.autoscale_view()
        if len(histories) > 1:
            ax.legend()
    return fig, ax


def _evaluate(function: Callable[[np.ndarray], Any], points: np.ndarray) -> np.ndarray:
    """``function`` at each point (one call per point: losses of a weight are not vectorised)."""
    with np.errstate(all="ignore"):
        return np.array([float(function(point)) for point in points])


class DescentPlot:
    """A 1-D loss curve (static) and a descent path on it (moving), with a status text."""

    def __init__(self, ax: Axes, loss: Callable[[np.ndarray], Any], x: np.ndarray) -> None:
        self.ax = ax
        self.curve = _evaluate(loss, x)
        ax.plot(x, self.curve, color=LOSS_COLOR, label="loss")
        (self.path,) = ax.plot([], [], "-o", color=GRAD_COLOR, markersize=4, linewidth=1, label="steps")
        (self.start,) = ax.plot([], [], "s", color="black", markersize=6, label="start")
        self.status = ax.add_artist(Readout(0.03, 0.97, transform=ax.transAxes))
        ax.set_xlabel("w")
        ax.set_ylabel("loss")

    @property
    def artists(self) -> list[Any]:
        return [self.path, self.start, self.status]

    def update(self, path: DescentPath) -> None:
        points = np.asarray(path.points, dtype=np.float64).reshape(len(path.losses))
        self.path.set_data(points, path.losses)
        self.start.set_data(points[:1], path.losses[:1])
        finite = path.losses[np.isfinite(path.losses)]
        self.status.set_text("diverged" if path.diverged else f"final loss {finite[-1]:.4g} after {finite.size - 1} steps")


def descent_path_1d(loss: Callable[[np.ndarray], Any], path: DescentPath, *, x: Any = None, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """The loss curve over ``x`` (default: the finite path points, padded) and the path's steps on it."""
    fig, ax = _axes(ax)
    points = np.asarray(path.points, dtype=np.float64).ravel()
    if x is None:
        finite = points[np.isfinite(points)]
        reach = max(float(np.max(np.abs(finite))), 1e-3) * 1.2
        x = np.linspace(-reach, reach, 200)
    with style():
        plot = DescentPlot(ax, loss, np.asarray(x, dtype=np.float64))
        plot.update(path)
        ax.legend(loc="upper right")
    return fig, ax


def descent_path_2d(loss: Callable[[np.ndarray], Any], path: DescentPath, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Contours of a loss of two weights around the path, and the path's steps on them."""
    fig, ax = _axes(ax)
    points = np.asarray(path.points, dtype=np.float64)
    finite = points[np.all(np.isfinite(points), axis=1)]
    low, high = finite.min(axis=0), finite.max(axis=0)
    pad = np.maximum(0.25 * (high - low), 0.5)
    grid_x, grid_y = (np.linspace(low[i] - pad[i], high[i] + pad[i], 60) for i in range(2))
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y)
    values = _evaluate(loss, np.stack([mesh_x.ravel(), mesh_y.ravel()], axis=1)).reshape(mesh_x.shape)
    with style():
        contours = ax.contour(mesh_x, mesh_y, values, levels=15, cmap="Blues_r", linewidths=1)
        ax.clabel(contours, fontsize=7)
        ax.plot(finite[:, 0], finite[:, 1], "-o", color=GRAD_COLOR, markersize=4, linewidth=1, label="steps")
        ax.plot(finite[:1, 0], finite[:1, 1], "s", color="black", markersize=6, label="start")
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.legend(loc="upper right")
    return fig, ax


# --------------------------------------------------------------------------- finite differences


class ErrorPlot:
    """The V curves: relative error of each method (colour) and precision (line style) against h."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.lines: dict[tuple[str, str], Any] = {}
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("step h")
        ax.set_ylabel("relative error")

    @property
    def artists(self) -> list[Any]:
        return list(self.lines.values())

    def update(self, curve: FDErrorCurve) -> None:
        for (method, dtype), errors in curve.errors.items():
            if (method, dtype) not in self.lines:
                style_ = "-" if dtype == "float64" else "--"
                (self.lines[method, dtype],) = self.ax.plot([], [], style_, color=METHOD_COLORS.get(method, "black"), label=f"{method} {dtype}")
            self.lines[method, dtype].set_data(curve.steps, np.maximum(errors, ERROR_FLOOR))


def error_vs_step(curve: FDErrorCurve, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """``lossviz.check.fd_error``'s curves on log-log axes; exact zeros drawn at ERROR_FLOOR."""
    fig, ax = _axes(ax)
    with style():
        plot = ErrorPlot(ax)
        plot.update(curve)
        ax.relim()
        ax.autoscale_view()
        ax.legend(fontsize=7, ncols=2)
    return fig, ax


# --------------------------------------------------------------------------- classifiers and boxes


def decision_boundary(predict: Callable[[np.ndarray], Any], points: Any, labels: Any, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Regions a 2-D classifier assigns to each class, its boundary, and the labelled points.

    ``predict``: (m, 2) points -> (m,) integer labels, or (m, C) scores whose argmax is the class.
    ``points``: (n, 2); ``labels``: (n,) integers.
    """
    fig, ax = _axes(ax)
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low) + 1e-9
    mesh_x, mesh_y = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], 200), np.linspace(low[1] - pad[1], high[1] + pad[1], 200))
    predicted = np.asarray(predict(np.stack([mesh_x.ravel(), mesh_y.ravel()], axis=1)))
    classes = predicted.argmax(axis=1) if predicted.ndim == 2 else predicted.astype(np.int64)
    classes = classes.reshape(mesh_x.shape)
    count = int(max(classes.max(), labels.max())) + 1
    colors = matplotlib.colors.ListedColormap([PALETTE[k % len(PALETTE)] for k in range(count)])
    with style():
        ax.pcolormesh(mesh_x, mesh_y, classes, cmap=colors, vmin=-0.5, vmax=count - 0.5, alpha=0.2, shading="auto")
        ax.contour(mesh_x, mesh_y, classes, levels=np.arange(count - 1) + 0.5, colors="black", linewidths=1)
        ax.scatter(points[:, 0], points[:, 1], c=labels, cmap=colors, vmin=-0.5, vmax=count - 0.5, s=14, edgecolors="white", linewidths=0.5)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    return fig, ax


BOX_LOSSES = ("iou_loss", "giou_loss", "diou_loss", "ciou_loss")


def box_losses(predicted: Any, target: Any) -> dict[str, float]:
    """Each registered box loss (``BOX_LOSSES``) of one predicted box (4,) against one target (4,)."""
    pair = np.asarray(predicted, dtype=np.float64).reshape(1, 4), np.asarray(target, dtype=np.float64).reshape(1, 4)
    return {name: float(np.asarray(losses.REGISTRY[name](*pair)).reshape(-1)[0]) for name in BOX_LOSSES}


def _corners(box: np.ndarray) -> tuple[tuple[float, float], float, float]:
    return (float(box[0]), float(box[1])), float(box[2] - box[0]), float(box[3] - box[1])


class BoxesPlot:
    """Target and predicted boxes (x1, y1, x2, y2), their enclosing box, centre distance, and the losses."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.target = ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, edgecolor=TARGET_COLOR, linewidth=2, label="target"))
        self.predicted = ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=LOSS_COLOR, alpha=0.25, edgecolor=LOSS_COLOR, linewidth=2, label="predicted"))
        self.enclosing = ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, edgecolor=FLAT_COLOR, linestyle="--", linewidth=1, label="enclosing box"))
        (self.centres,) = ax.plot([], [], ":o", color=GRAD_COLOR, markersize=3, linewidth=1, label="centre distance")
        self.values = ax.add_artist(Readout(1.03, 0.98, transform=ax.transAxes))
        ax.set_aspect("equal")

    @property
    def artists(self) -> list[Any]:
        return [self.target, self.predicted, self.enclosing, self.centres, self.values]

    def update(self, predicted: Any, target: Any) -> dict[str, float]:
        predicted, target = np.asarray(predicted, dtype=np.float64), np.asarray(target, dtype=np.float64)
        for patch, box in ((self.target, target), (self.predicted, predicted)):
            (x0, y0), width, height = _corners(box)
            patch.set_xy((x0, y0))
            patch.set_width(width)
            patch.set_height(height)
        outer = np.concatenate([np.minimum(predicted[:2], target[:2]), np.maximum(predicted[2:], target[2:])])
        (x0, y0), width, height = _corners(outer)
        self.enclosing.set_xy((x0, y0))
        self.enclosing.set_width(width)
        self.enclosing.set_height(height)
        centres = np.stack([(predicted[:2] + predicted[2:]) / 2, (target[:2] + target[2:]) / 2])
        self.centres.set_data(centres[:, 0], centres[:, 1])
        values = box_losses(predicted, target)
        self.values.set_text("\n".join(f"{name:9s} {value:6.3f}" for name, value in values.items()))
        return values


def boxes(predicted: Any, target: Any, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """A predicted and a target box (x1, y1, x2, y2) with the IoU/GIoU/DIoU/CIoU losses between them."""
    fig, ax = _axes(ax)
    with style():
        plot = BoxesPlot(ax)
        plot.update(predicted, target)
        corners = np.stack([np.asarray(predicted, dtype=np.float64), np.asarray(target, dtype=np.float64)])
        low, high = corners[:, :2].min(axis=0), corners[:, 2:].max(axis=0)
        pad = 0.15 * float(np.max(high - low))
        ax.set_xlim(low[0] - pad, high[0] + pad)
        ax.set_ylim(low[1] - pad, high[1] + pad)
        ax.legend(loc="lower left", fontsize=7)
    return fig, ax
