"""Every derivation step in the course's notebooks is checked: a wrong step stops the notebook.

Two ways of showing it:
- end to end: a copy of a notebook with one step's formula replaced is executed by a
  Jupyter kernel (as nbconvert/nbval do) and fails with ``DerivationError`` naming that step;
- exhaustively: the derivation sections are run in-process with ``check_derivation``
  recorded; then each step of each recorded derivation is perturbed by one part in a
  million, and ``check_derivation`` must reject it and name the step that differs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

import lossviz.check
from lossviz.check import DerivationError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# Every notebook with a Derivation section (all but the welcome tour and the glossary).
NAMES = sorted(
    path.stem
    for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    if "## Derivation" in path.read_text(encoding="utf-8")
)
# The derivations end where the implementation starts (the template's order).
END_OF_DERIVATIONS = "## Implementation"

# One wrong formula per notebook: (original text, wrong text, the step the error must name).
WRONG_STEPS = {
    "01_derivatives_numerically": (
        '("divide by 2h", lambda x, h: 3 * x**2 + h**2)',
        '("divide by 2h", lambda x, h: 3 * x**2 + 2 * h**2)',
        "step 4 (divide by 2h)",
    ),
    "02_chain_rule": ('("target 0: 2 w x^2", lambda w, x: 2 * w * x**2)', '("target 0: 2 w x^2", lambda w, x: 2 * w * x)', "step 3 (target 0: 2 w x^2)"),
    "03_backpropagation": (
        '("delta1_j x_k", lambda w, x, s, v, r, y: delta1(w, x, s, v, r, y) * x)',
        '("delta1_j x_k", lambda w, x, s, v, r, y: delta1(w, x, s, v, r, y) * w)',
        "step 3 (delta1_j x_k)",
    ),
    "04_gradient_descent": (
        '("bias corrections cancel", lambda w, g, lr, b1, b2: w - lr * g / (np.sqrt(g**2) + 1e-8))',
        '("bias corrections cancel", lambda w, g, lr, b1, b2: w - lr * g / (np.sqrt(g**2 * (1 - b2)) + 1e-8))',
        "step 2 (bias corrections cancel)",
    ),
    # the sign error of a popular post: (y - prediction) for (prediction - y)
    "05_mse_rmse": ('("2 (p_i - y_i)", lambda p1, p2, p3, y1, y2, y3: 2 * (p1 - y1)),', '("2 (p_i - y_i)", lambda p1, p2, p3, y1, y2, y3: 2 * (y1 - p1)),', "step 3 (2 (p_i - y_i))"),
    "06_mae_l1": ('("sign(d)", lambda d: np.sign(d)),', '("sign(d)", lambda d: -np.sign(d)),', "step 4 (sign(d))"),
    "07_huber_smoothl1_logcosh_quantile": (
        '("clip(d, -delta, delta)", lambda d, delta: np.clip(d, -delta, delta)),',
        '("clip(d, -delta, delta)", lambda d, delta: np.clip(d, -1, 1)),',
        "step 3 (clip(d, -delta, delta))",
    ),
    "08_custom_losses": (
        '("d log(1 + p)/dp = 1/(1 + p)", lambda p, y: 2 * (np.log1p(p) - np.log1p(y)) / (1 + p)),',
        '("d log(1 + p)/dp = 1/(1 + p)", lambda p, y: 2 * (np.log1p(p) - np.log1p(y)) / p),',
        "step 3 (d log(1 + p)/dp = 1/(1 + p))",
    ),
    "09_sigmoid_bce": ('("expand: p - y", lambda z, y: sigma(z) - y)', '("expand: p - y", lambda z, y: y - sigma(z))', "step 5 (expand: p - y)"),
    "10_softmax_cross_entropy": (
        '("-p_0 p_1", lambda z0, z1, z2: -p0_of(z0, z1, z2) * p1_of(z0, z1, z2))',
        '("-p_0 p_1", lambda z0, z1, z2: p0_of(z0, z1, z2) * p1_of(z0, z1, z2))',
        "step 3 (-p_0 p_1)",
    ),
    "11_entropy_kl": (
        '("(mu - E_P[x]) / s^2", lambda mu, s: (mu - mean_P) / s**2)',
        '("(mu - E_P[x]) / s^2", lambda mu, s: (mu - mean_P) / s)',
        "step 3 ((mu - E_P[x]) / s^2)",
    ),
    "12_hinge_margin": (
        '("-y sigma(-y z)", lambda z, u: -label(u) * sigma(-label(u) * z))',
        '("-y sigma(-y z)", lambda z, u: -label(u) * sigma(label(u) * z))',
        "step 3 (-y sigma(-y z))",
    ),
    "13_imbalance_focal_dice": (
        "lambda z, gamma, alpha: -positive_slope(-z, gamma, 1 - alpha))",
        "lambda z, gamma, alpha: -positive_slope(-z, gamma, alpha))",
        "step 2 (mirror: minus the positive's slope at -z, with 1 - alpha)",
    ),
    "14_box_regression": (
        "return (u * y2 - c * (y2 - y1)) / c**2",
        "return (u * y2 - c * (y2 + y1)) / c**2",
        "step 4 (insert C' = y2, U' = y2 - y1)",
    ),
    "15_metric_learning": (
        '("d cancels: u1 - v1", lambda u1, u2, v1, v2: u1 - v1)',
        '("d cancels: u1 - v1", lambda u1, u2, v1, v2: v1 - u1)',
        "step 4 (d cancels: u1 - v1)",
    ),
    "16_probabilistic_regression": (
        '("e^x - y", lambda x, y: np.exp(x) - y)',
        '("e^x - y", lambda x, y: np.exp(x) + y)',
        "step 3 (e^x - y)",
    ),
    # the source posts' own slip: the sigmoid's derivative taken to be the sigmoid
    "17_sigmoid_tanh": (
        '("sigma (1 - sigma)", lambda x: sigma(x) * (1 - sigma(x)))',
        '("sigma (1 - sigma)", lambda x: sigma(x))',
        "step 4 (sigma (1 - sigma))",
    ),
    "18_relu_family": (
        '("x where x <= 0, else 0", lambda x, m: np.where(x <= 0, x, 0.0))',
        '("x where x <= 0, else 0", lambda x, m: np.where(x > 0, x, 0.0))',
        "step 3 (x where x <= 0, else 0)",
    ),
    "19_smooth_activations": (
        "lambda x: sigma(x) * sigma(-x) * (1 + x + np.exp(x))",
        "lambda x: sigma(x) * sigma(-x) * (1 - x + np.exp(x))",
        "step 4 (sigma(x) sigma(-x) (1 + x + e^x))",
    ),
    "20_softmax_activation": (
        '("p1 - p1 p1", lambda z1, z2, z3: probs(z1, z2, z3)[0] * (1 - probs(z1, z2, z3)[0]))',
        '("p1 - p1 p1", lambda z1, z2, z3: probs(z1, z2, z3)[0] * (1 + probs(z1, z2, z3)[0]))',
        "step 3 (p1 - p1 p1)",
    ),
    # a sign slip while collecting the terms in p
    "21_choosing_a_loss": (
        '("collect p", lambda p, pi, w: ((pi * w + 1 - pi) * p - pi * w) / (p * (1 - p))),',
        '("collect p", lambda p, pi, w: ((pi * w + 1 - pi) * p + pi * w) / (p * (1 - p))),',
        "step 4 (collect p)",
    ),
}


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def derivation_sources(notebook: nbformat.NotebookNode) -> list[str]:
    """The code cells before the Implementation heading: setup, intuition, derivations."""
    sources = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith(END_OF_DERIVATIONS):
            return sources
        if cell.cell_type == "code":
            sources.append(cell.source)
    raise AssertionError(f"no '{END_OF_DERIVATIONS}' heading")


def run_in_process(sources: list[str], monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Any], dict[str, Any]]]:
    """Execute the cells; return the (steps, options) of every check_derivation call."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    real = lossviz.check.check_derivation
    calls: list[tuple[list[Any], dict[str, Any]]] = []

    def recording(steps: Any, **options: Any) -> Any:
        calls.append((list(steps), options))
        return real(steps, **options)

    monkeypatch.setattr(lossviz.check, "check_derivation", recording)
    namespace: dict[str, Any] = {}
    try:
        for number, source in enumerate(sources):
            exec(compile(source, f"<cell {number}>", "exec"), namespace)
    finally:
        plt.close("all")
    return calls


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[tuple[list[Any], dict[str, Any]]]]:
    calls = {}
    for name in NAMES:
        # one patch per notebook, undone after it: otherwise each recorder would wrap the
        # last and every notebook's list would also collect the calls of the ones after it
        with pytest.MonkeyPatch.context() as monkeypatch:
            calls[name] = run_in_process(derivation_sources(read(name)), monkeypatch)
    return calls


