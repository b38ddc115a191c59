"""The course's figures, in one style: a loss is always LOSS_COLOR, its gradient GRAD_COLOR.

Importing this module applies the course style (``STYLE``) to matplotlib once, so every
figure of a notebook has it, those made directly with ``plt.subplots`` too; ``figure()``
makes a figure of the standard width (``WIDTH``). Helpers keep pictures readable:
``legend_outside`` (no legend over data), ``integer_ticks`` (counts, layer numbers) and
``log_ticks`` (every log axis labelled ``10⁻²``, one way everywhere).

Every drawing function returns ``(fig, ax)`` (or ``(fig, axes)``) and draws only into the
axes it is given or a new figure it makes, never into pyplot's current axes. Each figure
is drawn by a small ``*Plot`` class whose ``update(...)`` changes the data of the artists
it created; ``lossviz.widgets`` reuses those classes so that moving a slider redraws in
place instead of building a new figure. What a loss looks like as a function of one
number comes from ``lossviz.views``; this module only draws it.

Examples
--------
>>> fig, (ax_f, ax_df) = function_and_derivative("huber_loss", delta=1.0)
>>> ax_f.get_title(), ax_df.get_title()
('huber_loss(target=0, delta=1)', 'derivative d/dx')
>>> float(fig.get_figwidth()) == WIDTH
True
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
from matplotlib.transforms import Bbox, blended_transform_factory

from . import losses
from .check import FDErrorCurve
from .descent import DescentPath
from .views import View, find_kinks, flat_spans, parameters, view

__all__ = [
    "LOSS_COLOR",
    "GRAD_COLOR",
    "PALETTE",
    "METHOD_COLORS",
    "TARGET_COLOR",
    "FLAT_COLOR",
    "STYLE",
    "WIDTH",
    "HEIGHT",
    "ERROR_FLOOR",
    "style",
    "figure",
    "legend_outside",
    "integer_ticks",
    "log_ticks",
    "central_limits",
    "Readout",
    "FunctionPlot",
    "function_and_derivative",
    "compare_losses",
    "HistoryPlot",
    "loss_history",
    "DescentPlot",
    "descent_path_1d",
    "descent_path_2d",
    "ErrorPlot",
    "error_vs_step",
    "decision_boundary",
    "BOX_LOSSES",
    "box_losses",
    "BoxesPlot",
    "box_table",
    "boxes",
    "MARGIN_LOSSES",
    "two_class_cosines",
    "MarginCirclePlot",
    "margin_circle",
]

LOSS_COLOR = "#1f77b4"
GRAD_COLOR = "#d62728"
# Further curves (compare_losses, several runs): LOSS_COLOR first, never GRAD_COLOR.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
METHOD_COLORS = {"forward": "#ff7f0e", "central": "#2ca02c", "complex": "#9467bd"}
TARGET_COLOR = "#2ca02c"
FLAT_COLOR = "#7f7f7f"

# One standard width for every figure, explorers included: 960 pixels at 100 dpi, the
# width of JupyterLab's output area in a 1280-pixel window.
WIDTH = 9.6
HEIGHT = 3.2

STYLE: dict[str, Any] = {
    "figure.figsize": (WIDTH, HEIGHT),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
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

# Errors of exactly 0 (complex step at a good h) are drawn here so a log axis can show them.
ERROR_FLOOR = 1e-17


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply the course style to the figures made inside, and restore the settings after.

    Importing ``lossviz.plot`` already applies ``STYLE`` for the whole session; this
    context is for code that changed matplotlib's settings since, and for tests.

    Examples
    --------
    >>> with matplotlib.rc_context({"axes.grid": False}):
    ...     with style():
    ...         matplotlib.rcParams["axes.grid"]
    True
    """
    with matplotlib.rc_context(STYLE):
        yield


matplotlib.rcParams.update(STYLE)


def figure(ncols: int = 1, nrows: int = 1, *, height: float | None = None, **subplots: Any) -> tuple[Figure, Any]:
    """A new pyplot figure of the standard width in the course style, with its axes.

    Parameters
    ----------
    ncols, nrows : int, default 1
        Panels side by side and one under the other.
    height : float, optional
        In inches; default ``HEIGHT`` per row.
    **subplots
        Passed to ``plt.subplots`` (``sharey=True``, ``subplot_kw=...``).

    Returns
    -------
    fig : Figure
    axes : Axes or ndarray of Axes
        As ``plt.subplots`` returns them.

    Raises
    ------
    ValueError
        For fewer than one row or column, or a height that is not positive.

    Examples
    --------
    >>> fig, axes = figure(3)
    >>> len(axes), float(fig.get_figwidth())
    (3, 9.6)
    """
    import matplotlib.pyplot as plt

    for name, count in (("ncols", ncols), ("nrows", nrows)):
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
            raise ValueError(f"{name} must be a positive int, got {count!r}")
    height = HEIGHT * nrows if height is None else height
    if not np.isfinite(height) or height <= 0:
        raise ValueError(f"height must be a positive number of inches, got {height!r}")
    with style():
        return plt.subplots(nrows, ncols, figsize=(WIDTH, height), layout="constrained", **subplots)


