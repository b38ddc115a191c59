"""The rules every notebook follows, checked on the stored notebooks (see each test's name).

The wrong-answer tables (tests/exercises/) and the derivation checks
(test_notebook_derivations.py) cover the exercises and the algebra; this file covers the
rest a reader meets: line lengths, learner-facing text, which outputs are compared, the
welcome notebook's list of notebooks, and that CI's reduced instruction set is in effect.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9A-Z]*.ipynb"))
MAX_LINE = 100
# Words of the test machinery that have no place in what a learner reads.
DEVELOPER_WORDS = re.compile(r"NBVAL|nbval|pytest|tests/|test_\w+\.py|conftest", re.I)
# Outputs that change from run to run (widgets, progress bars on stderr): their cells must
# be tagged so that nbval does not compare them.
VARYING = ("application/vnd.jupyter.widget-view+json",)


def cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def code_cells(path: Path) -> list:
    return [cell for cell in cells(path) if cell.cell_type == "code"]


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_code_lines_fit_in_100_characters(path: Path) -> None:
    long = [
        f"cell {number}: {line!r}"
        for number, cell in enumerate(cells(path))
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > MAX_LINE
    ]
    assert not long, f"{len(long)} code lines over {MAX_LINE} characters:\n" + "\n".join(long)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_no_test_machinery_in_learner_text(path: Path) -> None:
    found = [
        f"cell {number}: {match.group(0)!r}"
        for number, cell in enumerate(cells(path))
        for match in DEVELOPER_WORDS.finditer(cell.source)
    ]
    assert not found, "test markers or test files named where learners read (use cell tags):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_no_throwaway_assignments_of_plot_calls(path: Path) -> None:
    noisy = [line for cell in code_cells(path) for line in cell.source.splitlines() if re.match(r"\s*_ = ", line)]
    assert not noisy, "drop '_ = ' (a plot call's value is not displayed unless it is last):\n" + "\n".join(noisy)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_varying_outputs_are_tagged_not_compared(path: Path) -> None:
    for number, cell in enumerate(code_cells(path)):
        kinds = {key for output in cell.get("outputs", []) for key in output.get("data", {})}
        streams = {output.get("name") for output in cell.get("outputs", []) if output.get("output_type") == "stream"}
        if kinds & set(VARYING) or "stderr" in streams:
            assert "nbval-ignore-output" in tags(cell), (
                f"code cell {number} shows a widget or writes to stderr (a progress bar): "
                "tag it nbval-ignore-output"
            )


def test_welcome_lists_exactly_the_notebooks_there_are() -> None:
    welcome = NOTEBOOKS / "00_welcome.ipynb"
    text = "\n".join(cell.source for cell in cells(welcome) if cell.cell_type == "markdown")
    listed = set(re.findall(r"^\| `(\w+)` \|", text, re.M))
    assert listed == {path.stem for path in PATHS}, (
        f"00's table of notebooks lists {sorted(listed)}, the folder holds {sorted(p.stem for p in PATHS)}"
    )


def test_reduced_instruction_set_is_in_effect_when_ci_asks_for_it() -> None:
    """CI (.ci/run) cuts numpy's SIMD dispatch and torch's kernels to the baseline."""
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split()
    capability = os.environ.get("ATEN_CPU_CAPABILITY")
    if not disabled and not capability:
        pytest.skip("NPY_DISABLE_CPU_FEATURES and ATEN_CPU_CAPABILITY are not set (only CI sets them)")
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    assert set(disabled) == set(__cpu_dispatch__), "CI must disable every dispatched feature"
    assert not any(__cpu_features__.get(feature) for feature in disabled), "numpy still uses a disabled feature"
    if capability:
        import torch

        assert torch.backends.cpu.get_cpu_capability() == capability.upper()
