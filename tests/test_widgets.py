"""lossviz.widgets without a browser: set each control, assert the drawn data and the rendered pixels.

Expected values are computed here by hand (or by numpy/torch-free formulas), or, where the
issue asks for "what lossviz computes", by calling the registered function directly.
"""

from __future__ import annotations

import html
import io
import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import PIL.Image
import pytest

import ipywidgets
from lossviz import activations, data, explorer as machinery, losses, plot, views, widgets
from lossviz.check import fd_error, numeric_grad
from lossviz.descent import descend


def frame(explorer: widgets.Explorer) -> np.ndarray:
    """The pixels the explorer shows (its Image widget's PNG, decoded)."""
    return np.asarray(PIL.Image.open(io.BytesIO(explorer.image.value)).convert("RGB"))


def set_and_check_changed(explorer: widgets.Explorer, name: str, value) -> None:
    before = frame(explorer)
    explorer.controls[name].value = value
    assert explorer.controls[name].value == value
    assert not np.array_equal(before, frame(explorer)), f"setting {name}={value!r} did not change the picture"


def on_grid(control) -> bool:
    """The slider's value is one of its grid points (a browser shows the nearest grid point)."""
    if isinstance(control, ipywidgets.SelectionSlider):
        return control.value in [value for _, value in control.options]
    k = (control.value - control.min) / control.step
    return abs(k - round(k)) < 1e-9


def readout_text(explorer: machinery.Explorer) -> str:
    """The text of the explorer's readout column."""
    return next(artist for artist in explorer.figure.artists if isinstance(artist, plot.Readout)).get_text()


def hand_huber(d, delta):
    return np.where(np.abs(d) < delta, 0.5 * d**2, delta * (np.abs(d) - 0.5 * delta))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --------------------------------------------------------------------------- loss explorer


def curves(explorer):
    value_ax, grad_ax = explorer.figure.axes
    x, y = value_ax.lines[0].get_data()
    return np.asarray(x), np.asarray(y), np.asarray(grad_ax.lines[0].get_ydata())


