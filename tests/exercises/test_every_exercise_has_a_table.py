"""Every notebook with graded exercises has its wrong-answer table file."""

from pathlib import Path

import pytest

from tests.exercises.wrong_answers import NOTEBOOKS, exercises, read

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("[0-9A-Z]*.ipynb")), ids=lambda path: path.stem)
def test_a_notebook_with_exercises_has_a_wrong_answer_table(notebook: Path) -> None:
    if not exercises(read(notebook.stem)):
        pytest.skip(f"{notebook.name} has no graded exercises")
    table = HERE / f"test_{notebook.stem}.py"
    assert table.exists(), f"{notebook.name} has graded exercises but no wrong-answer table {table.name} (see wrong_answers.py)"
    assert "WrongAnswerTests" in table.read_text(), f"{table.name} does not subclass WrongAnswerTests"
