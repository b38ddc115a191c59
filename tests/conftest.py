"""Shared fixtures: a counted torch comparison, and hypothesis settings for this machine."""

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
settings.load_profile("lossviz")

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


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):
        for stale in COUNTS_DIR.glob("*.json"):
            stale.unlink()


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    if _cases:
        COUNTS_DIR.mkdir(parents=True, exist_ok=True)
        (COUNTS_DIR / f"{worker}-{os.getpid()}.json").write_text(json.dumps(_cases))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    total: Counter[str] = Counter()
    for path in COUNTS_DIR.glob("*.json"):
        total.update(json.loads(path.read_text()))
    if total:
        terminalreporter.section("torch comparisons passed, per function")
        for name, count in sorted(total.items()):
            terminalreporter.write_line(f"{name:36s} {count:6d}")