def _axes(ax: Any, ncols: int = 1) -> tuple[Figure, Any]:
    if ax is None:
        return figure(ncols)
    first = ax[0] if isinstance(ax, (list, tuple, np.ndarray)) else ax
    if not isinstance(first, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or a sequence of them), got {type(first).__name__}")
    return first.figure, ax


def legend_outside(ax: Axes, *, handles: Sequence[Any] | None = None, **options: Any) -> Any:
    """A legend beside the axes (right of its top corner), where it cannot cover data.

    Parameters
    ----------
    ax : Axes
    handles : sequence of artists, optional
        Default: every labelled artist of ``ax``.
    **options
        Passed to ``Axes.legend`` (``title=``, ``ncols=``...).

    Returns
    -------
    Legend

    Examples
    --------
    >>> fig, ax = figure()
    >>> _ = ax.plot([0, 1], [0, 1], label="a line")
    >>> legend = legend_outside(ax)
    >>> fig.canvas.draw()
    >>> bool(legend.get_window_extent().x0 >= ax.get_window_extent().x1)
    True
    """
    kwargs = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, **options}
    return ax.legend(**kwargs) if handles is None else ax.legend(handles=handles, **kwargs)


def integer_ticks(ax: Axes, *axes: str) -> None:
    """Ticks on whole numbers only, for counts (steps, epochs, layer numbers).

    Parameters
    ----------
    ax : Axes
    *axes : {"x", "y"}
        Which axes of ``ax``; default ``"x"``.

    Examples
    --------
    >>> fig, ax = figure()
    >>> _ = ax.plot([1, 2, 3], [0.5, 0.2, 0.1])
    >>> integer_ticks(ax)
    >>> all(float(t).is_integer() for t in ax.get_xticks())
    True
    """
    for name in axes or ("x",):
        getattr(ax, f"{name}axis").set_major_locator(MaxNLocator(integer=True))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, position: Any = None) -> str:
    """``10⁻²`` for 0.01: plain text (no mathtext, fast to draw), one look on every log axis."""
    if not value > 0:
        return ""
    exponent = np.log10(value)
    nearest = int(round(exponent))
    return "10" + str(nearest).translate(_SUPERSCRIPT) if abs(exponent - nearest) < 1e-6 else ""


def log_ticks(ax: Axes, *axes: str, numticks: int = 7) -> None:
    """Put ``axes`` of ``ax`` on a log scale with decades labelled ``10⁻²``, ``10⁰``, ``10²``.

    matplotlib's own labels mix "100" with "1e-02" (``LogFormatter``) or use mathtext,
    which costs a widget half its frame time; this is the course's one way.

    Parameters
    ----------
    ax : Axes
    *axes : {"x", "y"}
        Default ``"y"``.
    numticks : int, default 7
        At most this many labelled decades (every k-th decade when the range is wider).

    Examples
    --------
    >>> fig, ax = figure()
    >>> _ = ax.plot([1, 2, 3], [1e-4, 1e-2, 1.0])
    >>> log_ticks(ax)
    >>> ax.yaxis.get_major_formatter()(0.01)
    '10⁻²'
    """
    for name in axes or ("y",):
        getattr(ax, f"set_{name}scale")("log")
        axis = getattr(ax, f"{name}axis")
        axis.set_major_locator(LogLocator(numticks=numticks))
        axis.set_major_formatter(FuncFormatter(_power_of_ten))
        axis.set_minor_formatter(NullFormatter())


def central_limits(values: Any, *, share: float = 0.9, pad: float = 0.15) -> tuple[float, float] | None:
    """Axis limits for ``values`` that a few extreme points cannot flatten into a spike.

    When the finite values span more than three times their central ``share`` (a pole
    such as BCE's slope ``-1/p`` near ``p = 0``), the limits hold the central part and the
    curve leaves the axes at its ends; otherwise they hold every value.

    Parameters
    ----------
    values : array_like
    share : float, default 0.9
        The central fraction of the sorted values that must stay visible.
    pad : float, default 0.15
        Space added on each side, as a fraction of the span.

    Returns
    -------
    (float, float) or None
        None when no value is finite.

    Examples
    --------
    >>> p = np.linspace(0.01, 0.99, 99)
    >>> low, high = central_limits(-1 / p)  # BCE's slope at target 1
    >>> low > -25 and high > -1
    True
    >>> central_limits(np.array([0.0, 1.0]))
    (-0.15, 1.15)
    """
    finite = np.asarray(values, dtype=np.float64).ravel()
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    inner_low, inner_high = np.quantile(finite, [(1 - share) / 2, (1 + share) / 2])
    if high - low > 3 * (inner_high - inner_low) > 0:
        low, high = float(inner_low), float(inner_high)
    span = max(high - low, 1e-12)
    return low - pad * span, high + pad * span



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

    def get_window_extent(self, renderer: Any = None) -> Bbox:
        """Where the text lands, in display pixels (for layout checks: it must not meet the axes)."""
        dpi = self.figure.dpi if renderer is None else renderer.dpi
        alpha = self.alpha(dpi) if self._text else np.zeros((0, 0))
        x, y = self.get_transform().transform(self._xy)
        return Bbox.from_bounds(round(x), round(y) - alpha.shape[0], alpha.shape[1], alpha.shape[0])

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



