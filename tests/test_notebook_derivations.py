"""Every derivation step in notebooks 01-04 is checked: a wrong step stops the notebook.

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
NAMES = ["01_derivatives_numerically", "02_chain_rule", "03_backpropagation", "04_gradient_descent"]
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
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {name: run_in_process(derivation_sources(read(name)), monkeypatch) for name in NAMES}


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
