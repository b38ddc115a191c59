"""The machinery behind every explorer: a figure that answers a slider at once.

An ``Explorer`` is an ipywidgets VBox of controls, an error line and the figure as a PNG
image (an ``ipywidgets.Image``, so it shows in JupyterLab without any matplotlib widget
backend). ``explorer.figure`` is the matplotlib Figure and ``explorer.update(**params)``
sets controls by name and redraws, exactly what moving a slider does, synchronously, so
tests drive explorers without a browser. The explorers themselves are in
``lossviz.widgets``; a ``Scene`` says how one draws.

Why it is fast: a slider step changes the data of the existing artists (``set_data``),
then only those artists are drawn over a cached image of everything else (blitting); the
full figure is drawn again only when an axis' limits change. Limits follow the data with
some slack (``rescale``) so that most steps keep them.

Why it is safe: JupyterLab sends widget messages on a kernel *subshell*, a second thread,
while a new control's first message can still arrive on the main one, so two updates of
one explorer can run at once. Each update holds the explorer's lock from setting its
controls to publishing its frame; without it one thread's half-drawn frame (a dot, a
readout) became the other's cached background, and every later frame showed two.

Why it shows in a saved notebook: the explorer's output carries, beside the widget, the
picture as ``image/png`` and a sentence as ``text/plain``. JupyterLab renders widgets only
in trusted notebooks and shows the picture otherwise (a fresh clone, GitHub, nbviewer);
a trusted notebook saved with its widget state shows the widget from that state.

Errors in an update are shown in the explorer (red text above the figure) and raised:
a test sees the exception, a learner sees the message.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import math
import os
import struct
import threading
import types
import weakref
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import plot

__all__ = [
    "DPI",
    "PIXEL_RATIO",
    "Scene",
    "Explorer",
    "figure",
    "readout",
    "rescale",
    "png",
    "slider",
    "log_slider",
    "dropdown",
    "by_value",
]

DPI = 100  # with plot.WIDTH inches: 960 CSS pixels, the width the image is shown at


def _pixel_ratio() -> float:
    """Device pixels per CSS pixel: ``LOSSVIZ_PIXEL_RATIO`` (e.g. 2 on a high-density screen), else 1."""
    text = os.environ.get("LOSSVIZ_PIXEL_RATIO", "1")
    try:
        ratio = float(text)
    except ValueError:
        raise ValueError(f"LOSSVIZ_PIXEL_RATIO must be a number such as 1 or 2, got {text!r}") from None
    if not 0.5 <= ratio <= 4:
        raise ValueError(f"LOSSVIZ_PIXEL_RATIO must lie in [0.5, 4], got {ratio}")
    return ratio


# A kernel cannot ask the browser for its device pixel ratio (ipywidgets has no such
# message), so it is a setting: images are drawn at PIXEL_RATIO times the CSS size and
# shown at the CSS size, sharp on a screen of that density.
PIXEL_RATIO = _pixel_ratio()

# Where the readout column starts, in figure coordinates: axes end left of it.
READOUT_X = 0.8


# --------------------------------------------------------------------------- figures


def figure(ncols: int = 2, *, height: float = plot.HEIGHT, right: float = READOUT_X - 0.03, pixel_ratio: float | None = None) -> tuple[Figure, Any]:
    """A figure outside pyplot (so a notebook never shows it twice) in the course style.

    The axes fill ``[0, right]`` of the width; the rest is the readout column, so a
    readout (``readout``) never sits under a curve.

    Parameters
    ----------
    ncols : int, default 2
        Panels side by side.
    height : float
        In inches; the width is ``plot.WIDTH``.
    right : float
        Where the last panel ends, as a fraction of the width.
    pixel_ratio : float, optional
        Device pixels per CSS pixel (default ``PIXEL_RATIO``).

    Returns
    -------
    fig : Figure
    axes : Axes or ndarray of Axes

    Examples
    --------
    >>> fig, axes = figure(2, pixel_ratio=2)
    >>> fig.canvas.get_width_height()
    (1920, 640)
    """
    ratio = PIXEL_RATIO if pixel_ratio is None else pixel_ratio
    with plot.style():
        # layout="none": a layout engine would run on every full draw; margins are fixed.
        fig = Figure(figsize=(plot.WIDTH, height), dpi=DPI * ratio, layout="none")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, ncols)
        fig.subplots_adjust(left=0.065, right=right, bottom=0.16, top=0.88, wspace=0.25)
    return fig, axes


def readout(fig: Figure, y: float = 0.88, text: str = "", *, x: float = READOUT_X) -> plot.Readout:
    """A ``plot.Readout`` in the figure's readout column, its top left at (``x``, ``y``) (figure coordinates).

    Examples
    --------
    >>> fig, axes = figure(2)
    >>> line = readout(fig, text="lr 0.1")
    >>> fig.canvas.draw()
    >>> bool(line.get_window_extent().x0 > axes[-1].get_window_extent().x1)
    True
    """
    return fig.add_artist(plot.Readout(x, y, text, transform=fig.transFigure))


def _nice(span: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten, about a fifth of ``span``."""
    raw = span / 5
    power = 10.0 ** np.floor(np.log10(raw))
    return float(power * min((m for m in (1, 2, 5, 10) if m * power >= raw), default=10))


