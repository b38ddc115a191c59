"""lossviz.plot: the drawn data equal independently computed values; nothing is drawn globally."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg

from lossviz import activations, losses, plot, views
from lossviz.check import fd_error, gradcheck
from lossviz.descent import DescentPath, descend


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def hand_huber(d: np.ndarray, delta: float) -> np.ndarray:
    return np.where(np.abs(d) < delta, 0.5 * d**2, delta * (np.abs(d) - 0.5 * delta))


def pixels(fig: Figure) -> np.ndarray:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return plt.imread(io.BytesIO(out.getvalue()))


def test_style_applies_at_import_to_plain_matplotlib_and_is_scoped_as_a_context():
    fig, ax = plt.subplots()  # made directly with matplotlib, as a notebook cell does
    assert ax.xaxis._major_tick_kw.get("gridOn", matplotlib.rcParams["axes.grid"]) is True
    assert matplotlib.rcParams["axes.spines.top"] is False and matplotlib.rcParams["figure.figsize"] == [plot.WIDTH, plot.HEIGHT]
    before = dict(matplotlib.rcParams)
    with matplotlib.rc_context({"axes.grid": False}):
        with plot.style():
            assert matplotlib.rcParams["axes.grid"] is True
    assert dict(matplotlib.rcParams) == before
    assert plot.LOSS_COLOR != plot.GRAD_COLOR
    assert plot.GRAD_COLOR not in plot.PALETTE


def test_function_and_derivative_draws_huber_and_its_clipped_slope():
    fig, (ax_f, ax_df) = plot.function_and_derivative("huber_loss", target=0.5, delta=2.0)
    x, y = ax_f.lines[0].get_data()
    _, dy = ax_df.lines[0].get_data()
    np.testing.assert_allclose(y, hand_huber(x - 0.5, 2.0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dy, np.clip(x - 0.5, -2.0, 2.0), rtol=1e-12, atol=1e-15)
    assert ax_f.lines[0].get_color() == plot.LOSS_COLOR and ax_df.lines[0].get_color() == plot.GRAD_COLOR
    kink_points = ax_f.lines[1]
    assert kink_points.get_xdata().size == 0, "Huber has a continuous derivative: no kinks"


def test_overlaid_on_a_given_axes_and_nothing_global():
    fig, ax = plt.subplots()
    count = len(plt.get_fignums())
    other_fig, other_ax = plt.subplots()
    returned_fig, returned_ax = plot.function_and_derivative("relu", ax=ax)
    assert returned_fig is fig and returned_ax is ax
    assert len(plt.get_fignums()) == count + 1  # only the one made above
    assert not other_ax.lines, "plot must not draw into pyplot's current axes"
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(y, np.maximum(x, 0))


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [("relu", {}, [0.0]), ("l1_loss", {"target": 0.7}, [0.7]), ("hinge", {"margin": 1.5}, [1.5]), ("hardtanh", {}, [-1.0, 1.0])],
)
def test_kinks_are_found_where_the_derivative_jumps(name, params, expected):
    fig, (ax_f, _) = plot.function_and_derivative(name, **params)
    kinks = ax_f.lines[1].get_xdata()
    grid_step = np.diff(ax_f.lines[0].get_xdata())[0]
    np.testing.assert_allclose(np.sort(kinks), expected, atol=grid_step)


def test_explicit_kinks_and_none():
    fig, (ax_f, _) = plot.function_and_derivative("sigmoid", kinks=[0.5])
    np.testing.assert_array_equal(ax_f.lines[1].get_xdata(), [0.5])
    np.testing.assert_allclose(ax_f.lines[1].get_ydata(), 1 / (1 + np.exp(-0.5)), rtol=1e-3)
    fig, (ax_f, _) = plot.function_and_derivative("relu", kinks=())
    assert ax_f.lines[1].get_xdata().size == 0


def test_saturated_regions_of_sigmoid_are_shaded():
    fig, (ax_f, _) = plot.function_and_derivative("sigmoid")
    shade = next(c for c in ax_f.collections if c.get_paths())
    spans = sorted((path.vertices[:, 0].min(), path.vertices[:, 0].max()) for path in shade.get_paths())
    # Flat where sigma (1 - sigma) < FLAT_FRACTION * 0.25, i.e. sigma > p below, |x| > logit(p).
    p = (1 + np.sqrt(1 - 4 * 0.25 * views.FLAT_FRACTION)) / 2
    edge = np.log(p / (1 - p))
    grid_step = 14 / 400
    assert spans[0][0] == -7.0 and spans[1][1] == 7.0
    np.testing.assert_allclose([spans[0][1], spans[1][0]], [-edge, edge], atol=grid_step)


def test_relu_dead_side_is_shaded_and_gelu_dip_is_not():
    assert views.flat_spans(np.linspace(-3, 3, 7), (np.linspace(-3, 3, 7) > 0).astype(float)) == [(-3.0, 0.0)]
    x = np.linspace(-7, 7, 401)
    spans = views.flat_spans(x, activations.gelu.grad(x))
    assert len(spans) == 1 and spans[0][0] == -7.0 and spans[0][1] < -2, "gelu' = 0 near -0.75 is a dip, not saturation"


def test_cross_entropy_view_by_hand():
    shown = views.view("cross_entropy")
    x = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(shown.value(x), np.log(np.exp(x) + 2) - x, rtol=1e-12)
    np.testing.assert_allclose(shown.derivative(x), np.exp(x) / (np.exp(x) + 2) - 1, rtol=1e-12, atol=1e-15)


def test_giou_view_by_hand():
    shown = views.view("giou_loss")
    # Shift 0: predicted (0, .5, 2, 2.5) vs (0, 0, 2, 2): overlap 3, union 5, hull 5 -> GIoU 0.6.
    # Shift 3: no overlap, union 8, hull 5 x 2.5 = 12.5 -> GIoU = -(12.5 - 8) / 12.5.
    np.testing.assert_allclose(shown.value(np.array([0.0, 3.0])), [0.4, 1 + 4.5 / 12.5], rtol=1e-6)


# What has no view as a function of one scalar, and why: written out, so that a new loss
# or activation without a view (or one that loses its view) fails here by name.
NO_VIEW = {
    "multilabel_soft_margin_loss": "several labels per sample",
    "dice_loss": "a ratio over the whole batch",
    "triplet_margin_loss": "three embeddings",
    "cosine_embedding_loss": "two embeddings",
    "contrastive_loss": "two embeddings",
    "center_loss": "features and learned centres",
    "arcface_loss": "embeddings and class weights",
    "cosface_loss": "embeddings and class weights",
    "sphereface_loss": "embeddings and class weights",
    "multilabel_margin_loss": "several labels per sample",
    "rmse": "a root of a mean: not per element",
    "softmax": "acts along a dimension",
    "log_softmax": "acts along a dimension",
    "softmin": "acts along a dimension",
    "glu": "halves a dimension",
}
# Parameters without a default, given the values the explorers start from.
REQUIRED = {"gaussian_nll_loss": {"var": 1.0}, "prelu": {"weight": 0.25}, "threshold": {"threshold": 1.0, "value": 0.0}}


def test_exactly_the_listed_functions_have_no_view():
    registered = {**losses.REGISTRY, **activations.REGISTRY}
    without = {name for name, function in registered.items() if views.kind_of(function) is None}
    assert without == set(NO_VIEW)
    for name in NO_VIEW:
        with pytest.raises(ValueError, match="no view as a function of one scalar"):
            views.view(name)


@pytest.mark.parametrize(
    "name", [name for registry in (losses.REGISTRY, activations.REGISTRY) for name in registry if name not in NO_VIEW]
)
def test_every_view_derivative_matches_finite_differences(name):
    """The slope mapping of each kind (e.g. a box shift moves x1 and x2) is right for every loss and activation."""
    shown = views.view(name, **REQUIRED.get(name, {}))
    x = np.linspace(shown.x[0], shown.x[-1], 23)[1:-1] + 0.0123  # off the usual kinks
    y = shown.value(x)
    assert y.shape == x.shape and np.all(np.isfinite(y))
    gradcheck(lambda points: shown.value(points).sum(), x, shown.derivative)


@settings(max_examples=30)
@given(delta=st.floats(0.1, 3.0), target=st.floats(-2, 2))
def test_compare_losses_draws_each_loss(delta, target):
    fig, ax = plot.compare_losses(["mse_loss", "l1_loss", "huber_loss"], target=target, delta=delta)
    (mse, l1, huber) = ax.lines
    x = mse.get_xdata()
    np.testing.assert_allclose(mse.get_ydata(), (x - target) ** 2, rtol=1e-12)
    np.testing.assert_allclose(l1.get_ydata(), np.abs(x - target), rtol=1e-12)
    np.testing.assert_allclose(huber.get_ydata(), hand_huber(x - target, delta), rtol=1e-12, atol=1e-14)
    assert [line.get_label() for line in ax.lines] == ["mse_loss", "l1_loss", "huber_loss"]
    plt.close(fig)


def test_compare_curves_mapping():
    fig, ax = plot.compare_losses({"a": ([0, 1], [2, 3])})
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [2, 3])


def test_loss_history_lines_and_log_scale():
    runs = {"small lr": np.array([4.0, 3.0, 2.5]), "good lr": np.array([4.0, 1.0, 0.25, 0.0625])}
    fig, ax = plot.loss_history(runs, log=True)
    assert ax.get_yscale() == "log"
    for line, (label, values) in zip(ax.lines, runs.items()):
        assert line.get_label() == label
        np.testing.assert_array_equal(line.get_ydata(), values)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(values.size))


def test_descent_path_1d_draws_every_step():
    path = descend(lambda w: float(w**2), lambda w: 2 * w, 2.0, lr=0.25, steps=5)
    fig, ax = plot.descent_path_1d(lambda w: w**2, path)
    curve, steps = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(steps.get_xdata(), 2.0 * 0.5 ** np.arange(6))  # w <- w - 0.25 * 2w
    np.testing.assert_allclose(steps.get_ydata(), (2.0 * 0.5 ** np.arange(6)) ** 2)
    np.testing.assert_allclose(curve.get_ydata(), curve.get_xdata() ** 2)


def test_descent_path_2d_draws_the_path_on_contours():
    path = descend(lambda w: float(w[0] ** 2 + 4 * w[1] ** 2), lambda w: np.array([2 * w[0], 8 * w[1]]), [1.0, 1.0], lr=0.1, steps=10)
    fig, ax = plot.descent_path_2d(lambda w: w[0] ** 2 + 4 * w[1] ** 2, path)
    steps = ax.lines[0]
    np.testing.assert_allclose(steps.get_xdata(), 0.8 ** np.arange(11))
    np.testing.assert_allclose(steps.get_ydata(), 0.2 ** np.arange(11))
    assert ax.collections, "contours drawn"


def test_error_vs_step_draws_each_curve_with_zero_floored():
    curve = fd_error(np.sin, np.cos, 1.0, steps=np.logspace(-12, -1, 12))
    fig, ax = plot.error_vs_step(curve)
    drawn = {line.get_label(): line.get_ydata() for line in ax.lines}
    h = curve.steps
    central64 = np.abs((np.sin(1 + h) - np.sin(1 - h)) / (2 * h) - np.cos(1)) / np.cos(1)
    np.testing.assert_allclose(drawn["central float64"], np.maximum(central64, plot.ERROR_FLOOR), rtol=1e-6)
    assert np.all(drawn["complex float64"] >= plot.ERROR_FLOOR)
    assert ax.get_xscale() == ax.get_yscale() == "log"


def test_decision_boundary_regions_follow_predict():
    points = np.array([[-1.0, 0.0], [1.0, 0.0], [-2.0, 1.0], [2.0, -1.0]])
    labels = np.array([0, 1, 0, 1])
    fig, ax = plot.decision_boundary(lambda q: (q[:, 0] > 0).astype(int), points, labels)
    mesh = ax.collections[0]
    classes = np.asarray(mesh.get_array()).reshape(200, 200)
    assert set(np.unique(classes)) == {0, 1}
    assert np.all(classes[:, :99] == 0) and np.all(classes[:, 101:] == 1)  # the grid is symmetric about x = 0


def test_boxes_geometry_and_values():
    predicted, target = np.array([1.0, 1.0, 3.0, 2.0]), np.array([0.0, 0.0, 2.0, 2.0])
    fig, ax = plot.boxes(predicted, target)
    rectangles = [patch for patch in ax.patches]
    assert rectangles[1].get_xy() == (1.0, 1.0) and rectangles[1].get_width() == 2.0 and rectangles[1].get_height() == 1.0
    text = next(artist for artist in ax.artists if isinstance(artist, plot.Readout)).get_text()
    fig.canvas.draw()
    readout = next(artist for artist in ax.artists if isinstance(artist, plot.Readout))
    assert not readout.get_window_extent().overlaps(ax.get_window_extent()), "the losses are printed beside the boxes"
    values = dict((name, float(value)) for name, value in (line.split() for line in text.splitlines()))
    # overlap 1 x 1 = 1, union 2 + 4 - 1 = 5: IoU 0.2; hull 3 x 2 = 6: GIoU 0.2 - 1/6.
    assert values["iou_loss"] == pytest.approx(0.8, abs=1e-3)
    assert values["giou_loss"] == pytest.approx(1 - (0.2 - 1 / 6), abs=1e-3)



def _arc_degrees(line) -> np.ndarray:
    x, y = line.get_data()
    inside = np.isfinite(x)
    return np.degrees(np.arctan2(y[inside], x[inside]))


@pytest.mark.parametrize(
    ("name", "margin", "spread", "edge"),
    [
        ("sphereface_loss", 4, 90.0, 90.0 / 5),  # cos(4 theta) = cos(90 deg - theta)
        ("sphereface_loss", 3, 120.0, 120.0 / 4),
        ("arcface_loss", 0.5, 90.0, (90.0 - np.degrees(0.5)) / 2),  # theta + m = 90 deg - theta
        ("cosface_loss", 0.35, 90.0, 45.0 - np.degrees(np.arcsin(0.35 / (2 * np.sin(np.radians(45.0)))))),
    ],
)
def test_margin_circle_colours_by_the_closed_form_boundaries(name, margin, spread, edge):
    fig, ax = plot.margin_circle(name, margin=margin, spread=spread)
    class_0, class_1, neither = (_arc_degrees(line) for line in ax.lines[1:4])
    # On the arc from W0 to W1 class 0 wins up to the boundary, class 1 from its mirror image.
    between = lambda angles: angles[(angles >= 0) & (angles <= spread)]
    step = 1.01 * 360 / 720  # the grid, and a tie exactly on a grid point may go either way
    assert between(class_0).max() == pytest.approx(edge, abs=step)
    assert between(class_1).min() == pytest.approx(spread - edge, abs=step)
    assert between(neither).min() == pytest.approx(edge, abs=step) and between(neither).max() == pytest.approx(spread - edge, abs=step)
    assert class_0.size + class_1.size + neither.size == 721
    w1 = np.asarray(ax.lines[5].get_data())[:, 1]
    np.testing.assert_allclose(w1, [np.cos(np.radians(spread)), np.sin(np.radians(spread))], atol=1e-15)
    assert _legend_clear_of_axes(ax)


def test_margin_circle_without_a_margin_splits_at_the_bisector():
    fig, ax = plot.margin_circle("arcface_loss", margin=0.0, spread=60.0)
    class_0, class_1, neither = (_arc_degrees(line) for line in ax.lines[1:4])
    assert neither.size == 0
    # class 0 owns the half circle centred on W0's side of the bisector at 30 deg
    assert class_0.max() == pytest.approx(30.0, abs=0.51) and class_0.min() == pytest.approx(-150.0, abs=0.51)


def test_two_class_cosines_by_hand():
    cos = plot.two_class_cosines([0.0, np.pi / 3, np.pi], np.pi / 2)
    np.testing.assert_allclose(cos, [[1.0, 0.0], [0.5, np.cos(np.pi / 6)], [-1.0, 0.0]], atol=1e-15)

def test_readout_draws_text_and_changes_pixels():
    fig = Figure(figsize=(2, 1), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    readout = ax.add_artist(plot.Readout(0.05, 0.9, transform=ax.transAxes))
    blank = pixels(fig)
    readout.set_text("loss 0.25")
    first = pixels(fig)
    readout.set_text("loss 0.35")
    second = pixels(fig)
    assert not np.array_equal(blank, first) and not np.array_equal(first, second)
    one_line = readout.alpha(80)
    readout.set_text("loss 0.25\nloss 0.35")
    assert readout.alpha(80).shape == (2 * one_line.shape[0], one_line.shape[1]) and one_line.max() == 255


# --------------------------------------------------------------------------- one look


def _legend_clear_of_axes(ax) -> bool:
    ax.figure.canvas.draw()
    return not ax.get_legend().get_window_extent().overlaps(ax.get_window_extent())


def test_legends_stand_beside_the_data():
    fig, ax = plot.compare_losses(["mse_loss", "l1_loss", "huber_loss"])
    assert _legend_clear_of_axes(ax)
    fig, ax = plot.loss_history({"a": [3.0, 2.0, 1.0], "b": [3.0, 1.0, 0.5]}, log=True)
    assert _legend_clear_of_axes(ax)
    fig, ax = plot.error_vs_step(fd_error(np.exp, np.exp, 1.0))
    assert _legend_clear_of_axes(ax)
    path = descend(lambda w: float(w**2), lambda w: 2 * w, 2.0, lr=0.25, steps=5)
    fig, ax = plot.descent_path_1d(lambda w: w**2, path)
    assert _legend_clear_of_axes(ax)
    fig, ax = plot.function_and_derivative("relu", ax=plt.subplots()[1])
    assert _legend_clear_of_axes(ax)


def test_one_standard_width():
    for fig in (plot.figure()[0], plot.figure(3)[0], plot.function_and_derivative("tanh")[0], plot.loss_history({"a": [1.0, 0.5]})[0]):
        assert fig.get_figwidth() == plot.WIDTH


def test_count_axes_have_integer_ticks_and_log_axes_one_label_style():
    fig, ax = plot.loss_history({"run": [8.0, 4.0, 2.0, 1.0, 0.5]}, log=True)
    fig.canvas.draw()
    assert all(float(tick).is_integer() for tick in ax.get_xticks())
    labels = [label.get_text() for label in ax.get_yticklabels() if label.get_text()]
    assert labels and all(label.startswith("10") for label in labels), labels
    fig, ax = plot.error_vs_step(fd_error(np.sin, np.cos, 1.0))
    fig.canvas.draw()
    for axis in (ax.xaxis, ax.yaxis):
        labels = [label.get_text() for label in axis.get_ticklabels() if label.get_text()]
        assert labels and all(label.startswith("10") for label in labels), labels
    formatter = ax.yaxis.get_major_formatter()
    assert [formatter(value) for value in (1e-2, 1.0, 100.0, 3.0)] == ["10⁻²", "10⁰", "10²", ""]


def test_error_vs_step_shows_every_curve():
    """float32 and float64 of one method coincide where truncation rules: drawn so both show;
    complex step sits on the floor: dotted with markers."""
    fig, ax = plot.error_vs_step(fd_error(np.sin, np.cos, 1.0))
    lines = {line.get_label(): line for line in ax.lines}
    assert set(lines) == {f"{m} {d}" for m in ("forward", "central", "complex") for d in ("float32", "float64")}
    for method in ("forward", "central"):
        wide, thin = lines[f"{method} float64"], lines[f"{method} float32"]
        assert wide.get_color() == thin.get_color()
        assert wide.get_linewidth() > 2 * thin.get_linewidth() and thin.get_linestyle() == "--"
        assert thin.get_zorder() > wide.get_zorder(), "the thin line is drawn over the wide one"
    for dtype in ("float32", "float64"):
        complex_line = lines[f"complex {dtype}"]
        assert complex_line.get_linestyle() == ":" and complex_line.get_marker() not in (None, "None", "")
    assert lines["complex float32"].get_marker() != lines["complex float64"].get_marker()


def test_derivative_with_a_pole_is_drawn_at_its_central_limits():
    fig, (ax_f, ax_df) = plot.function_and_derivative("binary_cross_entropy")
    slope = ax_df.lines[0].get_ydata()
    low, high = ax_df.get_ylim()
    assert slope.min() < -90 and high - low < 40 and np.mean((slope >= low) & (slope <= high)) > 0.9


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: plot.decision_boundary(lambda q: q[:, 0] > 0, np.zeros((4, 2)), [0, 1, 0]), ValueError, r"labels must have shape \(4,\)"),
        (lambda: plot.decision_boundary(lambda q: q[:, 0] > 0, np.zeros((4, 3)), [0, 1, 0, 1]), ValueError, r"points must have shape \(n, 2\)"),
        (lambda: plot.decision_boundary(lambda q: q[:, 0] > 0, np.zeros((0, 2)), []), ValueError, "n >= 1"),
        (lambda: plot.decision_boundary(lambda q: q[:, 0] > 0, np.zeros((2, 2)), [0.5, 1.0]), ValueError, "labels must be non-negative integer"),
        (lambda: plot.decision_boundary(lambda q: q[:5], np.zeros((2, 2)), [0, 1]), ValueError, "predict must return"),
        (lambda: plot.boxes([0, 0, 1], [0, 0, 1, 1]), ValueError, r"predicted must be one box .* shape \(4,\)"),
        (lambda: plot.boxes([0, 0, 1, 1], [1, 1, 0, 0]), ValueError, "target must have x2 >= x1"),
        (lambda: plot.box_losses([0, 0, 1, 1], np.zeros((2, 4))), ValueError, "target must be one box"),
        (lambda: plot.loss_history([1.0, 0.5]), TypeError, "histories must be a mapping"),
        (lambda: plot.loss_history({}), ValueError, "at least one run"),
        (lambda: plot.loss_history({"run": [[1.0, 0.5]]}), ValueError, r"histories\['run'\] must be a non-empty 1-D"),
        (lambda: plot.compare_losses({"a": ([0, 1], [2, 3, 4])}), ValueError, r"functions_or_curves\['a'\] must be \(x, y\) of one length"),
        (lambda: plot.compare_losses([]), ValueError, "at least one loss"),
        (lambda: plot.function_and_derivative("relu", np.zeros((3, 3))), ValueError, "x must be a 1-D grid"),
        (lambda: plot.function_and_derivative("softmax"), ValueError, "no view"),
        (lambda: plot.function_and_derivative("huber_loss", slope=1.0), TypeError, "huber_loss has no parameter slope"),
        (lambda: plot.descent_path_1d(lambda w: w**2, np.zeros(3)), TypeError, "path must be a lossviz.descent.DescentPath"),
        (lambda: plot.descent_path_1d(lambda w: w, DescentPath(np.zeros((3, 2)), np.zeros(3))), ValueError, "path must be of one weight"),
        (lambda: plot.descent_path_2d(lambda w: w, DescentPath(np.zeros(3), np.zeros(3))), ValueError, "path must be of 2 weights"),
        (lambda: plot.error_vs_step({"forward": [1.0]}), TypeError, "curve must be a lossviz.check.FDErrorCurve"),
        (lambda: plot.function_and_derivative("relu", ax="left"), TypeError, "ax must be a matplotlib Axes"),
        (lambda: plot.figure(0), ValueError, "ncols must be a positive int"),
        (lambda: plot.figure(height=-1.0), ValueError, "height must be a positive number"),
        (lambda: plot.margin_circle("triplet_margin_loss"), ValueError, r"name must be one of \('sphereface_loss'"),
        (lambda: plot.margin_circle("arcface_loss", spread=200.0), ValueError, r"spread must be an angle in degrees in \(0, 180\]"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