# --------------------------------------------------------------------------- f and f'


def _vertical_lines(positions: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Data for one Line2D drawing a full-height line at each position (NaN-separated)."""
    xs = np.repeat(np.asarray(positions, dtype=np.float64), 3)
    ys = np.tile([0.0, 1.0, np.nan], len(positions))
    xs[2::3] = np.nan
    return xs, ys


def _span_vertices(spans: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    return [np.array([[lo, 0.0], [hi, 0.0], [hi, 1.0], [lo, 1.0]]) for lo, hi in spans]


def _grid(name: str, x: Any) -> np.ndarray:
    grid = np.asarray(x, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(f"{name} must be a 1-D grid of at least 2 points, got shape {grid.shape}")
    return grid


class FunctionPlot:
    """f (LOSS_COLOR) and f' (GRAD_COLOR), kinks as open circles and dotted lines, flat regions shaded.

    ``axes``: two Axes (side by side) or one (overlaid). ``update`` changes data only.
    """

    def __init__(self, axes: Sequence[Axes]) -> None:
        self.axes = list(axes)
        if not 1 <= len(self.axes) <= 2:
            raise ValueError(f"axes must be one Axes or two, got {len(self.axes)}")
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
        x = view.x if x is None else _grid("x", x)
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
            legend_outside(value_ax, handles=[self.value_line, self.grad_line])
        else:
            value_ax.set_title(title, color=LOSS_COLOR)
            grad_ax.set_title("derivative d/dx", color=GRAD_COLOR)

    def fit(self) -> None:
        """Limits that hold the curves (the derivative's central part when it has a pole)."""
        for ax in dict.fromkeys(self.axes):
            ax.relim()
            ax.autoscale_view()
        grad_ax = self.axes[-1]
        limits = central_limits(self.grad_line.get_ydata())
        if grad_ax is not self.axes[0] and limits is not None:
            grad_ax.set_ylim(*limits)


def function_and_derivative(
    function: Any,
    x: Any = None,
    *,
    ax: Any = None,
    kinks: Sequence[float] | None = None,
    title: str | None = None,
    **params: Any,
) -> tuple[Figure, Any]:
    """A loss or activation and its derivative, side by side or overlaid.

    Kinks (where the derivative jumps) are marked; regions where the derivative vanishes
    towards the edges (saturation, no gradient) are shaded.

    Parameters
    ----------
    function : Function or str
        A registered loss or activation, or its name.
    x : array_like, optional
        The grid (1-D, at least 2 points); default the view's.
    ax : Axes or pair of Axes, optional
        Two Axes: side by side; one Axes: overlaid; None: a new figure with two panels.
    kinks : sequence of float, optional
        Positions to mark; None finds them, ``()`` marks none.
    title : str, optional
        A title over the figure.
    **params
        The function's parameters, and ``target`` for a loss (see ``lossviz.views.view``).

    Returns
    -------
    fig : Figure
    ax : Axes or pair of Axes

    Raises
    ------
    ValueError
        For a function with no view, a grid that is not 1-D, or more than two Axes.

    Examples
    --------
    >>> fig, (ax_f, ax_df) = function_and_derivative("relu")
    >>> ax_f.lines[1].get_xdata()  # the kink, found where relu' jumps
    array([0.])
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
        plot.fit()
    return fig, ax


def compare_losses(functions_or_curves: Any, x: Any = None, *, ax: Axes | None = None, **params: Any) -> tuple[Figure, Axes]:
    """Several losses on one axis, each in its own colour, the legend beside the axes.

    Parameters
    ----------
    functions_or_curves : sequence of Function or str, or mapping of str to (x, y)
        Losses (each drawn through ``lossviz.views.view`` with the ``params`` it takes,
        plus ``target``) or ready curves.
    x : array_like, optional
        The grid (default: each view's own).
    ax : Axes, optional
    **params
        Parameters, each passed to the losses that take it.

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        For an empty selection, a curve whose x and y differ in length, or a loss
        without a view.

    Examples
    --------
    >>> fig, ax = compare_losses(["mse_loss", "l1_loss"], target=0.0)
    >>> [line.get_label() for line in ax.lines]
    ['mse_loss', 'l1_loss']
    """
    if isinstance(functions_or_curves, Mapping):
        curves = {}
        for label, curve in functions_or_curves.items():
            cx, cy = (np.asarray(part, dtype=np.float64) for part in curve)
            if cx.shape != cy.shape or cx.ndim != 1:
                raise ValueError(f"functions_or_curves[{label!r}] must be (x, y) of one length, got shapes {cx.shape} and {cy.shape}")
            curves[label] = (cx, cy)
        xlabel = None
    else:
        curves, xlabel = {}, None
        for function in functions_or_curves:
            accepted = {key: value for key, value in params.items() if key in parameters(function) or key == "target"}
            shown = view(function, **accepted)
            grid = shown.x if x is None else _grid("x", x)
            curves[shown.label.split("(")[0]] = (grid, shown.value(grid))
            xlabel = shown.xlabel
    if not curves:
        raise ValueError("functions_or_curves must name at least one loss or curve")
    fig, ax = _axes(ax)
    with style():
        for (label, (cx, cy)), color in zip(curves.items(), PALETTE * len(curves)):
            ax.plot(cx, cy, color=color, label=label)
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        ax.set_ylabel("loss")
        legend_outside(ax)
    return fig, ax


# --------------------------------------------------------------------------- training curves


def _history(label: str, history: Any) -> np.ndarray:
    values = np.asarray(history, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"histories[{label!r}] must be a non-empty 1-D sequence of losses, got shape {values.shape}")
    return values


class HistoryPlot:
    """One line per run of loss against step; ``update(histories)`` adds or moves lines."""

    def __init__(self, ax: Axes, *, log: bool = False) -> None:
        self.ax = ax
        self.lines: dict[str, Any] = {}
        if log:
            log_ticks(ax)
        integer_ticks(ax)
        ax.set_xlabel("step")
        ax.set_ylabel("loss")

    @property
    def artists(self) -> list[Any]:
        return list(self.lines.values())

    def update(self, histories: Mapping[str, Any]) -> None:
        for label, history in histories.items():
            values = _history(label, history)
            if label not in self.lines:
                color = LOSS_COLOR if not self.lines and len(histories) == 1 else PALETTE[len(self.lines) % len(PALETTE)]
                (self.lines[label],) = self.ax.plot([], [], color=color, marker="." if values.size < 60 else None, label=label)
            self.lines[label].set_data(np.arange(values.size), values)


def loss_history(histories: Mapping[str, Any], *, log: bool = False, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Loss against step for several runs, optionally on a log scale.

    Parameters
    ----------
    histories : mapping of str to sequence of float
        ``{label: losses}``, one non-empty 1-D sequence per run.
    log : bool, default False
        A log loss axis (ticks ``10⁻²``...).
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        For no runs, or a run that is not a non-empty 1-D sequence.
    TypeError
        For ``histories`` that is not a mapping.

    Examples
    --------
    >>> fig, ax = loss_history({"lr 0.1": [4.0, 1.0, 0.25]}, log=True)
    >>> ax.lines[0].get_ydata()
    array([4.  , 1.  , 0.25])
    """
    if not isinstance(histories, Mapping):
        raise TypeError(f"histories must be a mapping {{label: losses}}, got {type(histories).__name__}")
    if not histories:
        raise ValueError("histories must hold at least one run")
    checked = {label: _history(label, history) for label, history in histories.items()}
    fig, ax = _axes(ax)
    with style():
        plot = HistoryPlot(ax, log=log)
        plot.update(checked)
        ax.relim()
        ax.autoscale_view()
        if len(checked) > 1:
            legend_outside(ax)
    return fig, ax


def _evaluate(function: Callable[[np.ndarray], Any], points: np.ndarray) -> np.ndarray:
    """``function`` at each point (one call per point: losses of a weight are not vectorised)."""
    with np.errstate(all="ignore"):
        return np.array([float(np.asarray(function(point)).reshape(())) for point in points])


def _path(path: Any, dim: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(path, DescentPath):
        raise TypeError(f"path must be a lossviz.descent.DescentPath, got {type(path).__name__}")
    points, values = np.asarray(path.points, dtype=np.float64), np.asarray(path.losses, dtype=np.float64)
    if dim == 1:
        if points.size != values.size:
            raise ValueError(f"path must be of one weight: {values.size} losses but points of shape {points.shape}")
        points = points.reshape(values.size)
    elif dim is not None and (points.ndim != 2 or points.shape[1] != dim):
        raise ValueError(f"path must be of {dim} weights: points of shape (steps + 1, {dim}), got {points.shape}")
    return points, values


class DescentPlot:
    """A 1-D loss curve (static) and a descent path on it (moving)."""

    def __init__(self, ax: Axes, loss: Callable[[np.ndarray], Any], x: np.ndarray) -> None:
        self.ax = ax
        self.curve = _evaluate(loss, x)
        ax.plot(x, self.curve, color=LOSS_COLOR, label="loss")
        (self.path,) = ax.plot([], [], "-o", color=GRAD_COLOR, markersize=4, linewidth=1, label="steps")
        (self.start,) = ax.plot([], [], "s", color="black", markersize=6, label="start")
        ax.set_xlabel("w")
        ax.set_ylabel("loss")

    @property
    def artists(self) -> list[Any]:
        return [self.path, self.start]

    def update(self, path: DescentPath) -> str:
        """Move the path; return a status line ("diverged", or the final loss)."""
        points, values = _path(path, 1)
        self.path.set_data(points, values)
        self.start.set_data(points[:1], values[:1])
        finite = values[np.isfinite(values)]
        return "diverged" if path.diverged else f"final loss {_plain(finite[-1])} after {finite.size - 1} steps"


def _plain(value: float, digits: int = 4) -> str:
    """A number in plain decimals where they fit in a few characters (0.0123, 12.5), else 1.2e-07."""
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    if 1e-4 <= abs(value) < 1e5:
        decimals = max(digits - 1 - int(np.floor(np.log10(abs(value)))), 0)
        text = f"{value:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:.{digits - 1}e}"


def descent_path_1d(loss: Callable[[np.ndarray], Any], path: DescentPath, *, x: Any = None, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """The loss curve of one weight and a descent path's steps on it.

    Parameters
    ----------
    loss : callable
        ``loss(w)`` for a weight ``w``.
    path : DescentPath
        Of one weight (``lossviz.descent.descend`` from a scalar start).
    x : array_like, optional
        The grid of weights (default: around the finite path points).
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    TypeError
        When ``path`` is not a DescentPath or ``loss`` is not callable.
    ValueError
        For a path of several weights, or an ``x`` that is not a 1-D grid.

    Examples
    --------
    >>> from lossviz.descent import descend
    >>> path = descend(lambda w: float(w**2), lambda w: 2 * w, 2.0, lr=0.25, steps=3)
    >>> fig, ax = descent_path_1d(lambda w: w**2, path)
    >>> ax.lines[1].get_xdata()  # w <- w - 0.25 * 2 w halves w
    array([2.  , 1.  , 0.5 , 0.25])
    """
    if not callable(loss):
        raise TypeError(f"loss must be callable, got {type(loss).__name__}")
    points, _ = _path(path, 1)
    if x is None:
        finite = points[np.isfinite(points)]
        reach = max(float(np.max(np.abs(finite))), 1e-3) * 1.2
        x = np.linspace(-reach, reach, 200)
    grid = _grid("x", x)
    fig, ax = _axes(ax)
    with style():
        plot = DescentPlot(ax, loss, grid)
        plot.update(path)
        legend_outside(ax)
    return fig, ax


def descent_path_2d(loss: Callable[[np.ndarray], Any], path: DescentPath, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Contours of a loss of two weights around a descent path, and the path's steps.

    Parameters
    ----------
    loss : callable
        ``loss(w)`` for ``w`` of shape (2,).
    path : DescentPath
        Of two weights.
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        For a path that is not of two weights.

    Examples
    --------
    >>> from lossviz.descent import descend
    >>> path = descend(lambda w: float(w @ w), lambda w: 2 * w, [1.0, 1.0], lr=0.25, steps=2)
    >>> fig, ax = descent_path_2d(lambda w: w @ w, path)
    >>> ax.lines[0].get_xdata()
    array([1.  , 0.5 , 0.25])
    """
    if not callable(loss):
        raise TypeError(f"loss must be callable, got {type(loss).__name__}")
    points, _ = _path(path, 2)
    fig, ax = _axes(ax)
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
        legend_outside(ax)
    return fig, ax


# --------------------------------------------------------------------------- finite differences


def _method_style(method: str, dtype: str) -> dict[str, Any]:
    """How each curve of the V plot looks, so that none hides another.

    float64 wide and pale, float32 thin and dashed on top of it (where truncation error
    rules, the two coincide); complex step dotted with markers (it sits on the floor).
    """
    color = METHOD_COLORS.get(method, "black")
    if method == "complex":
        marker = "o" if dtype == "float64" else "s"
        return {"color": color, "linestyle": ":", "marker": marker, "markersize": 3.5, "markevery": 2, "linewidth": 1.2, "zorder": 3}
    if dtype == "float64":
        return {"color": color, "linestyle": "-", "linewidth": 3.2, "alpha": 0.45, "zorder": 2}
    return {"color": color, "linestyle": "--", "linewidth": 1.3, "zorder": 2.5}


class ErrorPlot:
    """The V curves: relative error of each method (colour) and precision (line style) against h."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.lines: dict[tuple[str, str], Any] = {}
        log_ticks(ax, "x", "y")
        ax.set_xlabel("step h")
        ax.set_ylabel("relative error")

    @property
    def artists(self) -> list[Any]:
        return list(self.lines.values())

    def update(self, curve: FDErrorCurve) -> None:
        if not isinstance(curve, FDErrorCurve):
            raise TypeError(f"curve must be a lossviz.check.FDErrorCurve (from fd_error), got {type(curve).__name__}")
        for (method, dtype), errors in curve.errors.items():
            if (method, dtype) not in self.lines:
                (self.lines[method, dtype],) = self.ax.plot([], [], label=f"{method} {dtype}", **_method_style(method, dtype))
            self.lines[method, dtype].set_data(curve.steps, np.maximum(errors, ERROR_FLOOR))


def error_vs_step(curve: FDErrorCurve, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """``lossviz.check.fd_error``'s curves on log-log axes, every curve visible.

    Each method has its colour; float64 is drawn wide and pale, float32 thin and dashed
    over it, complex step dotted with markers; exact zeros are drawn at ``ERROR_FLOOR``.
    The legend stands beside the axes.

    Parameters
    ----------
    curve : FDErrorCurve
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    TypeError
        When ``curve`` is not an FDErrorCurve.

    Examples
    --------
    >>> from lossviz.check import fd_error
    >>> fig, ax = error_vs_step(fd_error(np.sin, np.cos, 1.0))
    >>> sorted(line.get_label() for line in ax.lines)[:2]
    ['central float32', 'central float64']
    """
    if not isinstance(curve, FDErrorCurve):
        raise TypeError(f"curve must be a lossviz.check.FDErrorCurve (from fd_error), got {type(curve).__name__}")
    fig, ax = _axes(ax)
    with style():
        plot = ErrorPlot(ax)
        plot.update(curve)
        ax.relim()
        ax.autoscale_view()
        legend_outside(ax)
    return fig, ax


# --------------------------------------------------------------------------- classifiers and boxes


def decision_boundary(predict: Callable[[np.ndarray], Any], points: Any, labels: Any, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Regions a 2-D classifier assigns to each class, its boundary, and the labelled points.

    Parameters
    ----------
    predict : callable
        (m, 2) points -> (m,) integer labels, or (m, C) scores whose argmax is the class.
    points : array_like of shape (n, 2)
    labels : array_like of shape (n,)
        Non-negative integer classes, one per point.
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        When ``points`` is not (n, 2) with n >= 1, ``labels`` is not (n,) non-negative
        integers, or ``predict`` returns neither (m,) nor (m, C).

    Examples
    --------
    >>> points = np.array([[-1.0, 0.0], [1.0, 0.0]])
    >>> fig, ax = decision_boundary(lambda q: (q[:, 0] > 0).astype(int), points, [0, 1])
    >>> np.unique(ax.collections[0].get_array()).tolist()
    [0, 1]
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"points must have shape (n, 2) with n >= 1, got {points.shape}")
    labels = np.asarray(labels)
    if labels.shape != (points.shape[0],):
        raise ValueError(f"labels must have shape ({points.shape[0]},), one per point, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer) or labels.dtype == bool or labels.min() < 0:
        raise ValueError(f"labels must be non-negative integer classes, got dtype {labels.dtype} with minimum {labels.min()}")
    fig, ax = _axes(ax)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (high - low) + 1e-9
    mesh_x, mesh_y = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], 200), np.linspace(low[1] - pad[1], high[1] + pad[1], 200))
    predicted = np.asarray(predict(np.stack([mesh_x.ravel(), mesh_y.ravel()], axis=1)))
    if predicted.shape[:1] != (mesh_x.size,) or predicted.ndim > 2:
        raise ValueError(f"predict must return (m,) labels or (m, C) scores for m = {mesh_x.size} points, got shape {predicted.shape}")
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


def _box(name: str, box: Any) -> np.ndarray:
    array = np.asarray(box, dtype=np.float64)
    if array.shape != (4,):
        raise ValueError(f"{name} must be one box (x1, y1, x2, y2) of shape (4,), got {array.shape}")
    if not (array[2] >= array[0] and array[3] >= array[1]):
        raise ValueError(f"{name} must have x2 >= x1 and y2 >= y1, got {array.tolist()}")
    return array


def box_losses(predicted: Any, target: Any) -> dict[str, float]:
    """Each box loss of ``BOX_LOSSES`` for one predicted box against one target box.

    Parameters
    ----------
    predicted, target : array_like of shape (4,)
        Boxes as (x1, y1, x2, y2) with x2 >= x1 and y2 >= y1.

    Returns
    -------
    dict of str to float

    Raises
    ------
    ValueError
        For a box that is not of shape (4,) or whose corners are swapped.

    Examples
    --------
    >>> box_losses([1, 1, 3, 2], [0, 0, 2, 2])["iou_loss"]  # overlap 1, union 5
    0.8
    """
    pair = _box("predicted", predicted).reshape(1, 4), _box("target", target).reshape(1, 4)
    return {name: round(float(np.asarray(losses.REGISTRY[name](*pair)).reshape(-1)[0]), 12) for name in BOX_LOSSES}


def _corners(box: np.ndarray) -> tuple[tuple[float, float], float, float]:
    return (float(box[0]), float(box[1])), float(box[2] - box[0]), float(box[3] - box[1])


class BoxesPlot:
    """Target and predicted boxes (x1, y1, x2, y2), their enclosing box and centre distance."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.target = ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, edgecolor=TARGET_COLOR, linewidth=2, label="target"))
        self.predicted = ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=LOSS_COLOR, alpha=0.25, edgecolor=LOSS_COLOR, linewidth=2, label="predicted"))
        self.enclosing = ax.add_patch(Rectangle((0, 0), 0, 0, fill=False, edgecolor=FLAT_COLOR, linestyle="--", linewidth=1, label="enclosing box"))
        (self.centres,) = ax.plot([], [], ":o", color=GRAD_COLOR, markersize=3, linewidth=1, label="centre distance")
        ax.set_aspect("equal")

    @property
    def artists(self) -> list[Any]:
        return [self.target, self.predicted, self.enclosing, self.centres]

    def update(self, predicted: Any, target: Any) -> dict[str, float]:
        """Move the boxes; return ``box_losses(predicted, target)``."""
        predicted, target = _box("predicted", predicted), _box("target", target)
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
        return box_losses(predicted, target)


def box_table(values: Mapping[str, float]) -> str:
    """The box losses as aligned lines of text, ``name value``."""
    return "\n".join(f"{name:9s} {value:6.3f}" for name, value in values.items())


def boxes(predicted: Any, target: Any, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """A predicted and a target box with the IoU/GIoU/DIoU/CIoU losses between them.

    The losses are printed beside the axes, never over the boxes.

    Parameters
    ----------
    predicted, target : array_like of shape (4,)
        Boxes as (x1, y1, x2, y2).
    ax : Axes, optional

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        For a box that is not of shape (4,) or whose corners are swapped.

    Examples
    --------
    >>> fig, ax = boxes([1, 1, 3, 2], [0, 0, 2, 2])
    >>> ax.patches[1].get_width(), ax.patches[1].get_height()
    (2.0, 1.0)
    """
    predicted, target = _box("predicted", predicted), _box("target", target)
    fig, ax = _axes(ax)
    with style():
        plot = BoxesPlot(ax)
        values = plot.update(predicted, target)
        ax.add_artist(Readout(1.03, 0.45, box_table(values), transform=ax.transAxes))
        corners = np.stack([predicted, target])
        low, high = corners[:, :2].min(axis=0), corners[:, 2:].max(axis=0)
        pad = 0.15 * float(np.max(high - low))
        ax.set_xlim(low[0] - pad, high[0] + pad)
        ax.set_ylim(low[1] - pad, high[1] + pad)
        legend_outside(ax, fontsize=7)
    return fig, ax


# --------------------------------------------------------------------------- angular margins


MARGIN_LOSSES = ("sphereface_loss", "cosface_loss", "arcface_loss")


def two_class_cosines(angle: Any, spread: float) -> np.ndarray:
    """Cosines of unit features with two unit class weights W0 and W1, ``spread`` radians apart.

    A feature at ``angle`` radians from W0 (towards W1, the counter-clockwise way) makes
    that angle with W0 and ``angle - spread`` with W1.

    Parameters
    ----------
    angle : array_like of shape (n,)
        Radians.
    spread : float
        The angle from W0 to W1, radians.

    Returns
    -------
    ndarray of shape (n, 2)
        ``[cos(angle), cos(angle - spread)]`` per feature: the ``input`` of the margin losses.

    Examples
    --------
    >>> two_class_cosines([0.0, np.pi / 2], np.pi / 2).round(12)
    array([[1., 0.],
           [0., 1.]])
    """
    angle = np.asarray(angle, dtype=np.float64)
    return np.stack([np.cos(angle), np.cos(angle - spread)], axis=1)


def _default_margin(name: str) -> Any:
    """The loss's own default margin (SphereFace 4, CosFace 0.35, ArcFace 0.5), from its signature."""
    import inspect

    return inspect.signature(losses.REGISTRY[name].forward).parameters["margin"].default


class MarginCirclePlot:
    """Two classes on the unit circle: each direction coloured by the class that wins there by its margin.

    A direction belongs to class k when a unit feature pointing there has a loss below
    log 2 with target k: its margin logit beats the other class's logit. ``update(name,
    spread=..., margin=..., scale=...)`` recolours the circle and turns W1.
    """

    AROUND = np.linspace(-np.pi, np.pi, 721)
    LABELS = ("class 0 by its margin", "class 1 by its margin", "neither (the margin)")

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        ax.set_aspect("equal")
        ax.set_xlim(-1.3, 1.3)
        ax.set_ylim(-1.3, 1.3)
        ax.set_xticks([-1, 0, 1])
        ax.set_yticks([-1, 0, 1])
        ax.plot(np.cos(self.AROUND), np.sin(self.AROUND), color="0.85", linewidth=0.8)
        colors = (PALETTE[0], PALETTE[1], FLAT_COLOR)
        self.arcs = [ax.plot([], [], color=color, linewidth=5, solid_capstyle="butt", label=label)[0] for label, color in zip(self.LABELS, colors)]
        ax.plot([0, 1], [0, 0], color=PALETTE[0], linewidth=1.5)
        ax.text(1.05, -0.05, "W₀", color=PALETTE[0], va="top")
        (self.weight,) = ax.plot([], [], color=PALETTE[1], linewidth=1.5, label="W1")
        self.weight_label = ax.text(0, 0, "W₁", color=PALETTE[1], ha="center", va="center")
        (self.bisector,) = ax.plot([], [], "--", color=FLAT_COLOR, linewidth=1, label="no margin: the bisector")

    @property
    def artists(self) -> list[Any]:
        return [*self.arcs, self.weight, self.weight_label, self.bisector]

    def update(self, name: str, *, spread: float, margin: Any, scale: float) -> list[np.ndarray]:
        """Recolour for loss ``name``; ``spread`` in degrees. Returns the masks (class 0, class 1, neither)."""
        function, delta = losses.REGISTRY[name], np.radians(spread)
        cos = two_class_cosines(self.AROUND, delta)
        wins = [function(cos, np.full(self.AROUND.size, k), scale=scale, margin=margin, reduction="none") < np.log(2) for k in (0, 1)]
        masks = [wins[0], wins[1], ~(wins[0] | wins[1])]
        for line, inside in zip(self.arcs, masks):
            line.set_data(np.where(inside, np.cos(self.AROUND), np.nan), np.where(inside, np.sin(self.AROUND), np.nan))
        self.weight.set_data([0, np.cos(delta)], [0, np.sin(delta)])
        self.weight_label.set_position((1.15 * np.cos(delta), 1.15 * np.sin(delta)))
        self.bisector.set_data(1.25 * np.cos(delta / 2) * np.array([-1, 1]), 1.25 * np.sin(delta / 2) * np.array([-1, 1]))
        return masks


def margin_circle(
    name: str, *, spread: float = 90.0, margin: Any = None, scale: float = 64.0, ax: Axes | None = None, legend: bool = True
) -> tuple[Figure, Axes]:
    """Where each of two classes wins by its margin, on the unit circle of feature directions.

    Two unit class weights: W0 pointing right, W1 ``spread`` degrees counter-clockwise.
    Directions where class 0's margin logit beats class 1's are class 0's colour, and
    the other way round; grey where neither class wins by its margin. The dashed line is
    the boundary without a margin (the bisector).

    Parameters
    ----------
    name : {"sphereface_loss", "cosface_loss", "arcface_loss"}
    spread : float, default 90
        Degrees between W0 and W1, in (0, 180].
    margin : float or int, optional
        The loss's m; default the loss's own (SphereFace 4, CosFace 0.35, ArcFace 0.5).
    scale : float, default 64
        s (it moves no boundary: a tie of the logits is a tie at any s).
    ax : Axes, optional
    legend : bool, default True
        A legend beside the axes.

    Returns
    -------
    fig : Figure
    ax : Axes

    Raises
    ------
    ValueError
        For another loss, or a spread outside (0, 180].

    Examples
    --------
    >>> fig, ax = margin_circle("arcface_loss", spread=90.0)
    >>> inside = np.isfinite(ax.lines[1].get_xdata())  # class 0's arc
    >>> round(float(np.degrees(np.arctan2(ax.lines[1].get_ydata()[inside], ax.lines[1].get_xdata()[inside])).max()), 1)
    30.5
    """
    if name not in MARGIN_LOSSES:
        raise ValueError(f"name must be one of {MARGIN_LOSSES}, got {name!r}")
    if not 0 < spread <= 180:
        raise ValueError(f"spread must be an angle in degrees in (0, 180], got {spread!r}")
    margin = _default_margin(name) if margin is None else margin
    fig, ax = _axes(ax)
    with style():
        drawing = MarginCirclePlot(ax)
        drawing.update(name, spread=spread, margin=margin, scale=scale)
        ax.set_title(f"{name}, m = {margin:g}")
        if legend:
            legend_outside(ax, handles=[*drawing.arcs, drawing.bisector])
    return fig, ax