def rescale(ax: Axes) -> None:
    """Fit the y limits to the data, but only when the data leave them or fill less than 30%.

    Every change of limits forces a full redraw (~10x a blitted frame), so new limits get
    20% slack on each side, rounded out to a tick step (whole decades on a log axis):
    a slider step then usually keeps them. On a linear axis the limits hold the central
    part of a curve with a pole (``plot.central_limits``), not a spike.
    """
    log = ax.get_yscale() == "log"
    values = [np.asarray(line.get_ydata(), dtype=np.float64) for line in ax.lines if line.get_visible() and len(line.get_ydata())]
    values += [np.array([patch.get_y(), patch.get_y() + patch.get_height()]) for patch in ax.patches if hasattr(patch, "get_height")]
    if not values:
        return
    data = np.concatenate([value.ravel() for value in values])
    if log:
        data = data[data > 0]
        if data.size == 0:
            return
        low, high = np.log10(data.min()), np.log10(data.max())
    else:
        limits = plot.central_limits(data, pad=0.0)
        if limits is None:
            return
        low, high = limits
    if not (np.isfinite(low) and np.isfinite(high)):
        return
    now = np.log10(ax.get_ylim()) if log else np.asarray(ax.get_ylim())
    span = max(high - low, 1e-12 if not log else 1.0)
    if now[0] <= low and high <= now[1] and span >= 0.3 * (now[1] - now[0]):
        return
    step = 1.0 if log else _nice(1.4 * span)
    new = np.floor((low - 0.2 * span) / step) * step, np.ceil((high + 0.2 * span) / step) * step
    ax.set_ylim(*(10.0 ** np.asarray(new) if log else new))


# --------------------------------------------------------------------------- pixels


def _chunk(tag: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))


