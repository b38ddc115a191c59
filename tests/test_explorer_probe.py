"""The item that moves every control after a notebook's last cell (``tests/explorer_probe.py``)
fails when a control's callback raises, and names the control and the value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

CELL = """\
from ipywidgets import interact


def show(k=1):
    if k == {broken}:
        raise ValueError("k={broken} breaks the picture")
    return k


interact(show, k=(1, 3));
"""


def run_notebook(tmp_path: Path, broken: int) -> subprocess.CompletedProcess[str]:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL.format(broken=broken))]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "play.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    command = [sys.executable, "-m", "pytest", "-p", "tests.explorer_probe", "-p", "no:cacheprovider",
               "--nbval-lax", "-c", str(tmp_path / "pytest.ini"), "-v", str(tmp_path / "play.ipynb")]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_control_whose_callback_raises_fails_the_probe(tmp_path: Path) -> None:
    result = run_notebook(tmp_path, broken=3)
    assert "every control moved FAILED" in result.stdout, result.stdout[-3000:]
    assert "ValueError: k=3 breaks the picture" in result.stdout
    assert "Cell 0 PASSED" in result.stdout  # the cell alone runs fine


def test_the_same_notebook_passes_when_every_value_works(tmp_path: Path) -> None:
    result = run_notebook(tmp_path, broken=99)
    assert result.returncode == 0 and "every control moved PASSED" in result.stdout, result.stdout[-3000:]