def test_loss_explorer_huber_delta_target_prediction():
    explorer = widgets.loss_explorer("huber_loss")
    assert list(explorer.controls) == ["name", "prediction", "target", "delta"]
    assert explorer.controls["delta"].value == 1.0 and on_grid(explorer.controls["delta"])
    set_and_check_changed(explorer, "delta", 2.0)
    x, y, dy = curves(explorer)
    np.testing.assert_allclose(y, hand_huber(x, 2.0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dy, np.clip(x, -2.0, 2.0), rtol=1e-12, atol=1e-15)
    set_and_check_changed(explorer, "target", 0.5)
    x, y, dy = curves(explorer)
    np.testing.assert_allclose(y, hand_huber(x - 0.5, 2.0), rtol=1e-12, atol=1e-15)
    set_and_check_changed(explorer, "prediction", -1.0)
    value_dot, grad_dot = explorer.figure.axes[0].lines[-1], explorer.figure.axes[1].lines[-1]
    np.testing.assert_allclose(value_dot.get_ydata(), hand_huber(np.array([-1.5]), 2.0))
    np.testing.assert_allclose(grad_dot.get_ydata(), [-1.5])


def test_loss_explorer_switches_loss_and_its_parameters():
    explorer = widgets.loss_explorer("huber_loss", delta=1.5)
    assert explorer.controls["delta"].value == 1.5
    set_and_check_changed(explorer, "name", "smooth_l1_loss")
    assert "beta" in explorer.controls and "delta" not in explorer.controls
    set_and_check_changed(explorer, "beta", 0.5)
    x, y, _ = curves(explorer)
    np.testing.assert_allclose(y, np.where(np.abs(x) < 0.5, 0.5 * x**2 / 0.5, np.abs(x) - 0.25), rtol=1e-12, atol=1e-15)
    explorer.update(name="huber_loss")
    assert explorer.controls["delta"].value == 1.5, "switching back restores the loss's sliders"


def test_update_sets_a_choice_before_the_controls_it_brings():
    """update(name=..., margin=...) sets the margin of the loss chosen, not of the one before it."""
    explorer = widgets.loss_explorer("hinge_embedding_loss")
    before = explorer.controls["margin"].value
    explorer.update(name="margin_ranking_loss", margin=2.0)
    assert explorer.values["margin"] == 2.0
    shown = views.view(losses.REGISTRY["margin_ranking_loss"], target=explorer.values["target"], margin=2.0)
    x, y, _ = curves(explorer)
    np.testing.assert_array_equal(y, shown.value(x))
    explorer.update(name="hinge_embedding_loss")
    assert explorer.values["margin"] == before, "the loss chosen before keeps its own margin"

def test_loss_explorer_cross_entropy_label_smoothing():
    explorer = widgets.loss_explorer("cross_entropy")
    set_and_check_changed(explorer, "label_smoothing", 0.3)
    x, y, dy = curves(explorer)
    # logits (x, 0, 0), class 0: log p = logit - logsumexp; smoothed target (1 - e) onehot + e / 3.
    log_z = np.log(np.exp(x) + 2)
    log_p = np.stack([x - log_z, -log_z, -log_z])
    expected = -(0.7 + 0.1) * log_p[0] - 0.1 * log_p[1] - 0.1 * log_p[2]
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_allclose(dy, np.exp(x) / np.exp(log_z) - 0.8, rtol=1e-10, atol=1e-14)


def test_loss_explorer_focal_by_hand():
    explorer = widgets.loss_explorer("sigmoid_focal_loss")
    explorer.update(gamma=3.0, alpha=0.6, target=1.0)
    x, y, _ = curves(explorer)
    p = sigmoid(x)
    np.testing.assert_allclose(y, 0.6 * (1 - p) ** 3 * -np.log(p), rtol=1e-10)


def test_loss_explorer_hinge_embedding_target_choice():
    explorer = widgets.loss_explorer("hinge_embedding_loss")
    set_and_check_changed(explorer, "target", -1)
    set_and_check_changed(explorer, "margin", 2.0)
    x, y, _ = curves(explorer)
    np.testing.assert_allclose(y, np.maximum(0, 2.0 - x))


def _moves(control):
    """Two in-range grid values different from the current one."""
    if isinstance(control, ipywidgets.Dropdown):
        return [option for option in control.options if option != control.value][:2]
    if isinstance(control, ipywidgets.SelectionSlider):
        values = [value for _, value in control.options]
        return [value for value in (values[len(values) // 3], values[3 * len(values) // 4]) if value != control.value]
    low, high = machinery._range(control)
    steps = round((high - low) / control.step)
    return [value for value in (low + round(0.31 * steps) * control.step, low + round(0.77 * steps) * control.step) if value != control.value]


def test_every_loss_and_every_slider_draws_what_lossviz_computes():
    """For each explorable loss, each control: the drawn curves equal the registered function's values."""
    explorer = widgets.loss_explorer()
    names = widgets.explorable_losses()
    assert {"mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "cross_entropy", "binary_cross_entropy_with_logits",
            "sigmoid_focal_loss", "hinge_embedding_loss", "iou_loss", "giou_loss", "diou_loss", "ciou_loss"} <= set(names)
    moved = 0
    for name in names:
        explorer.update(name=name)
        for control_name in [key for key in explorer.controls if key not in ("name", "prediction")]:
            for value in _moves(explorer.controls[control_name]):
                explorer.controls[control_name].value = value
                settings = {key: v for key, v in explorer.values.items() if key not in ("name", "prediction")}
                shown = views.view(losses.REGISTRY[name], **settings)
                x, y, dy = curves(explorer)
                np.testing.assert_array_equal(y, shown.value(x), err_msg=f"{name} {settings}")
                np.testing.assert_array_equal(dy, shown.derivative(x), err_msg=f"{name} {settings}")
                moved += 1
    assert moved >= 40


# --------------------------------------------------------------------------- activation explorer


def test_activation_explorer_leaky_relu_and_gelu_by_hand():
    explorer = widgets.activation_explorer("leaky_relu")
    set_and_check_changed(explorer, "negative_slope", 0.2)
    x, y, dy = curves(explorer)
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(dy, np.where(x > 0, 1.0, 0.2))
    explorer.update(name="gelu")
    set_and_check_changed(explorer, "approximate", "tanh")
    x, y, _ = curves(explorer)
    np.testing.assert_allclose(y, 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))), rtol=1e-12, atol=1e-15)


def test_activation_explorer_shades_saturation_and_marks_input():
    explorer = widgets.activation_explorer("tanh")
    set_and_check_changed(explorer, "input", -2.0)
    dot = explorer.figure.axes[0].lines[-1]
    np.testing.assert_allclose(dot.get_ydata(), [np.tanh(-2.0)])
    shade = explorer.figure.axes[0].collections[0]
    spans = sorted(path.vertices[:, 0].min() for path in shade.get_paths())
    assert len(spans) == 2 and spans[0] == -7.0


def test_every_activation_and_every_slider_draws_what_lossviz_computes():
    explorer = widgets.activation_explorer()
    moved = 0
    for name in widgets.explorable_activations():
        explorer.update(name=name)
        for control_name in [key for key in explorer.controls if key not in ("name", "input")]:
            for value in _moves(explorer.controls[control_name]):
                try:
                    explorer.controls[control_name].value = value
                except ValueError as error:  # e.g. rrelu's lower above upper: reported, and shown
                    assert html.escape(str(error)) in explorer.message.value
                    continue
                settings = {key: v for key, v in explorer.values.items() if key not in ("name", "input")}
                function = activations.REGISTRY[name]
                x, y, dy = curves(explorer)
                np.testing.assert_array_equal(y, function(x, **settings), err_msg=f"{name} {settings}")
                grads = function.grad(x, **settings)
                np.testing.assert_array_equal(dy, grads[0] if isinstance(grads, tuple) else grads)
                moved += 1
    assert moved >= 15


# --------------------------------------------------------------------------- descent explorer


def test_descent_explorer_sgd_by_hand():
    explorer = widgets.descent_explorer()
    path_line = explorer.figure.axes[0].lines[1]
    history_line = explorer.figure.axes[1].lines[0]
    set_and_check_changed(explorer, "lr", 0.3)
    w = 2.0 * (1 - 2 * 0.3) ** np.arange(21)  # mse_loss(w, 0) = w^2, so w <- w - lr 2 w
    np.testing.assert_allclose(path_line.get_xdata(), w, rtol=1e-12)
    np.testing.assert_allclose(history_line.get_ydata(), w**2, rtol=1e-12)
    set_and_check_changed(explorer, "steps", 7)
    assert path_line.get_xdata().size == 8
    set_and_check_changed(explorer, "start", -1.0)
    np.testing.assert_allclose(path_line.get_xdata(), -1.0 * 0.4 ** np.arange(8), rtol=1e-12)


def test_descent_explorer_momentum_adam_and_divergence():
    explorer = widgets.descent_explorer(lr=0.1, steps=5)
    set_and_check_changed(explorer, "momentum", 0.5)
    w, v, expected = 2.0, 0.0, [2.0]
    for _ in range(5):  # torch.optim.SGD(momentum): v <- m v + g; w <- w - lr v
        v = 0.5 * v + 2 * w
        w = w - 0.1 * v
        expected.append(w)
    np.testing.assert_allclose(explorer.figure.axes[0].lines[1].get_xdata(), expected, rtol=1e-12)
    set_and_check_changed(explorer, "method", "adam")
    adam = descend(lambda w: float(w**2), lambda w: 2 * w, 2.0, lr=0.1, steps=5, method="adam")
    np.testing.assert_allclose(explorer.figure.axes[0].lines[1].get_xdata(), adam.points, rtol=1e-12)
    explorer.update(method="sgd", momentum=0.0, lr=1.5, steps=30)
    assert "diverged" in readout_text(explorer).splitlines()


def test_descent_explorer_errors_surface_in_widget_and_test():
    def grad(w):
        if abs(float(w)) > 1e3:
            raise FloatingPointError("gradient blew up")
        return 2 * w

    explorer = widgets.descent_explorer(lambda w: float(w**2), grad)
    with pytest.raises(FloatingPointError, match="blew up"):
        explorer.controls["lr"].value = 2.0
    assert "gradient blew up" in explorer.message.value
    explorer.controls["lr"].value = 0.2
    assert explorer.message.value == ""
    with pytest.raises(TypeError, match="no control named speed"):
        explorer.update(speed=3)
    with pytest.raises(ValueError, match="lr=5 is outside the slider's range"):
        explorer.update(lr=5.0)
    with pytest.raises(TypeError, match="both loss and grad"):
        widgets.descent_explorer(lambda w: w)


# --------------------------------------------------------------------------- outliers


def _line(explorer, name):
    line = next(line for line in explorer.figure.axes[0].lines if line.get_label() == name)
    x, y = line.get_data()
    slope = (y[1] - y[0]) / (x[1] - x[0])
    return slope, y[0] - slope * x[0]


def test_outlier_explorer_fits_by_independent_methods():
    explorer = widgets.outlier_explorer()
    for name, value in (("outlier_x", 0.3), ("outlier_y", 11.0), ("delta", 0.4)):
        set_and_check_changed(explorer, name, value)
    x, y = data.line(20, seed=0)
    xs, ys = np.append(x, 0.3), np.append(y, 11.0)
    np.testing.assert_allclose(_line(explorer, "mse_loss"), np.polyfit(xs, ys, 1), rtol=1e-9)
    # L1: an optimal line passes through two data points, so the best pair is the optimum.
    best = min(np.sum(np.abs(ys - (a * xs + b))) for a, b in (
        ((ys[j] - ys[i]) / (xs[j] - xs[i]), ys[i] - (ys[j] - ys[i]) / (xs[j] - xs[i]) * xs[i])
        for i, j in itertools.combinations(range(xs.size), 2) if xs[i] != xs[j]))
    slope, intercept = _line(explorer, "l1_loss")
    assert np.sum(np.abs(ys - (slope * xs + intercept))) == pytest.approx(best, rel=1e-7)
    slope, intercept = _line(explorer, "huber_loss")
    total = lambda theta: hand_huber(theta[0] * xs + theta[1] - ys, 0.4).sum()
    assert np.abs(numeric_grad(total, np.array([slope, intercept]))).max() < 1e-6
    marker = next(line for line in explorer.figure.axes[0].lines if line.get_label() == "outlier")
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (0.3, 11.0)


# --------------------------------------------------------------------------- the margin of a linear classifier


def test_hinge_margin_explorer_by_hand():
    explorer = widgets.hinge_margin_explorer()
    for name, value in (("angle", 0.0), ("bias", 0.0), ("norm", 2.0)):
        set_and_check_changed(explorer, name, value)
    points, classes = data.blobs(40, centers=2, spread=1.1, seed=1)
    y = np.where(classes == 0, 1.0, -1.0)  # the blob at (2, 0) is the +1 class
    plane_ax, loss_ax = explorer.figure.axes
    # w = (2, 0), b = 0: the boundary is x1 = 0 and the margin lines x1 = +-1/2.
    lines = {line.get_label(): line for line in plane_ax.lines}
    np.testing.assert_allclose(lines["boundary"].get_xdata(), [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(sorted([plane_ax.lines[1].get_xdata()[0], plane_ax.lines[2].get_xdata()[0]]), [-0.5, 0.5])
    signed = y * 2.0 * points[:, 0]
    hinge = np.maximum(0.0, 1.0 - signed)
    rings = next(c for c in plane_ax.collections if c.get_label() == "hinge loss > 0").get_offsets()
    assert sorted(map(tuple, np.asarray(rings))) == sorted(map(tuple, points[hinge > 0]))
    np.testing.assert_allclose(loss_ax.collections[-1].get_offsets(), np.column_stack([np.clip(signed, -4, 4), hinge]))
    text = readout_text(explorer)
    assert f"wrong side    {np.sum(signed < 0)}" in text and f"in the margin {np.sum((signed >= 0) & (signed < 1))}" in text
    assert f"hinge       {hinge.mean():.3f}" in text
    assert f"logistic    {np.mean(np.log1p(np.exp(-signed))):.3f}" in text
    assert "margin 1/|w|  0.5" in text
    # A quarter turn: w = (0, 2), b = 1, so the boundary is the horizontal line x2 = -1/2.
    explorer.update(angle=90.0, bias=1.0)
    np.testing.assert_allclose(lines["boundary"].get_ydata(), [-0.5, -0.5], atol=1e-12)


# --------------------------------------------------------------------------- focal, softmax, boxes, finite differences


def test_focal_explorer_by_hand():
    explorer = widgets.focal_explorer()
    set_and_check_changed(explorer, "gamma", 1.0)
    set_and_check_changed(explorer, "alpha", 0.8)
    loss_ax, grad_ax = explorer.figure.axes
    focal = next(line for line in loss_ax.lines if line.get_label() == "focal")
    p = focal.get_xdata()
    np.testing.assert_allclose(focal.get_ydata(), 0.8 * (1 - p) * -np.log(p), rtol=1e-9)
    slope = next(line for line in grad_ax.lines if line.get_label() == "focal").get_ydata()
    # d/dx of alpha (1-p)^g (-log p) with p = sigma(x): alpha (1-p)^g [g p log p - (1 - p)].
    np.testing.assert_allclose(slope, 0.8 * (1 - p) * (p * np.log(p) - (1 - p)), rtol=1e-8)


def test_softmax_explorer_by_hand():
    explorer = widgets.softmax_explorer()
    for name, value in (("z1", 3.0), ("z2", -1.0), ("temperature", 2.0), ("target", 2), ("z0", 0.5)):
        set_and_check_changed(explorer, name, value)
    z = np.array([0.5, 3.0, -1.0]) / 2.0
    p = np.exp(z) / np.exp(z).sum()
    prob_ax, grad_ax = explorer.figure.axes
    np.testing.assert_allclose([bar.get_height() for bar in prob_ax.patches[:3]], p, rtol=1e-12)
    np.testing.assert_allclose([bar.get_height() for bar in grad_ax.patches[:3]], (p - [0, 0, 1]) / 2.0, rtol=1e-12)
    assert f"cross-entropy\n  = {-np.log(p[2]):.4f}" in readout_text(explorer)


def test_box_explorer_by_hand():
    explorer = widgets.box_explorer()
    for name, value in (("cx", 3.0), ("cy", 2.0), ("width", 2.4), ("width", 2.0), ("height", 2.0)):
        set_and_check_changed(explorer, name, value)
    ax = explorer.figure.axes[0]
    predicted = ax.patches[1]
    assert predicted.get_xy() == (2.0, 1.0) and predicted.get_width() == 2.0 and predicted.get_height() == 2.0
    readout = readout_text(explorer)
    values = {name: float(value) for name, value in (line.split() for line in readout.splitlines())}
    # (2, 1, 4, 3) vs (1, 1, 3, 3): overlap 1 x 2 = 2, union 6: IoU 1/3; hull 3 x 2 = 6: GIoU 1/3;
    # centres (3, 2) and (2, 2), hull diagonal^2 = 9 + 4: DIoU loss = 1 - 1/3 + 1/13.
    assert values["iou_loss"] == pytest.approx(2 / 3, abs=5e-4)
    assert values["giou_loss"] == pytest.approx(2 / 3, abs=5e-4)
    assert values["diou_loss"] == pytest.approx(2 / 3 + 1 / 13, abs=5e-4)
    ciou = losses.REGISTRY["ciou_loss"](np.array([[2.0, 1.0, 4.0, 3.0]]), np.array([[1.0, 1.0, 3.0, 3.0]]))
    assert values["ciou_loss"] == pytest.approx(float(ciou[0]), abs=5e-4)


def test_finite_difference_explorer_by_hand():
    explorer = widgets.finite_difference_explorer()
    set_and_check_changed(explorer, "h", 1e-3)
    ax = explorer.figure.axes[0]
    picked = ax.collections[-1].get_offsets()
    assert np.all(picked[:, 0] == 1e-3)
    at = fd_error(np.sin, np.cos, 1.0, steps=[1e-3])
    np.testing.assert_allclose(picked[:, 1], [max(v[0], plot.ERROR_FLOOR) for v in at.errors.values()], rtol=1e-12)
    central64 = abs((np.sin(1 + 1e-3) - np.sin(1 - 1e-3)) / 2e-3 - np.cos(1)) / np.cos(1)
    assert central64 in picked[:, 1] or np.isclose(picked[list(at.errors).index(("central", "float64")), 1], central64, rtol=1e-6)
    set_and_check_changed(explorer, "x0", 0.5)
    set_and_check_changed(explorer, "function", "exp")
    curve = fd_error(np.exp, np.exp, 0.5)
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(lines["forward float64"].get_ydata(), np.maximum(curve.errors["forward", "float64"], plot.ERROR_FLOOR))


# --------------------------------------------------------------------------- angular margins


def _arcface_target(theta, m):
    """insightface's target logit: cos(theta + m), and past theta = pi - m the line cos(theta) - m sin(m)."""
    return np.where(theta + m <= np.pi, np.cos(theta + m), np.cos(theta) - m * np.sin(m))


def _labelled(ax, label):
    return next(line for line in ax.lines if line.get_label() == label)


def test_margin_explorer_arcface_loss_and_slope_by_hand():
    explorer = widgets.margin_explorer()
    for name, value in (("margin", 0.3), ("scale", 10.0), ("spread", 120.0)):
        set_and_check_changed(explorer, name, value)
    _, loss_ax, grad_ax = explorer.figure.axes
    degrees, loss = _labelled(loss_ax, "with the margin").get_data()
    theta, delta, s, m = np.radians(degrees), np.radians(120.0), 10.0, 0.3
    assert degrees[-1] == pytest.approx(120.0) and degrees[0] > 0, "from W0 (excluded) to W1"
    # Two classes: l = log(1 + exp(s (cos(theta - delta) - cos(theta + m)))), a softplus.
    gap = s * (np.cos(theta - delta) - np.cos(theta + m))
    np.testing.assert_allclose(loss, np.logaddexp(0, gap), rtol=1e-10, atol=1e-14)
    # dl/dtheta = sigmoid(gap) * s * (-sin(theta - delta) + sin(theta + m)).
    slope = _labelled(grad_ax, "with the margin").get_ydata()
    np.testing.assert_allclose(slope, sigmoid(gap) * s * (np.sin(theta + m) - np.sin(theta - delta)), rtol=1e-8, atol=1e-10)
    plain = _labelled(loss_ax, "no margin, same s").get_ydata()
    np.testing.assert_allclose(plain, np.logaddexp(0, s * (np.cos(theta - delta) - np.cos(theta))), rtol=1e-10, atol=1e-14)
    # ArcFace's boundary: theta + m = delta - theta, so theta = (delta - m) / 2; the gap is m.
    boundary = (120.0 - np.degrees(m)) / 2
    assert loss_ax.lines[-1].get_xdata()[0] == pytest.approx(boundary, abs=1e-9)
    assert f"theta < {boundary:.1f} deg" in readout_text(explorer)
    assert f"gap   {np.degrees(m):.1f} deg" in readout_text(explorer)


def _arc_angles(line):
    x, y = line.get_data()
    inside = np.isfinite(x)
    return np.arctan2(y, x)[inside], np.arctan2(y, x)[~inside]


@pytest.mark.parametrize("spread", [60.0, 150.0])
def test_margin_explorer_circle_by_hand(spread):
    """Each point of class 0's arc beats class 1 by ArcFace's margin; no other point does."""
    explorer = widgets.margin_explorer(margin=0.4, spread=spread)
    circle_ax = explorer.figure.axes[0]
    ours, others = _arc_angles(_labelled(circle_ax, "class 0 by its margin"))
    delta = np.radians(spread)

    def wins(phi):
        to_w0 = np.abs(phi)
        to_w1 = np.arccos(np.clip(np.cos(phi - delta), -1, 1))
        return _arcface_target(to_w0, 0.4) > np.cos(to_w1)

    assert ours.size > 20 and others.size > 20
    assert wins(ours).all() and not wins(others).any()
    weight = np.asarray(_labelled(circle_ax, "W1").get_data())
    np.testing.assert_allclose(weight[:, 1], [np.cos(delta), np.sin(delta)], atol=1e-15)


@pytest.mark.parametrize(
    ("name", "margin", "spread", "expected"),
    [
        # SphereFace: cos(m theta) = cos(delta - theta) at theta = delta / (m + 1)
        ("sphereface_loss", 4, 90.0, 18.0),
        ("sphereface_loss", 2, 150.0, 50.0),
        ("sphereface_loss", 1, 100.0, 50.0),  # m = 1: no margin, the bisector
        # CosFace: cos(theta) - m = cos(delta - theta) at delta/2 - arcsin(m / (2 sin(delta/2)))
        ("cosface_loss", 0.35, 90.0, 45.0 - np.degrees(np.arcsin(0.35 / (2 * np.sin(np.radians(45.0)))))),
        ("cosface_loss", 0.6, 180.0, 90.0 - np.degrees(np.arcsin(0.3))),
        ("cosface_loss", 0.35, 40.0, None),  # 1 - m < cos(40 deg): class 0 never wins between them
        ("arcface_loss", 0.5, 90.0, (90.0 - np.degrees(0.5)) / 2),
    ],
)
def test_margin_explorer_boundaries_by_closed_forms(name, margin, spread, expected):
    explorer = widgets.margin_explorer(name, margin=margin, spread=spread, scale=30.0)
    edge = explorer.figure.axes[1].lines[-1].get_xdata()[0]
    if expected is None:
        assert np.isnan(edge) and "class 0 never" in readout_text(explorer)
    else:
        assert edge == pytest.approx(expected, abs=1e-9)
        assert f"gap   {spread - 2 * expected:.1f} deg" in readout_text(explorer)


def test_margin_explorer_switches_loss_keeps_each_margin_and_refuses_as_constructor():
    explorer = widgets.margin_explorer("arcface_loss", margin=0.25)
    assert list(explorer.controls) == ["name", "margin", "scale", "spread"]
    assert explorer.values == {"name": "arcface_loss", "margin": 0.25, "scale": 64.0, "spread": 90.0}
    set_and_check_changed(explorer, "name", "sphereface_loss")
    assert explorer.values["margin"] == 4 and isinstance(explorer.controls["margin"], ipywidgets.IntSlider)
    with pytest.raises(TypeError, match="margin must be a whole number"):
        explorer.update(margin=2.5)
    explorer.update(name="cosface_loss")
    assert explorer.values["margin"] == 0.35, "CosFace's own default (the paper's)"
    explorer.update(name="arcface_loss")
    assert explorer.values["margin"] == 0.25, "switching back keeps the margin that was set"
    with pytest.raises(ValueError, match=r"scale=200 is outside the slider's range \[1, 100\]"):
        explorer.update(scale=200.0)
    assert explorer.values["scale"] == 64.0


def test_margin_explorer_legend_and_readout_stay_off_the_axes():
    explorer = widgets.margin_explorer()
    for values in ({"spread": 180.0}, {"name": "sphereface_loss", "margin": 6}, {"name": "cosface_loss", "spread": 30.0}):
        explorer.update(**values)
        figure = explorer.figure
        figure.canvas.draw()
        boxes = [ax.get_window_extent() for ax in figure.axes]
        legend = figure.legends[0].get_window_extent()
        numbers = next(artist for artist in figure.artists if isinstance(artist, plot.Readout)).get_window_extent()
        assert not legend.overlaps(numbers), f"the legend covers the readout after {values}"
        for box in boxes:
            assert not legend.overlaps(box) and not numbers.overlaps(box), f"over the axes after {values}"
        assert legend.x1 <= figure.bbox.x1 and legend.y0 >= 0


# --------------------------------------------------------------------------- rendering


ALL = [widgets.loss_explorer, widgets.activation_explorer, widgets.descent_explorer, widgets.outlier_explorer,
       widgets.focal_explorer, widgets.softmax_explorer, widgets.box_explorer, widgets.margin_explorer,
       widgets.finite_difference_explorer, widgets.hinge_margin_explorer]


@pytest.mark.parametrize("make", ALL, ids=lambda make: make.__name__)
def test_blitted_frames_match_a_full_redraw_and_reuse_artists(make):
    """After many steps the fast frame equals drawing the whole figure afresh, with no new artists or figures."""
    explorer = make()
    figure = explorer.figure
    count = sum(len(ax.get_children()) for ax in figure.axes)
    for name, control in explorer.controls.items():
        if name == "name":
            continue
        for value in _moves(control):
            control.value = value
    assert explorer.figure is figure
    assert sum(len(ax.get_children()) for ax in figure.axes) == count
    fast = frame(explorer)
    explorer._blitter._key = None  # forget the cached background: the next frame is drawn whole
    explorer.update()
    np.testing.assert_array_equal(frame(explorer), fast, err_msg="a blitted frame differs from a full redraw")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=figure.dpi)
    saved = np.asarray(PIL.Image.open(out).convert("RGB"))
    assert saved.shape == fast.shape
    differing = np.any(saved != fast, axis=2).mean()
    # Moving artists are drawn last, over grid lines (savefig interleaves them): a few pixels differ.
    assert differing < 0.03, f"{differing:.2%} of pixels differ from savefig"


def test_png_encoders_are_lossless():
    explorer = widgets.box_explorer()
    rgba = np.asarray(explorer.figure.canvas.buffer_rgba())
    # The first frame (what a saved notebook stores) is the compact RGB encoding...
    np.testing.assert_array_equal(np.asarray(PIL.Image.open(io.BytesIO(explorer.image.value))), rgba[..., :3])
    explorer.update(cx=3.0)
    # ...and every slider frame the fast RGBA one.
    rgba = np.asarray(explorer.figure.canvas.buffer_rgba())
    np.testing.assert_array_equal(np.asarray(PIL.Image.open(io.BytesIO(explorer.image.value))), rgba)


def _differing(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.any(a != b, axis=2).mean())


def test_naive_png_draws_the_same_values():
    """The slow picture of z0=-2 equals the fast picture of z0=-2 (pixel for pixel, but for a
    few where moving artists are drawn over grid lines) and not the picture of z0=2."""
    explorer = widgets.softmax_explorer()
    naive = np.asarray(PIL.Image.open(io.BytesIO(explorer.naive_png(z0=-2.0))).convert("RGB"))
    assert explorer.controls["z0"].value == 2.0, "naive_png leaves the explorer alone"
    before = frame(explorer)
    moved = widgets.softmax_explorer(z0=-2.0)
    assert naive.shape == frame(moved).shape
    assert _differing(naive, frame(moved)) < 0.01, "the naive picture differs from the fast one of the same values"
    assert _differing(naive, before) > 5 * _differing(naive, frame(moved)) and _differing(naive, before) > 0.02


def test_bad_names_and_parameters_are_reported():
    with pytest.raises(ValueError, match="name must be one of"):
        widgets.loss_explorer("no_such_loss")
    with pytest.raises(TypeError, match="no control named slope"):
        widgets.loss_explorer("huber_loss", slope=1.0)
    with pytest.raises(ValueError, match="no view as a function of one scalar"):
        views.view("triplet_margin_loss")
    with pytest.raises(ValueError, match="acts along a dimension"):
        views.view("softmax")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("make", "kwargs", "error", "message"),
    [
        (widgets.loss_explorer, {"name": "huber_loss", "delta": -1}, ValueError, r"delta=-1 is outside the slider's range \[0.1, 3\]"),
        (widgets.loss_explorer, {"name": "huber_loss", "delta": float("nan")}, ValueError, "delta must be finite"),
        (widgets.loss_explorer, {"name": "huber_loss", "target": "zero"}, TypeError, "target must be a real number"),
        (widgets.loss_explorer, {"name": "hinge_embedding_loss", "target": 0}, ValueError, r"target must be one of \(1, -1\)"),
        (widgets.descent_explorer, {"lr": -1}, ValueError, "lr=-1 is outside the slider's range"),
        (widgets.descent_explorer, {"lr": float("nan")}, ValueError, "lr must be finite"),
        (widgets.descent_explorer, {"steps": 10**9}, ValueError, r"steps=1e\+09 is outside the slider's range \[1, 100\]"),
        (widgets.descent_explorer, {"steps": 2.5}, TypeError, "steps must be a whole number"),
        (widgets.descent_explorer, {"momentum": 1.5}, ValueError, "momentum=1.5 is outside the slider's range"),
        (widgets.descent_explorer, {"start": float("inf")}, ValueError, "start must be finite"),
        (widgets.descent_explorer, {"method": "rmsprop"}, ValueError, r"method must be one of \('sgd', 'momentum', 'adam'\)"),
        (widgets.outlier_explorer, {"delta": 0.0}, ValueError, "delta=0 is outside"),
        (widgets.focal_explorer, {"alpha": 2.0}, ValueError, "alpha=2 is outside"),
        (widgets.softmax_explorer, {"temperature": 0.0}, ValueError, "temperature=0 is outside"),
        (widgets.softmax_explorer, {"target": 3}, ValueError, r"target must be one of \(0, 1, 2\)"),
        (widgets.box_explorer, {"width": -1.0}, ValueError, "width=-1 is outside"),
        (widgets.margin_explorer, {"name": "normface"}, ValueError, r"name must be one of \('sphereface_loss'"),
        (widgets.margin_explorer, {"margin": 2.0}, ValueError, r"margin=2 is outside the slider's range \[0, 1\]"),
        (widgets.margin_explorer, {"name": "sphereface_loss", "margin": 2.5}, TypeError, "margin must be a whole number"),
        (widgets.margin_explorer, {"name": "sphereface_loss", "margin": 0}, ValueError, r"margin=0 is outside the slider's range \[1, 6\]"),
        (widgets.margin_explorer, {"scale": 0.5}, ValueError, "scale=0.5 is outside"),
        (widgets.margin_explorer, {"scale": float("nan")}, ValueError, "scale must be finite"),
        (widgets.margin_explorer, {"spread": 10.0}, ValueError, "spread=10 is outside"),
        (widgets.margin_explorer, {"spread": "wide"}, TypeError, "spread must be a real number"),
        (widgets.finite_difference_explorer, {"h": 2.0}, ValueError, "h=2 is outside"),
        (widgets.finite_difference_explorer, {"function": "cos"}, ValueError, "function must be one of"),
        (widgets.hinge_margin_explorer, {"norm": 0.0}, ValueError, r"norm=0 is outside the slider's range \[0.2, 3\]"),
        (widgets.hinge_margin_explorer, {"angle": 270.0}, ValueError, "angle=270 is outside"),
        (widgets.hinge_margin_explorer, {"bias": "1"}, TypeError, "bias must be a real number"),
    ],
)
def test_constructors_refuse_what_a_slider_refuses(make, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)


def test_update_refuses_as_the_constructor_does():
    explorer = widgets.descent_explorer()
    for kwargs, message in (({"steps": 2.5}, "steps must be a whole number"), ({"momentum": float("nan")}, "momentum must be finite"),
                            ({"method": "newton"}, "method must be one of")):
        with pytest.raises((TypeError, ValueError), match=message):
            explorer.update(**kwargs)
    assert explorer.values == {"lr": 0.1, "momentum": 0.0, "steps": 20, "start": 2.0, "method": "sgd"}
    explorer.update(lr=0.23)  # between the log slider's grid points: added to the grid, exact
    assert explorer.controls["lr"].value == 0.23 and on_grid(explorer.controls["lr"])


# --------------------------------------------------------------------------- what a learner sees


def make_all():
    return [make() for make in ALL]


def test_every_default_lies_on_its_slider_grid_and_reads_plainly():
    for explorer in make_all():
        for name, control in explorer.controls.items():
            if isinstance(control, (ipywidgets.FloatSlider, ipywidgets.SelectionSlider)):
                assert on_grid(control), f"{name}={control.value} is not on its slider's grid"
            if isinstance(control, ipywidgets.SelectionSlider):
                assert all("e" not in label for label, value in control.options if 1e-4 <= value < 1e5), control.options
    descent = widgets.descent_explorer(lr=0.2, steps=12, start=2.0)
    assert descent.controls["start"].value == 2.0 and on_grid(descent.controls["start"])
    assert descent.controls["lr"].label == "0.2"


def test_controls_have_words_and_tooltips():
    for explorer in make_all():
        for name, control in explorer.controls.items():
            assert control.description and control.tooltip, name
            assert control.description != name or " " in name or name in {"steps", "method", "width", "height"}, f"{name} has no words"


def test_losses_are_listed_in_the_course_order():
    names = widgets.explorable_losses()
    topics = [losses.REGISTRY[name].topic for name in names]
    order = [losses.TOPICS.index(topic) for topic in topics]
    assert order == sorted(order)
    assert names[:4] == ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]
    assert names.index("cross_entropy") < names.index("hinge") < names.index("sigmoid_focal_loss") < names.index("giou_loss")
    assert names[-2:] == ["poisson_nll_loss", "gaussian_nll_loss"]
    assert widgets.loss_explorer().controls["name"].options == tuple(names)