def png(canvas: FigureCanvasAgg, *, compact: bool = False) -> bytes:
    """The canvas's pixels as a PNG file.

    Written directly (RGBA, rows unfiltered, zlib level 1): ~1 ms a frame, where Pillow's
    encoder (adaptive row filters) takes ~5 ms. ``compact=True`` uses Pillow's smallest
    RGB encoding instead, for a picture that is stored (a notebook's saved output).

    Examples
    --------
    >>> fig, _ = figure(1)
    >>> fig.canvas.draw()
    >>> png(fig.canvas)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    pixels = np.asarray(canvas.buffer_rgba())
    if compact:
        import PIL.Image

        out = io.BytesIO()
        PIL.Image.fromarray(pixels[..., :3]).save(out, format="png", optimize=True)
        return out.getvalue()
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


# --------------------------------------------------------------------------- controls


_ROW_PX = 32  # the height of one control row in JupyterLab
_LAYOUT = {"width": "520px"}
_STYLE = {"description_width": "150px"}


def _range(control: widgets.Widget) -> tuple[float, float] | None:
    if isinstance(control, widgets.SelectionSlider):
        values = [value for _, value in control.options]
        return values[0], values[-1]
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
        return control.min, control.max
    return None


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def _on_grid(name: str, value: float, low: float, high: float) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten on which ``low``, ``high`` and ``value`` all lie."""
    span = high - low
    if span <= 0:
        raise ValueError(f"{name}'s slider needs low < high, got [{low:g}, {high:g}]")
    for exponent in range(int(np.floor(np.log10(span))) - 1, int(np.floor(np.log10(span))) - 5, -1):
        for mantissa in (5.0, 2.5, 2.0, 1.0):
            step = mantissa * 10.0**exponent
            if span / step < 40:
                continue
            if all(abs(k - round(k)) < 1e-9 for k in ((value - low) / step, span / step)):
                return step
    raise ValueError(f"{name}={value!r} does not lie on a slider grid from {low:g} to {high:g}; round it to a few digits")


def _describe(name: str, label: str | None, tooltip: str | None) -> dict[str, Any]:
    return {"description": label or name.replace("_", " "), "tooltip": tooltip or label or name, "layout": _LAYOUT, "style": _STYLE}


def slider(
    name: str, value: float, low: float, high: float, *, integer: bool = False, snap: bool = False, label: str | None = None, tooltip: str | None = None
) -> widgets.Widget:
    """A slider for ``name`` from ``low`` to ``high`` whose grid holds ``value`` exactly.

    The step is 1, 2, 2.5 or 5 times a power of ten with 40 or more steps over the range,
    chosen so that the starting value is a grid point (a slider shows the grid point
    nearest to its value: an off-grid 1.0 reads 0.999).

    Parameters
    ----------
    name : str
        The parameter it sets (named in errors).
    value, low, high : float
        The starting value and the range; ``low <= value <= high``.
    integer : bool, default False
        Whole numbers, step 1.
    snap : bool, default False
        Move a value that lies on no grid (a default of 1/3) to the nearest point of the
        coarsest grid, instead of refusing it.
    label, tooltip : str, optional
        Words shown beside it and on hover (default: the name in words).

    Returns
    -------
    FloatSlider or IntSlider

    Raises
    ------
    ValueError
        For a value outside the range, not finite, or on no grid of the range.
    TypeError
        For a value that is not a number, or not a whole number when ``integer``.

    Examples
    --------
    >>> control = slider("delta", 1.0, 0.1, 3.0)
    >>> control.value, control.step
    (1.0, 0.05)
    >>> slider("steps", 2.5, 1, 100, integer=True)
    Traceback (most recent call last):
    ...
    TypeError: steps must be a whole number, got 2.5
    """
    value = _real(name, value)
    if not low <= value <= high:
        raise ValueError(f"{name}={value:g} is outside the slider's range [{low:g}, {high:g}]")
    common = {"continuous_update": True, **_describe(name, label, tooltip)}
    if integer:
        if not float(value).is_integer():
            raise TypeError(f"{name} must be a whole number, got {value:g}")
        return widgets.IntSlider(value=int(value), min=int(low), max=int(high), step=1, **common)
    if snap:
        coarse = _on_grid(name, low, low, high)
        try:
            step = _on_grid(name, value, low, high)
        except ValueError:
            step, value = coarse, low + round((value - low) / coarse) * coarse
    else:
        step = _on_grid(name, value, low, high)
    decimals = max(0, -int(np.floor(np.log10(step) + 1e-9)))
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, readout_format=f".{decimals}f", **common)


_LOG_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)


