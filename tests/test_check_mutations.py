"""The checker's mutation suite (benchmarks/gradcheck_mutations.py): all wrong gradients
caught, no false alarm on right ones; and the suite itself can fail."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import lossviz.check as check

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "gradcheck_mutations.py"


@pytest.fixture(scope="module")
def suite():
    spec = importlib.util.spec_from_file_location("gradcheck_mutations", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_mutation_caught_and_no_false_alarm(suite):
    counts = suite.run()
    print(counts)  # the suite's figures (pytest -s shows them)
    assert counts.mutants >= 20
    assert counts.missed == []
    assert counts.caught == counts.mutation_checks >= 1000
    assert counts.false_alarms == []
    assert counts.correct_checks >= 1000


def test_suite_reports_misses_when_the_checker_is_too_lenient(suite, monkeypatch):
    # A checker with 10% tolerance must let the factor-1.001 mutants through; if the
    # suite did not notice, its zero-miss count would mean nothing.
    monkeypatch.setattr(check, "RTOL", {"forward": 0.1, "central": 0.1, "complex": 0.1})
    counts = suite.run(mutation_scales=(1.0,), mutation_sizes=(10,), scales=(), sizes=())
    assert any("factor 1.001" in label for label in counts.missed)
    assert counts.caught < counts.mutation_checks


def test_suite_reports_false_alarms_when_the_checker_is_too_strict(suite, monkeypatch):
    monkeypatch.setattr(check, "RTOL", {"forward": 1e-15, "central": 1e-15, "complex": 1e-17})
    monkeypatch.setattr(check, "LEVELS", (0,))  # no second look either
    counts = suite.run(mutation_scales=(), mutation_sizes=(), scales=(1e3,), sizes=(10,))
    assert counts.false_alarms


def test_samples_keep_away_from_kinks(suite):
    rng = np.random.default_rng(1)
    for case in suite.cases(1.0, 200, rng):
        x = suite._sample(case, 1.0, 200, rng)
        for kink in case.kinks:
            assert np.min(np.abs(x - kink)) >= 1e-3 * (1 - 1e-12)
