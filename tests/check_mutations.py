"""The gradient checker's mutation suite: wrong derivatives caught, right ones passed.

``tests/test_check_mutations.py`` runs it in chunks and asserts the counts;
``python -m tests.check_mutations`` (from the repository's root) prints the totals:

- mutations: wrong gradients (a dropped term, a sign flip, a factor 1.01 or 1.001, one
  entry wrong, rolled entries, swapped arguments, a transposed matrix, a wrong constant,
  ...) over several functions, input scales and all three methods. Every one must raise
  ``GradientCheckError`` whose table's first row names an entry that really is wrong.
- correct checks: right gradients of smooth and piecewise functions (abs, relu, huber,
  max, away from their kinks) at input scales 1e-3..1e5 and sizes 1..200. None may raise,
  neither ``GradientCheckError`` nor its ``CannotJudgeError``; their evaluations of f are
  counted against the 2N that any full check of N entries must pay.

A wrong gradient that gets "cannot judge" counts as missed: the check did not tell.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from lossviz.check import CannotJudgeError, GradientCheckError, gradcheck

Array = np.ndarray
SCALES = (1e-3, 1e-2, 1e-1, 1.0, 10.0, 1e2, 1e3, 1e4, 1e5)
SIZES = (1, 2, 3, 5, 10, 50, 200)


@dataclass
class Case:
    """A function of x (built for one input scale ``s``), its gradient and where to sample.

    ``kinks``: points where f' jumps (samples are moved at least 1e-3 * s away);
    ``complex_safe``: f may be evaluated at complex x (complex step applies);
    ``mutants``: function-specific wrong gradients, name -> (x -> wrong gradient).
    """

    name: str
    f: Callable[[Array], Any]
    grad: Callable[[Array], Array]
    kinks: tuple[float, ...] = ()
    complex_safe: bool = True
    square: bool = False  # x is a square matrix (for the transposed mutation)
    min_gap: bool = False  # keep the largest entry clear of the second (for max)
    mutants: dict[str, Callable[[Array], Array]] = field(default_factory=dict)


def _sigmoid(z: Array) -> Array:
    return np.exp(-np.logaddexp(0.0, -z))


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z.real))
    return e / np.sum(e)


def cases(s: float, n: int, rng: np.random.Generator) -> list[Case]:
    """Every test function at input scale ``s`` for ``n`` inputs (fixed weights from ``rng``)."""
    w = rng.uniform(0.5, 2.0, n)
    y = rng.standard_normal(n) * s
    k = max(int(round(np.sqrt(n))), 2)
    a_matrix = rng.standard_normal((n, n))
    c_matrix = rng.standard_normal((k, k))
    v = rng.standard_normal(k)
    t = rng.standard_normal(k) * s
    delta = s  # huber's kink sits inside the sampled range

    def huber_grad(x: Array) -> Array:
        return np.clip(x - y, -delta, delta)

    def tanh_sum(x: Array) -> Any:
        return np.sum(np.tanh(x / s))

    return [
        Case(
            "cubic",
            lambda x: np.sum(w * x**3) / s + np.sum(x**2),
            lambda x: 3 * w * x**2 / s + 2 * x,
            mutants={"dropped term": lambda x: 3 * w * x**2 / s, "wrong power-rule constant": lambda x: 2 * w * x**2 / s + 2 * x},
        ),
        Case(
            "exp(x/2s)",
            lambda x: np.sum(np.exp(x / (2 * s))) * s,
            lambda x: np.exp(x / (2 * s)) / 2,
            mutants={"chain rule: inner derivative dropped": lambda x: np.exp(x / (2 * s)) * s},
        ),
        Case(
            "sin",
            lambda x: np.sum(w * np.sin(x)),
            lambda x: w * np.cos(x),
            mutants={"sin for cos": lambda x: w * np.sin(x), "weights dropped": lambda x: np.cos(x)},
        ),
        Case(
            "log(1+x^2)",
            lambda x: np.sum(np.log(1 + (x / s) ** 2)),
            lambda x: 2 * x / (s**2 + x**2),
            mutants={"quotient: denominator squared": lambda x: 2 * x / (s**2 + x**2) ** 2 * s**2},
        ),
        Case(
            "s*logsumexp(x/s)",
            lambda x: s * np.log(np.sum(np.exp(x / s - np.max(x.real) / s))) + np.max(x.real),
            lambda x: _softmax(x / s),
            mutants={"normaliser dropped": lambda x: np.exp((x - np.max(x)) / s)},
        ),
        Case(
            "quadratic form (A not symmetric)",
            lambda x: 0.5 * x @ a_matrix @ x / s,
            lambda x: 0.5 * (a_matrix + a_matrix.T) @ x / s,
            mutants={"A x as if A were symmetric": lambda x: a_matrix @ x / s},
        ),
        Case(
            "product tanh-sum * sum",
            lambda x: tanh_sum(x) * np.sum(x),
            lambda x: (1 - np.tanh(x / s) ** 2) / s * np.sum(x) + tanh_sum(x),
            mutants={"product rule: second term dropped": lambda x: (1 - np.tanh(x / s) ** 2) / s * np.sum(x)},
        ),
        Case(
            "poisson nll exp(x/s)-y x/s",
            lambda x: np.sum(np.exp(x / s) - y * x / s**2),
            lambda x: np.exp(x / s) / s - y / s**2,
            mutants={"swapped arguments (input, target)": lambda x: np.exp(y / s) / s - x / s**2},
        ),
        Case(
            "logistic log(1+exp(-y x))",
            lambda x: np.sum(np.logaddexp(0.0, -y * x / s**2)),
            lambda x: -y / s**2 * _sigmoid(-y * x / s**2),
            complex_safe=False,
            mutants={"swapped arguments (input, target)": lambda x: -x / s**2 * _sigmoid(-y * x / s**2)},
        ),
        Case(
            "sum(C * sin(X/s)) on a square X",
            lambda x: np.sum(c_matrix * np.sin(x / s)),
            lambda x: c_matrix * np.cos(x / s) / s,
            square=True,
            mutants={"transposed": lambda x: (c_matrix * np.cos(x / s) / s).T},
        ),
        Case(
            "0.5 |X v - t|^2 on a square X",
            lambda x: 0.5 * np.sum((x @ v - t) ** 2) / s,
            lambda x: np.outer(x @ v - t, v) / s,
            square=True,
            mutants={"transposed (v r^T for r v^T)": lambda x: np.outer(v, x @ v - t) / s},
        ),
        Case(
            "abs",
            lambda x: np.sum(w * np.abs(x)),
            lambda x: w * np.sign(x),
            kinks=(0.0,),
            complex_safe=False,
            mutants={"sign dropped": lambda x: w},
        ),
        Case(
            "relu",
            lambda x: np.sum(w * np.maximum(x, 0.0)),
            lambda x: w * (x > 0),
            kinks=(0.0,),
            complex_safe=False,
            mutants={"indicator dropped": lambda x: w + 0.0 * x, "indicator reversed": lambda x: w * (x < 0)},
        ),
        Case(
            "huber(x - y, delta=s)",
            lambda x: np.sum(np.where(np.abs(x - y) <= delta, 0.5 * (x - y) ** 2, delta * (np.abs(x - y) - 0.5 * delta))),
            huber_grad,
            complex_safe=False,
            mutants={"clipped at delta/2": lambda x: np.clip(x - y, -delta / 2, delta / 2), "not clipped": lambda x: x - y},
        ),
        Case(
            "max",
            lambda x: np.max(w * x),
            lambda x: np.eye(x.size)[np.argmax(w * x)] * w,
            complex_safe=False,
            min_gap=True,
            mutants={"one-hot at argmin": lambda x: np.eye(x.size)[np.argmin(w * x)] * w},
        ),
    ]


def _roll(g: Array) -> Array:
    return np.roll(g, 1)


def _one_entry(factor: float, pick: str) -> Callable[[Array], Array]:
    def mutate(g: Array) -> Array:
        wrong = g.copy()
        flat = wrong.reshape(-1)
        nonzero = np.flatnonzero(flat)
        if nonzero.size == 0:
            return wrong  # nothing to get wrong; the suite skips unchanged mutants
        k = int(np.argmax(np.abs(flat))) if pick == "largest" else int(nonzero[len(nonzero) // 2])
        flat[k] *= factor
        return wrong

    return mutate


def _zeroed(g: Array) -> Array:
    wrong = g.copy()
    flat = wrong.reshape(-1)
    flat[int(np.argmax(np.abs(flat)))] = 0.0
    return wrong


# Wrong versions of any gradient g (applied after computing the right one).
GENERIC: dict[str, Callable[[Array], Array]] = {
    "sign flip": lambda g: -g,
    "factor 1.01": lambda g: 1.01 * g,
    "factor 1.001": lambda g: 1.001 * g,
    "factor 0.999": lambda g: 0.999 * g,
    "factor 2 (a missing 1/2)": lambda g: 2 * g,
    "wrong constant offset 1e-3 max|g|": lambda g: g + 1e-3 * np.max(np.abs(g)),
    "largest entry x 1.001": _one_entry(1.001, "largest"),
    "one middle non-zero entry x 1.01": _one_entry(1.01, "middle"),
    "largest entry zeroed": _zeroed,
    "rolled entries": _roll,
    "reversed entries": lambda g: g[::-1].copy() if g.ndim == 1 else g[::-1, ::-1].copy(),
}


def _sample(case: Case, s: float, n: int, rng: np.random.Generator) -> Array:
    """Inputs of scale ``s``, at least 1e-3 s from every kink (and from a tie for max)."""
    k = max(int(round(np.sqrt(n))), 2)
    x = rng.standard_normal((k, k) if case.square else n) * s
    for kink in case.kinks:
        near = np.abs(x - kink) < 1e-3 * s
        x[near] = kink + np.where(x[near] >= kink, 1e-3, -1e-3) * s
    if case.min_gap and x.size > 1:
        top = np.argmax(x)
        others = np.delete(x, top)
        x[top] = max(x[top], float(np.max(others)) + 1e-2 * s)
    return x


def _wrongly(wrong: Array, right: Array) -> Array:
    """Entries where a mutant truly differs from the right gradient (beyond rounding)."""
    return np.abs(wrong - right) > 1e-4 * np.maximum(np.abs(right), 1e-12 * np.max(np.abs(right)) + 1e-300)


def _methods(case: Case) -> tuple[str, ...]:
    return ("central", "forward", "complex") if case.complex_safe else ("central", "forward")


@dataclass
class Counts:
    mutants: int = 0  # distinct wrong derivatives (recipes)
    mutation_checks: int = 0
    caught: int = 0
    missed: list[str] = field(default_factory=list)
    correct_checks: int = 0
    false_alarms: list[str] = field(default_factory=list)
    evaluations: int = 0  # of f, over the correct checks
    floor: int = 0  # 2N per correct check of N entries, summed
    worst_cost: float = 0.0  # the largest evaluations / 2N of one correct central check with N >= 50
    costliest: str = ""  # ... and which check that was

    def __str__(self) -> str:
        return (
            f"mutations: {self.caught} of {self.mutation_checks} wrong-gradient checks caught "
            f"({self.mutants} distinct wrong derivatives), missed {len(self.missed)}\n"
            f"correct checks: {self.correct_checks}, false alarms {len(self.false_alarms)}; "
            f"evaluations of f {self.evaluations / max(self.floor, 1):.2f}x the 2N floor in total, "
            f"at most {self.worst_cost:.2f}x in one central check of 50 or more entries ({self.costliest})"
        )


def _mutations(counts: Counts, rng: np.random.Generator, scales: tuple[float, ...], sizes: tuple[int, ...], fast: bool) -> None:
    recipes: set[str] = set()
    for s in scales:
        for n in sizes:
            for case in cases(s, n, rng):
                x = _sample(case, s, n, rng)
                right = case.grad(x)
                wrongs = {name: (lambda x, m=m: m(case.grad(x))) for name, m in GENERIC.items()}
                wrongs.update(case.mutants)
                for name, wrong_grad in wrongs.items():
                    wrong = wrong_grad(x)
                    bad = _wrongly(wrong, right)
                    if not bad.any():
                        continue  # this recipe changes nothing here (e.g. rolling equal entries)
                    recipes.add(f"{case.name}: {name}" if name in case.mutants else name)
                    for method in _methods(case):
                        counts.mutation_checks += 1
                        label = f"{case.name} / {name} / s={s:g} n={n} / {method}"
                        try:
                            gradcheck(case.f, x, wrong_grad, method=method, fast=fast)
                        except CannotJudgeError:
                            counts.missed.append(f"{label}: cannot judge")
                        except GradientCheckError as error:
                            first_index = error.report.worst()[0][0]
                            if fast or bad[first_index]:  # a fast check's rows are directions
                                counts.caught += 1
                            else:
                                counts.missed.append(f"{label}: table names right entry {first_index}")
                        else:
                            counts.missed.append(label)
    counts.mutants = len(recipes)


def _correct(counts: Counts, rng: np.random.Generator, scales: tuple[float, ...], sizes: tuple[int, ...], fast: bool) -> None:
    for s in scales:
        for n in sizes:
            for case in cases(s, n, rng):
                x = _sample(case, s, n, rng)
                for method in _methods(case):
                    counts.correct_checks += 1
                    try:
                        report = gradcheck(case.f, x, case.grad, method=method, fast=fast)
                    except GradientCheckError as error:
                        counts.false_alarms.append(f"{case.name} / s={s:g} n={n} / {method}\n{error}")
                        continue
                    counts.evaluations += report.evaluations
                    counts.floor += 2 * x.size
                    if method == "central" and x.size >= 50 and report.evaluations / (2 * x.size) > counts.worst_cost:
                        counts.worst_cost = report.evaluations / (2 * x.size)
                        counts.costliest = f"{case.name} / s={s:g} n={n} / {method}"


def run(
    seed: int = 0,
    *,
    mutation_scales: tuple[float, ...] = (1e-3, 1.0, 1e3, 1e5),
    mutation_sizes: tuple[int, ...] = (3, 10, 50),
    scales: tuple[float, ...] = SCALES,
    sizes: tuple[int, ...] = SIZES,
    fast: bool = False,
) -> Counts:
    """Run the suite (by default all of it); deterministic for a given seed.
    ``fast``: check u^T J v along random directions instead of every entry."""
    rng = np.random.default_rng(seed)
    counts = Counts()
    with np.errstate(over="ignore", under="ignore"):
        _mutations(counts, rng, mutation_scales, mutation_sizes, fast)
        _correct(counts, rng, scales, sizes, fast)
    return counts


if __name__ == "__main__":  # python -m tests.check_mutations
    result = run()
    print(result)
    for line in result.missed + result.false_alarms:
        print("  ", line)
    sys.exit(1 if result.missed or result.false_alarms else 0)