def test_the_picture_does_not_jump_when_a_loss_brings_more_controls():
    explorer = widgets.loss_explorer("mse_loss")
    room = int(explorer._panel.layout.min_height.removesuffix("px"))
    most = 0
    for name in widgets.explorable_losses():
        explorer.update(name=name)
        most = max(most, len(explorer.controls))
    assert room == most * machinery._ROW_PX, "the control panel keeps room for the loss with the most controls"
    assert len(widgets.loss_explorer("mse_loss").controls) < most


@pytest.mark.parametrize("make", ALL, ids=lambda make: make.__name__)
def test_readouts_and_legends_stay_off_the_axes(make):
    explorer = make()
    for name, control in [(name, control) for name, control in explorer.controls.items() if name != "name"]:
        for value in _moves(control):
            explorer.update(**{name: value})
            figure = explorer.figure
            figure.canvas.draw()
            boxes = [ax.get_window_extent() for ax in figure.axes]
            texts = [artist for artist in figure.artists if isinstance(artist, plot.Readout)]
            texts += [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None]
            for text in texts:
                extent = text.get_window_extent()
                for box in boxes:
                    assert not extent.overlaps(box), f"{type(text).__name__} over the axes after {name}={value!r}"
                assert 0 <= extent.x0 and extent.x1 <= figure.bbox.x1 and extent.y0 >= 0, "cut off at the figure's edge"