@pytest.mark.parametrize("name", NAMES)
def test_unaltered_derivations_pass_and_are_labelled(recorded, name):
    calls = recorded[name]
    assert len(calls) >= 3, f"{name}: expected several derivations, found {len(calls)}"
    for steps, _ in calls:
        assert len(steps) >= 3 and all(isinstance(step, tuple) and isinstance(step[0], str) for step in steps)


def perturbed(expression: Any) -> Any:
    # one part in a million (plus a little, so a step that is 0 somewhere moves too)
    return lambda **variables: expression(**variables) * (1 + 1e-6) + 1e-6


@pytest.mark.parametrize("name", NAMES)
def test_every_step_of_every_derivation_is_load_bearing(recorded, name):
    checked = 0
    for steps, options in recorded[name]:
        for k, (label, expression) in enumerate(steps):
            wrong = [*steps[:k], (label, perturbed(expression)), *steps[k + 1 :]]
            # a wrong first step (the measured anchor) shows up as step 2 disagreeing with it
            named = 2 if k == 0 else k + 1
            expected_label = steps[named - 1][0]
            with pytest.raises(DerivationError, match=re.escape(f"step {named} ({expected_label})")):
                lossviz.check.check_derivation(wrong, **options)
            checked += 1
    assert checked >= 9


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_step_in_the_notebook_source_stops_it_in_process(name, monkeypatch):
    original, wrong, message = WRONG_STEPS[name]
    sources = derivation_sources(read(name))
    assert sum(source.count(original) for source in sources) == 1, "the step to alter is no longer in the notebook"
    altered = [source.replace(original, wrong) for source in sources]
    with pytest.raises(DerivationError, match=re.escape(message)):
        run_in_process(altered, monkeypatch)


def test_a_wrong_step_fails_the_executed_notebook(tmp_path):
    """End to end: the altered copy, executed by a kernel as nbval does, stops at that step."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    original, wrong, message = WRONG_STEPS["02_chain_rule"]
    notebook = read("02_chain_rule")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []  # the stored outputs: only what this run produces may remain
    hits = [cell for cell in notebook.cells if cell.cell_type == "code" and original in cell.source]
    assert len(hits) == 1
    hits[0].source = hits[0].source.replace(original, wrong)
    with pytest.raises(CellExecutionError) as error:
        NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert error.value.ename == "DerivationError"
    assert message in error.value.evalue
    failed = [cell for cell in notebook.cells if any(out.get("output_type") == "error" for out in cell.get("outputs", []))]
    assert failed == hits  # it stopped at the altered cell, not before
    assert not any(cell.get("outputs") for cell in notebook.cells[notebook.cells.index(hits[0]) + 1 :])
