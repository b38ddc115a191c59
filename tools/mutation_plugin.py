"""pytest plugin loaded only for mutant runs (``tools/mutation.py`` passes ``-p``).

A mutant is killed by its first failing example, so each hypothesis test tries at most
a few examples, always the same ones (derandomized), with no deadline, no example
database and no shrinking (a killed mutant needs no minimal counterexample). The normal
test runs never load this file.

Under ``coverage run`` with ``LOSSVIZ_MUTATION_MAP`` set, it also labels the lines each
test executes with the test's id (a coverage *context*) and writes each test's duration
to that file: ``tools/mutation.py`` then runs, for a mutant, only the tests that execute
its line (a test that never reaches the changed line cannot notice the change).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import Phase, settings

EXAMPLES = int(os.environ.get("LOSSVIZ_MUTATION_EXAMPLES", "10"))
MAP = os.environ.get("LOSSVIZ_MUTATION_MAP")
_durations: dict[str, float] = {}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        test = getattr(item, "obj", None)
        test = getattr(test, "__func__", test)  # a method's function carries the settings
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is None:
            continue
        test._hypothesis_internal_use_settings = settings(
            current,
            max_examples=min(current.max_examples, EXAMPLES),
            deadline=None,
            derandomize=True,
            database=None,
            phases=(Phase.explicit, Phase.generate),
            report_multiple_bugs=False,
        )


def _switch(context: str) -> None:
    import coverage

    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(context)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem) -> None:
    if MAP:
        _switch(item.nodeid)


def pytest_runtest_logreport(report) -> None:
    if MAP:
        _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_runtest_logfinish(nodeid, location) -> None:
    if MAP:
        _switch("")


def pytest_sessionfinish(session, exitstatus) -> None:
    if MAP:
        with open(MAP, "w") as file:
            json.dump(_durations, file)