def test_bce_derivative_axis_shows_the_curve_not_a_spike():
    explorer = widgets.loss_explorer("binary_cross_entropy")
    grad_ax = explorer.figure.axes[1]
    slope = grad_ax.lines[0].get_ydata()
    low, high = grad_ax.get_ylim()
    assert slope.min() < -90  # -1/p at p = 0.01
    inside = np.mean((slope >= low) & (slope <= high))
    assert inside > 0.9 and high - low < 40, f"limits {low, high} hold {inside:.0%} of the curve"
    assert high >= 0 > low


def test_image_is_drawn_at_the_size_it_is_shown(monkeypatch):
    explorer = widgets.loss_explorer()
    assert explorer.image.layout.width == "960px" and explorer.image.layout.max_width == "100%"
    assert frame(explorer).shape[1] == 960
    sharp = widgets.loss_explorer()
    monkeypatch.setattr(machinery, "PIXEL_RATIO", 2.0)
    sharp = widgets.loss_explorer()
    assert frame(sharp).shape[1] == 1920 and sharp.image.layout.width == "960px"
    monkeypatch.setenv("LOSSVIZ_PIXEL_RATIO", "x2")
    with pytest.raises(ValueError, match="LOSSVIZ_PIXEL_RATIO must be a number"):
        machinery._pixel_ratio()


