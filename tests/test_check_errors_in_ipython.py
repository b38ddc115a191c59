"""What a learner sees when a check fails in a notebook cell: the learner's own lines and
the check's message (its table), not a traceback through lossviz's internals.

IPython shows an exception's ``_render_traceback_()`` instead of a traceback; here cells
run in an IPython shell (in a fresh process, so that it leaves nothing behind) and, in the
slow test, in a real Jupyter kernel.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SHELL = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
for cell in json.loads(sys.argv[1]):
    shell.run_cell(cell, store_history=True)
    print("<<< end of cell >>>")
"""

CELLS = [
    "import numpy as np\nfrom lossviz.check import assert_close, check_derivation, gradcheck, numeric_grad",
    # 2: a wrong gradient
    "x = np.array([1.0, 2.0])\ngradcheck(lambda v: np.sum(v**2), x, lambda v: 2 * v + 1)",
    # 3: a wrong answer, checked inside the learner's own function
    "def check(v):\n    assert_close(v, 2.0, what='v')\n\ncheck(2.1)",
    # 4: a gradient hidden under rounding
    "gradcheck(lambda v: 1e6 + 1e-7 * np.sum(v**2) / 2, x, 1e-7 * x)",
    # 5: a wrong derivation step
    "check_derivation([lambda x: (x + 1) ** 2, lambda x: x**2 + 1], variables={'x': (0, 1)})",
    # 6: a bad argument is not an assertion: its usual traceback stays
    "numeric_grad(np.sum, x, h=0.0)",
]


@pytest.fixture(scope="module")
def shown() -> list[str]:
    """What IPython printed for each cell."""
    result = subprocess.run([sys.executable, "-c", SHELL, json.dumps(CELLS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("<<< end of cell >>>\n")


def _internals(text: str) -> bool:
    return any(part in text for part in ("Traceback", "lossviz/check", "site-packages", "File "))


def test_a_failing_gradcheck_shows_the_cell_line_and_the_table(shown):
    lines = shown[1].splitlines()
    assert lines[0] == "Cell In[2], line 2: gradcheck(lambda v: np.sum(v**2), x, lambda v: 2 * v + 1)"
    assert lines[1].startswith("GradientCheckError: gradcheck FAILED at 2 of 2 entries (central differences")
    assert lines[2].split() == ["index", "analytic", "numeric", "rel.", "error", "status"]
    assert lines[3].split() == ["(0,)", "3", "2", "3.33e-01", "FAIL"]
    assert len(lines) == 5 and not _internals(shown[1])


def test_a_failing_assert_close_shows_the_learners_frames_and_the_message(shown):
    assert shown[2].splitlines() == [
        "Cell In[3], line 4: check(2.1)",
        "Cell In[3], line 2, in check: assert_close(v, 2.0, what='v')",
        "NotCloseError: v is wrong at 1 of 1 entries; first at index (): expected 2, got 2.1: "
        "relative error 5.0e-02, more than rtol=1e-07 allows",
    ]


def test_cannot_judge_and_a_wrong_derivation_show_their_messages_only(shown):
    assert "CannotJudgeError: gradcheck CANNOT JUDGE 2 of 2 entries" in shown[3]
    assert "compute f without its large constant part" in shown[3] and not _internals(shown[3])
    assert "DerivationError: step 2 (step 2) differs from step 1 (step 1)" in shown[4] and not _internals(shown[4])


def test_other_errors_keep_their_traceback(shown):
    # the contrast that shows the tests above can fail: without _render_traceback_ IPython
    # prints the frames inside lossviz
    assert "Traceback" in shown[5] and "lossviz/check/_numeric.py" in shown[5]
    assert "ValueError: h must be positive and finite" in shown[5]


@pytest.mark.slow
def test_in_a_jupyter_kernel_the_error_output_holds_the_table_only():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in CELLS[:2]])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute()
    (error,) = notebook.cells[1].outputs
    assert error.output_type == "error" and error.ename == "GradientCheckError"
    shown = "\n".join(error.traceback)
    assert shown.splitlines()[0].endswith("line 2: gradcheck(lambda v: np.sum(v**2), x, lambda v: 2 * v + 1)")
    assert "gradcheck FAILED at 2 of 2 entries" in shown and "3.33e-01  FAIL" in shown
    assert not _internals(shown)
