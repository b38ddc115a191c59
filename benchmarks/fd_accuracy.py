"""Best relative error of forward, central and complex-step differences, float32 and float64.

Run ``python -m benchmarks.fd_accuracy`` from the repository's root. For each smooth function, ``lossviz.check.fd_error``
sweeps the step h over 1e-20..1 (81 steps) in each precision; the table shows the
smallest relative error each method reaches (the bottom of its V curve); a second table
shows the error at the step ``numeric_grad`` chooses by itself. Targets: float64 central
<= 1e-9 and complex step <= 1e-13 at the best step; the script exits 1 otherwise.
"""

from __future__ import annotations

import sys

import numpy as np

from lossviz.check import METHODS, fd_error, numeric_grad

# name -> (f, f' by hand, x0); every f is complex-safe numpy.
FUNCTIONS = {
    "exp(x) at 1": (np.exp, np.exp, 1.0),
    "sin(x) at 0.7": (np.sin, np.cos, 0.7),
    "log(x) at 2": (np.log, lambda x: 1 / x, 2.0),
    "x^3 - 2x at 1.3": (lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, 1.3),
    "exp(sin(x)) at 0.5": (lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)), 0.5),
    "sigmoid(x) at 0.3": (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, 0.3),
    "tanh(x) at -0.8": (np.tanh, lambda x: 1 / np.cosh(x) ** 2, -0.8),
}
TARGETS = {("central", "float64"): 1e-9, ("complex", "float64"): 1e-13}


def table() -> dict[str, dict[tuple[str, str], float]]:
    """function -> (method, dtype) -> best relative error over the step sweep."""
    return {name: {key: fd_error(f, df, x0).best(*key)[0] for key in _keys()} for name, (f, df, x0) in FUNCTIONS.items()}


def _keys() -> list[tuple[str, str]]:
    return [(method, dtype) for dtype in ("float32", "float64") for method in METHODS]


def at_default_step() -> dict[str, dict[str, float]]:
    """function -> method -> relative error of ``numeric_grad`` (float64, its own step).

    The sweep's best can be a lucky 0 at one step; this is what a check actually gets.
    """
    return {
        name: {m: abs(float(numeric_grad(lambda v: np.sum(f(v)), [x0], method=m)[0]) - df(x0)) / abs(df(x0)) for m in METHODS}
        for name, (f, df, x0) in FUNCTIONS.items()
    }


def main() -> int:
    results = table()
    header = "".join(f"{m[:7]}/{d[-2:]:>2}".rjust(13) for m, d in _keys())
    print(f"{'best relative error':24s}{header}")
    for name, row in results.items():
        print(f"{name:24s}" + "".join(f"{row[key]:13.1e}" for key in _keys()))
    worst = {key: max(row[key] for row in results.values()) for key in _keys()}
    print(f"{'worst over functions':24s}" + "".join(f"{worst[key]:13.1e}" for key in _keys()))
    print("\nfloat64 relative error at numeric_grad's default step (what gradcheck uses)")
    print(f"{'':24s}" + "".join(m.rjust(13) for m in METHODS))
    for name, row in at_default_step().items():
        print(f"{name:24s}" + "".join(f"{row[m]:13.1e}" for m in METHODS))
    ok = True
    for key, target in TARGETS.items():
        met = worst[key] <= target
        ok &= met
        print(f"{key[0]} {key[1]}: worst best-error {worst[key]:.1e} (target <= {target:.0e}) {'met' if met else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
