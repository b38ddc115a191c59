"""The checker's mutation suite (``tests/check_mutations.py``): every wrong gradient caught,
no false alarm on right ones, at a cost near the 2N floor; and the suite itself can fail.

The suite runs in chunks, one per input scale, so that pytest-xdist spreads it.
"""

from __future__ import annotations

import numpy as np
import pytest

import lossviz.check._gradcheck as gradcheck_module
import lossviz.check._refine as refine

from . import check_mutations as suite

MUTATION_SCALES = (1e-3, 1.0, 1e3, 1e5)


@pytest.mark.slow
@pytest.mark.parametrize("scale", MUTATION_SCALES)
def test_every_mutation_caught(scale):
    counts = suite.run(mutation_scales=(scale,), scales=())
    print(counts)  # pytest -s shows the figures
    assert counts.mutants >= 20
    assert counts.missed == []
    assert counts.caught == counts.mutation_checks >= 1000


@pytest.mark.slow
@pytest.mark.parametrize("scale", suite.SCALES)
def test_no_false_alarm_at_near_the_floor_cost(scale):
    counts = suite.run(mutation_scales=(), scales=(scale,))
    print(counts)
    assert counts.false_alarms == []
    assert counts.correct_checks >= 250
    # every correct central check within 1.5x of the 2N evaluations of f (N >= 50: the 2
    # at x and the noise measurement, ~23 evaluations, are a fixed cost that small N cannot
    # spread; forward differences, whose floor is N, are counted in the benchmark)
    assert counts.worst_cost <= 1.5


def test_suite_reports_misses_when_the_checker_is_too_lenient(monkeypatch):
    # A checker with 10% tolerance must let the factor-1.001 mutants through; if the
    # suite did not notice, its zero-miss count would mean nothing.
    monkeypatch.setattr(gradcheck_module, "RTOL", {"forward": 0.1, "central": 0.1, "complex": 0.1})
    counts = suite.run(mutation_scales=(1.0,), mutation_sizes=(10,), scales=(), sizes=())
    assert any("factor 1.001" in label for label in counts.missed)
    assert counts.caught < counts.mutation_checks


def test_suite_reports_false_alarms_when_the_checker_is_too_strict(monkeypatch):
    monkeypatch.setattr(gradcheck_module, "RTOL", {"forward": 1e-15, "central": 1e-15, "complex": 1e-17})
    monkeypatch.setattr(refine, "LEVELS", (0,))  # no second look either
    monkeypatch.setattr(gradcheck_module, "COARSE_LEVELS", ())
    counts = suite.run(mutation_scales=(), mutation_sizes=(), scales=(1e3,), sizes=(10,))
    assert counts.false_alarms


def test_samples_keep_away_from_kinks():
    rng = np.random.default_rng(1)
    for case in suite.cases(1.0, 200, rng):
        x = suite._sample(case, 1.0, 200, rng)
        for kink in case.kinks:
            assert np.min(np.abs(x - kink)) >= 1e-3 * (1 - 1e-12)
