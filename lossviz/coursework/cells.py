"""What the grader reads from a notebook: answer cells, test cells and hidden regions.

An *answer cell* is an nbgrader solution cell that is not graded itself; a *test cell* is a
graded, locked code cell that follows it. The grader relies on these conventions (the
course's notebooks follow them, and a test checks every notebook):

- every graded cell has a ``grade_id``, unique in its notebook;
- an answer cell defines names at its top level (``def``, ``class`` or assignment); these
  names are what the test cells may use from the learner's work;
- a test cell's hidden region (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``)
  is at the top level of the cell, not indented inside a loop or function.

Examples
--------
>>> split_hidden("a = 1\\n### BEGIN HIDDEN TESTS\\nb = 2\\n### END HIDDEN TESTS\\nprint(a)")
TestSource(visible='a = 1', hidden='b = 2', after='print(a)')
>>> answer_names("import numpy as np\\ndef f(x):\\n    return x\\nrate, steps = 0.1, 5")
['f', 'rate', 'steps']
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "ANSWER",
    "TESTS",
    "TestSource",
    "answer_classes",
    "answer_names",
    "grade_id",
    "graded_sequence",
    "kind",
    "split_hidden",
]

ANSWER, TESTS = "answer", "tests"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _nbgrader(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader ``grade_id``, or None for a cell nbgrader does not track."""
    return _nbgrader(cell).get("grade_id")


def kind(cell: Any) -> str | None:
    """``ANSWER`` for an answer cell, ``TESTS`` for a test cell, None for any other cell."""
    meta = _nbgrader(cell)
    if cell.get("cell_type") != "code" or not meta.get("grade_id"):
        return None
    if meta.get("solution") and not meta.get("grade"):
        return ANSWER
    if meta.get("grade") and not meta.get("solution"):
        return TESTS
    return None


def graded_sequence(cells: Iterable[Any]) -> list[tuple[str, str]]:
    """``(kind, grade_id)`` of the answer and test cells in order; a repeated id counts once
    (nbgrader keeps the first cell of a duplicated id too)."""
    seen, sequence = set(), []
    for cell in cells:
        cell_kind, cell_id = kind(cell), grade_id(cell)
        if cell_kind is not None and cell_id not in seen:
            seen.add(cell_id)
            sequence.append((cell_kind, cell_id))
    return sequence


@dataclass(frozen=True)
class TestSource:
    """A test cell's code in three parts: before, inside and after its hidden region."""

    visible: str
    hidden: str
    after: str

    @property
    def shown(self) -> str:
        """The code a learner sees: the cell without its hidden region."""
        return "\n".join(part for part in (self.visible, self.after) if part)


def split_hidden(source: str) -> TestSource:
    """Split a test cell at its hidden region (markers at the cell's top level).

    Raises ValueError naming the problem when the markers are unbalanced or indented.
    """
    parts: list[list[str]] = [[], [], []]
    part = 0
    for number, line in enumerate(source.splitlines(), 1):
        marker = line.strip()
        if marker in (BEGIN_HIDDEN, END_HIDDEN):
            if line != marker:
                raise ValueError(f"line {number}: {marker!r} must not be indented")
            if (marker == BEGIN_HIDDEN) != (part == 0):
                raise ValueError(f"line {number}: {marker!r} out of order")
            part += 1
            continue
        parts[part].append(line)
    if part == 1:
        raise ValueError(f"{BEGIN_HIDDEN!r} without {END_HIDDEN!r}")
    return TestSource(*("\n".join(lines).strip("\n") for lines in parts))


def answer_names(source: str) -> list[str]:
    """The names an answer cell defines at its top level, in order (imports excluded).

    Raises SyntaxError when the source is not Python.
    """
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add(element)

    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
    return list(dict.fromkeys(names))


def answer_classes(source: str) -> set[str]:
    """The names of the classes an answer cell defines at its top level (``class Value:``).

    Raises SyntaxError when the source is not Python.

    >>> sorted(answer_classes("class Value:\\n    pass\\ndef f(x):\\n    return x"))
    ['Value']
    """
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