def test_saved_output_carries_the_picture_and_a_sentence():
    explorer = widgets.loss_explorer("huber_loss")
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.model_id
    picture = np.asarray(PIL.Image.open(io.BytesIO(bundle["image/png"])).convert("RGB"))
    np.testing.assert_array_equal(picture, np.asarray(explorer.figure.canvas.buffer_rgba())[..., :3])
    assert not bundle["text/plain"].startswith("Explorer(") and "huber_loss" in bundle["text/plain"]


# --------------------------------------------------------------------------- notebook globals


def test_descent_explorer_keeps_the_data_its_loss_read_when_it_was_made():
    namespace: dict = {}
    exec(
        "x = 1.5\n"
        "def one_weight_loss(w):\n    return (w * x - 0.0) ** 2\n"
        "def one_weight_grad(w):\n    return 2 * w * x**2\n",
        namespace,
    )
    explorer = widgets.descent_explorer(namespace["one_weight_loss"], namespace["one_weight_grad"], lr=0.2, steps=3)
    namespace["x"] = np.array([1.0, 2.0, 3.0])  # an exercise cell rebinds x
    explorer.update(start=1.0)
    expected = 1.0 * (1 - 2 * 0.2 * 1.5**2) ** np.arange(4)
    np.testing.assert_allclose(explorer.figure.axes[0].lines[1].get_xdata(), expected, rtol=1e-12)
    assert explorer.message.value == ""