def log_slider(name: str, value: float, low: float, high: float, *, label: str | None = None, tooltip: str | None = None) -> widgets.SelectionSlider:
    """A slider over decades: 1, 1.5, 2, 3, 5 and 7 times each power of ten from ``low`` to ``high``.

    The values are exact (a learning rate of 0.2 is 0.2, not 10**-0.7) and read in plain
    decimals; a starting value between them is added to the grid.

    Parameters
    ----------
    name : str
    value, low, high : float
        Positive, ``low <= value <= high``.
    label, tooltip : str, optional

    Returns
    -------
    SelectionSlider
        Its options are (label, value) pairs.

    Raises
    ------
    ValueError
        For a value outside the range or not positive.

    Examples
    --------
    >>> control = log_slider("lr", 0.2, 0.001, 2.0)
    >>> control.value, control.label
    (0.2, '0.2')
    """
    value = _real(name, value)
    if not 0 < low <= value <= high:
        raise ValueError(f"{name}={value:g} is outside the slider's range [{low:g}, {high:g}]")
    grid = {value}
    for exponent in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1):
        for mantissa in _LOG_MANTISSAS:
            point = float(f"{mantissa}e{exponent}")  # exact decimal, not mantissa * 10.0**exponent
            if low <= point <= high:
                grid.add(point)
    options = [(plot._plain(point, 3), point) for point in sorted(grid)]
    return widgets.SelectionSlider(value=value, options=options, continuous_update=True, **_describe(name, label, tooltip))


def dropdown(name: str, value: Any, options: Sequence[Any], *, label: str | None = None, tooltip: str | None = None) -> widgets.Dropdown:
    """A choice for ``name`` among ``options``.

    Raises
    ------
    ValueError
        When ``value`` is not one of ``options`` (the message names ``name``).

    Examples
    --------
    >>> dropdown("method", "adam", ("sgd", "adam")).value
    'adam'
    >>> dropdown("method", "rmsprop", ("sgd", "adam"))
    Traceback (most recent call last):
    ...
    ValueError: method must be one of ('sgd', 'adam'), got 'rmsprop'
    """
    values = [option[1] if isinstance(option, tuple) else option for option in options]
    if value not in values:
        raise ValueError(f"{name} must be one of {tuple(values)}, got {value!r}")
    return widgets.Dropdown(value=value, options=options, **_describe(name, label, tooltip))


def _set(control: widgets.Widget, name: str, value: Any) -> None:
    """Set a control as its owner would: numbers checked against the range, choices against the options."""
    if isinstance(control, widgets.Dropdown):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        if value not in values:
            raise ValueError(f"{name} must be one of {tuple(values)}, got {value!r}")
    elif isinstance(control, widgets.SelectionSlider):
        value = _real(name, value)
        low, high = _range(control)
        if not low <= value <= high:
            raise ValueError(f"{name}={value:g} is outside the slider's range [{low:g}, {high:g}]")
        if value not in [option for _, option in control.options]:  # between grid points: add it
            grid = sorted({value, *(option for _, option in control.options)})
            control.options = [(plot._plain(point, 3), point) for point in grid]
    else:
        value = _real(name, value)
        low, high = _range(control)
        if not low <= value <= high:
            raise ValueError(f"{name}={value:g} is outside the slider's range [{low:g}, {high:g}]")
        if isinstance(control, widgets.IntSlider) and not float(value).is_integer():
            raise TypeError(f"{name} must be a whole number, got {value:g}")
    control.value = value


# --------------------------------------------------------------------------- the explorer


