"""Shared fixtures: a counted torch comparison, hypothesis settings for this machine, and
how the test workers share the notebooks."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from lossviz.check import torchcheck

# Two shared cores: wall-clock deadlines would only measure the neighbours' load.
settings.register_profile("lossviz", deadline=None, print_blob=True)
# CI replays the same examples every run, so a landing is judged on what was tested
# here; developers' runs keep drawing new examples to find new failures.
settings.register_profile("ci", settings.get_profile("lossviz"), derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "lossviz")

COUNTS_DIR = Path(__file__).resolve().parent.parent / "build" / "case-counts"
_cases: Counter[str] = Counter()


@pytest.fixture(scope="session")
def matches_torch():
    """``torchcheck`` that also counts, per function, the comparisons that passed.

    The counts are printed at the end of the run (the issues' notes quote them).
    """

    def compare(function: Any, *args: Any, **kwargs: Any):
        report = torchcheck(function, *args, **kwargs)
        _cases[function.name] += 1
        return report

    return compare


# Modules whose tests, parametrized by notebook, cost seconds per notebook (a sandbox
# grades the whole notebook). xdist's loadscope hands a whole module to one worker
# (minutes of work, last in its queue: the run's long tail); in these, each notebook is
# its own unit, and a notebook's tests stay together (they share its grading).
BY_NOTEBOOK = ("tests/test_coursework_checked.py",)


def notebook_scope(nodeid: str, module_scope: str) -> str:
    """The xdist work unit of a test: ``module::notebook`` in BY_NOTEBOOK's modules
    (the notebook is the parameter's id), else loadscope's own unit ``module_scope``."""
    module, _, rest = nodeid.partition("::")
    if module in BY_NOTEBOOK and rest.endswith("]") and "[" in rest:
        return f"{module}::{rest[rest.index('[') + 1 : -1]}"
    return module_scope


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByNotebook(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return notebook_scope(nodeid, super()._split_scope(nodeid))

    return ByNotebook(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # One folder per run, shared by its xdist workers (they inherit the environment), so
    # concurrent runs never count or delete each other's comparisons.
    os.environ.setdefault("LOSSVIZ_COUNTS_RUN", f"run-{os.getpid()}")


def _run_dir() -> Path:
    return COUNTS_DIR / os.environ["LOSSVIZ_COUNTS_RUN"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    if _cases:
        _run_dir().mkdir(parents=True, exist_ok=True)
        (_run_dir() / f"{worker}.json").write_text(json.dumps(_cases))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # xdist workers run this hook too; only the controller adds up
    total: Counter[str] = Counter()
    for path in _run_dir().glob("*.json"):
        total.update(json.loads(path.read_text()))
        path.unlink()
    if _run_dir().exists():
        _run_dir().rmdir()
    if total:
        terminalreporter.section("torch comparisons passed, per function")
        for name, count in sorted(total.items()):
            terminalreporter.write_line(f"{name:36s} {count:6d}")