def test_descent_explorer_takes_data_by_value():
    x = np.array([1.5])
    explorer = widgets.descent_explorer(lambda w, x: float(((w * x) ** 2)[0]), lambda w, x: 2 * w * x[0] ** 2, data={"x": x}, lr=0.2, steps=2)
    x[0] = 100.0  # changed in place after the explorer was made
    explorer.update(start=1.0)
    np.testing.assert_allclose(explorer.figure.axes[0].lines[1].get_xdata(), (1 - 0.4 * 2.25) ** np.arange(3), rtol=1e-12)
    with pytest.raises(TypeError, match="data must be a mapping"):
        widgets.descent_explorer(lambda w, x: w, lambda w, x: w, data=[1.5])


# --------------------------------------------------------------------------- the subshell race


def test_concurrent_updates_never_leave_two_dots(monkeypatch):
    """JupyterLab delivers widget messages on a kernel subshell (a second thread) while a new
    control's first message can arrive on the main one. Two threads updating one explorer
    at once must still leave a background without moving artists in it: the last blitted
    frame equals a full redraw."""
    import sys
    import threading

    monkeypatch.setattr(sys, "getswitchinterval", sys.getswitchinterval)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        explorer = widgets.loss_explorer("huber_loss")
        names = ["huber_loss", "l1_loss", "cross_entropy", "giou_loss"]
        errors: list[BaseException] = []

        def switch():
            try:
                for index in range(24):
                    explorer.update(name=names[index % len(names)])
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        def move():
            try:
                for index in range(60):
                    explorer.update(prediction=(-1.0, 1.0)[index % 2])
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

        threads = [threading.Thread(target=switch), threading.Thread(target=move)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors
    explorer.update(prediction=0.5)
    fast = frame(explorer)
    explorer._blitter._key = None
    explorer.update()
    np.testing.assert_array_equal(frame(explorer), fast, err_msg="a moving artist was left in the cached background")