class Explorer(widgets.VBox):
    """Controls, an error line and the figure as a PNG; see the module docstring.

    Parameters
    ----------
    make_scene : callable
        Builds the ``Scene`` (called once, and again by ``naive_png``).
    controls_for : callable
        ``controls_for(values)``: the controls to show for the current values (they may
        depend on a choice, e.g. the loss's own parameters); called after every change.
    rows : int, optional
        The most controls ``controls_for`` ever shows: their room is kept, so the picture
        does not jump when a choice brings more.
    title : str, optional
        What the saved notebook's text says this is.
    """

    instances: weakref.WeakSet[Explorer] = weakref.WeakSet()

    def __init__(
        self,
        make_scene: Callable[[], Scene],
        controls_for: Callable[[dict[str, Any]], dict[str, widgets.Widget]],
        *,
        rows: int | None = None,
        title: str = "explorer",
    ) -> None:
        self._lock = threading.RLock()
        self._make_scene = make_scene
        self.scene = make_scene()
        self._controls_for = controls_for
        self._blitter = _Blitter(self.scene.figure)
        self._holding = False
        self._title = title
        self.controls: dict[str, widgets.Widget] = {}
        self.message = widgets.HTML("", layout={"min_height": "20px"})
        width, height = self.scene.figure.get_size_inches() * DPI
        self.image = widgets.Image(format="png", layout={"width": f"{width:.0f}px", "max_width": "100%", "height": "auto"})
        panel = {"min_height": f"{rows * _ROW_PX}px"} if rows else {}
        self._panel = widgets.VBox(layout=panel)
        super().__init__([self._panel, self.message, self.image])
        self._show_controls(controls_for({}))
        self.update()
        # The first frame is also what a saved notebook stores: encode it small.
        self.image.value = png(self.scene.figure.canvas, compact=True)
        Explorer.instances.add(self)

    @property
    def figure(self) -> Figure:
        return self.scene.figure

    @property
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **params: Any) -> None:
        """Set controls by name (a ValueError if outside a slider's range or a choice's options), then redraw."""
        pending = dict(params)
        with self._lock:
            with self._hold():
                # Setting a choice (such as the loss) can bring new controls: set the choices
                # first, then the rest on the controls they bring (a margin of one loss is not
                # the slider of the same name of the loss chosen before it).
                for _ in range(2):
                    for choices_only in (True, False):
                        for name in [name for name in pending if name in self.controls]:
                            if not choices_only or isinstance(self.controls[name], widgets.Dropdown):
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
        scene.figure.savefig(out, format="png", dpi=scene.figure.dpi)
        return out.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, and for viewers that cannot show it the picture and a sentence."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        with self._lock:
            picture = png(self.figure.canvas, compact=True)
        return {
            **bundle,
            "image/png": picture,
            "text/plain": f"{self._title} (run the notebook to move its controls)",
        }

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
        with self._lock:  # a message on another thread waits for this update to finish
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


# --------------------------------------------------------------------------- binding


def _is_data(value: Any) -> bool:
    return not isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)) and not callable(value)


def by_value(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with the data it reads from its module's globals copied now.

    A notebook's ``def loss(w): return (w * x) ** 2`` reads the global ``x`` each time it
    runs; a later cell that rebinds ``x`` (an exercise's array) would change, or break, an
    explorer made earlier. Explorers pass their functions through this: the copy reads
    the values ``x`` (and every other global number or array it names) had when the
    explorer was made, and so do the functions of the same module it calls.

    Parameters
    ----------
    function : callable
        A Python function; anything else (a lossviz Function, a numpy ufunc, a partial)
        is returned unchanged.

    Returns
    -------
    callable

    Examples
    --------
    >>> scale = 2.0
    >>> def double(w):
    ...     return scale * w
    >>> frozen = by_value(double)
    >>> scale = 3.0
    >>> frozen(1.0), double(1.0)
    (2.0, 3.0)
    """
    return _by_value(function, {})


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


def _by_value(function: Any, done: dict[int, Any]) -> Any:
    if not isinstance(function, types.FunctionType):
        return function
    if id(function) in done:
        return done[id(function)]
    namespace = dict(function.__globals__)  # a shallow copy; the names it reads are replaced below
    frozen = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__)
    frozen.__kwdefaults__ = function.__kwdefaults__
    frozen.__doc__ = function.__doc__
    done[id(function)] = frozen
    for name in _names(function.__code__):
        if name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, types.FunctionType) and value.__globals__ is function.__globals__:
            namespace[name] = _by_value(value, done)
        elif _is_data(value):
            with contextlib.suppress(Exception):  # something that cannot be copied is left shared
                namespace[name] = copy.deepcopy(value)
    return frozen
