"""Every step level of gradcheck's second look is needed by some case.

The second look re-estimates an entry at 10**level times the step, for each level in
``LEVELS`` (0, -1, -2, -3, 1, ..., 5, -4, -5), and trusts three neighbouring levels that
agree. Each case below is f = C + sin(w (x - 1)) / w at x = 1 with the step h = 1e-5
given: w sets where truncation spoils the estimates (fine levels are needed when w h is
near 1), C where rounding does (coarse levels are needed when C is large). Right
gradients pass (or, where f's rounding forbids a sharp verdict, are "cannot judge"), and
a gradient 1% wrong must be FAILED, not merely left undecided: dropping the levels a case
names turns that failure into "cannot judge" (``test_each_level_is_needed`` checks it).
"""

from __future__ import annotations

import numpy as np
import pytest

import lossviz.check._refine as refine
from lossviz.check import CannotJudgeError, GradientCheckError, gradcheck

H = 1e-5

# (log10(w h), log10(C) or None for C = 0, the verdict on the right gradient, the levels the case needs)
CASES = [
    (0.0, None, "pass", (0, -1, -3, -4, -5)),
    (0.5, None, "pass", (-2, -3, -4, -5)),
    (-6.0, 6.75, "pass", (1,)),
    (-7.0, 7.75, "pass", (2,)),
    (-7.0, 8.6, "pass", (3,)),
    (-7.0, 9.6, "cannot judge", (3, 4)),
    (-7.0, 10.5, "cannot judge", (3, 4, 5)),
]


def _case(log_wh: float, log_c: float | None):
    w = 10.0**log_wh / H
    c = 0.0 if log_c is None else 10.0**log_c

    def f(v):
        return c + np.sum(np.sin(w * (v - 1.0))) / w

    def grad(v):
        return np.cos(w * (v - 1.0))

    return f, grad


def _verdict(f, grad) -> str:
    try:
        gradcheck(f, np.array([1.0]), grad, h=H)
    except CannotJudgeError:
        return "cannot judge"
    except GradientCheckError:
        return "FAIL"
    return "pass"


def _verdicts(log_wh: float, log_c: float | None) -> tuple[str, str]:
    f, grad = _case(log_wh, log_c)
    return _verdict(f, grad), _verdict(f, lambda v: 1.01 * grad(v))


@pytest.mark.parametrize(("log_wh", "log_c", "right", "levels"), CASES)
def test_right_gradients_are_never_failed_and_wrong_ones_always_are(log_wh, log_c, right, levels):
    assert _verdicts(log_wh, log_c) == (right, "FAIL")


def test_every_level_is_used_by_some_case():
    assert sorted({level for *_, levels in CASES for level in levels}) == sorted(refine.LEVELS)


@pytest.mark.parametrize("level", refine.LEVELS)
def test_each_level_is_needed(level, monkeypatch):
    # Without this level, some case's verdict changes (or the second look breaks): the
    # test above would catch a checker that dropped it.
    monkeypatch.setattr(refine, "LEVELS", tuple(k for k in refine.LEVELS if k != level))
    changed = []
    for log_wh, log_c, right, levels in CASES:
        if level in levels:
            try:
                changed.append(_verdicts(log_wh, log_c) != (right, "FAIL"))
            except KeyError:  # levels 0 and -1 are also read by the kink test
                changed.append(True)
    assert changed and all(changed)


def test_a_one_percent_error_in_log_cosh_near_zero_is_caught():
    # sum(log(cosh(x))) loses digits near 0 (cosh(x) ~ 1): with one step level less, a
    # gradient entry 1% wrong once passed here
    x = np.array([1e-4, -3e-4, 2e-5])
    f = lambda v: np.sum(np.log(np.cosh(v)))  # noqa: E731
    assert gradcheck(f, x, np.tanh).passed
    for k in range(3):
        wrong = np.tanh(x)
        wrong[k] *= 1.01
        with pytest.raises(GradientCheckError) as caught:
            gradcheck(f, x, wrong)
        assert not isinstance(caught.value, CannotJudgeError)
        assert caught.value.report.failed.tolist() == [i == k for i in range(3)]
