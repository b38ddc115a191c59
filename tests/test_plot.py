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

from lossviz import activations, losses, plot
from lossviz.check import fd_error, gradcheck
from lossviz.descent import descend


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


def test_style_is_scoped_and_colours_differ():
    before = dict(matplotlib.rcParams)
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
    p = (1 + np.sqrt(1 - 4 * 0.25 * plot.FLAT_FRACTION)) / 2
    edge = np.log(p / (1 - p))
    grid_step = 14 / 400
    assert spans[0][0] == -7.0 and spans[1][1] == 7.0
    np.testing.assert_allclose([spans[0][1], spans[1][0]], [-edge, edge], atol=grid_step)


def test_relu_dead_side_is_shaded_and_gelu_dip_is_not():
    assert plot.flat_spans(np.linspace(-3, 3, 7), (np.linspace(-3, 3, 7) > 0).astype(float)) == [(-3.0, 0.0)]
    x = np.linspace(-7, 7, 401)
    spans = plot.flat_spans(x, activations.gelu.grad(x))
    assert len(spans) == 1 and spans[0][0] == -7.0 and spans[0][1] < -2, "gelu' = 0 near -0.75 is a dip, not saturation"


def test_cross_entropy_view_by_hand():
    shown = plot.view("cross_entropy")
    x = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(shown.value(x), np.log(np.exp(x) + 2) - x, rtol=1e-12)
    np.testing.assert_allclose(shown.derivative(x), np.exp(x) / (np.exp(x) + 2) - 1, rtol=1e-12, atol=1e-15)


def test_giou_view_by_hand():
    shown = plot.view("giou_loss")
    # Shift 0: predicted (0, .5, 2, 2.5) vs (0, 0, 2, 2): overlap 3, union 5, hull 5 -> GIoU 0.6.
    # Shift 3: no overlap, union 8, hull 5 x 2.5 = 12.5 -> GIoU = -(12.5 - 8) / 12.5.
    np.testing.assert_allclose(shown.value(np.array([0.0, 3.0])), [0.4, 1 + 4.5 / 12.5], rtol=1e-6)


def test_every_view_derivative_matches_finite_differences():
    """The slope mapping of each kind (e.g. a box shift moves x1 and x2) is right for every loss and activation."""
    checked = 0
    for registry in (losses.REGISTRY, activations.REGISTRY):
        for name, function in registry.items():
            try:
                shown = plot.view(function)
                shown.value(shown.x[:3])
            except (ValueError, TypeError):
                continue  # no 1-D view (e.g. softmax needs dim) or a required parameter
            x = np.linspace(shown.x[0], shown.x[-1], 23)[1:-1] + 0.0123  # off the usual kinks
            gradcheck(lambda points: shown.value(points).sum(), x, shown.derivative)
            checked += 1
    assert checked >= 40


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
    values = dict((name, float(value)) for name, value in (line.split() for line in text.splitlines()))
    # overlap 1 x 1 = 1, union 2 + 4 - 1 = 5: IoU 0.2; hull 3 x 2 = 6: GIoU 0.2 - 1/6.
    assert values["iou_loss"] == pytest.approx(0.8, abs=1e-3)
    assert values["giou_loss"] == pytest.approx(1 - (0.2 - 1 / 6), abs=1e-3)


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
