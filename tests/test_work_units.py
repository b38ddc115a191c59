"""The work units pytest-xdist hands to each worker (``tests/conftest.py``): a notebook's
tests in the slow per-notebook modules stay together and apart from other notebooks';
everything else keeps loadscope's unit (a notebook's nbval cells share one kernel)."""

from __future__ import annotations

from pathlib import Path

from .conftest import BY_NOTEBOOK, notebook_scope

ROOT = Path(__file__).resolve().parent.parent


def test_a_notebooks_tests_share_a_unit_and_notebooks_do_not() -> None:
    module = "tests/test_coursework_checked.py"
    passes = notebook_scope(f"{module}::test_solutions_pass_and_blank_answers_fail_every_test[05_mse]", module)
    feedback = notebook_scope(f"{module}::test_feedback_outputs_show_no_hidden_test[05_mse]", module)
    other = notebook_scope(f"{module}::test_feedback_outputs_show_no_hidden_test[06_mae]", module)
    assert passes == feedback == f"{module}::05_mse"
    assert other == f"{module}::06_mae"


def test_other_tests_keep_loadscopes_unit() -> None:
    assert notebook_scope("notebooks/05_mse.ipynb::Cell 3", "notebooks/05_mse.ipynb") == "notebooks/05_mse.ipynb"
    assert notebook_scope("tests/test_plot.py::test_figure[wide]", "tests/test_plot.py") == "tests/test_plot.py"
    unparametrized = "tests/test_coursework_checked.py::test_every_notebook_with_exercises_is_graded"
    assert notebook_scope(unparametrized, "tests/test_coursework_checked.py") == "tests/test_coursework_checked.py"


def test_the_split_modules_exist() -> None:
    assert all((ROOT / module).is_file() for module in BY_NOTEBOOK), "a renamed module would silently stop being split"
