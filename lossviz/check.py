"""Numeric derivatives and checks that fail loudly.

- ``numeric_grad``: forward, central or complex-step derivative of ``f: array -> float``.
- ``gradcheck``: compares an analytic gradient with ``numeric_grad`` and raises
  ``GradientCheckError`` (an ``AssertionError``) with a table of the worst entries.
- ``torchcheck``: compares a lossviz function's value and ``.grad`` with torch autograd.
- ``check_derivation``: checks that consecutive steps of a derivation are equal.
- ``fd_error``: the error-vs-step-size data of the "V curve".

Why float64: the central difference's error is about ``eps**(2/3)`` (roundoff ``eps/h``
plus truncation ``h**2``, balanced at ``h ~ eps**(1/3)``). In float64 that is ~4e-11; in
float32 it is ~5e-6, too coarse to tell a right gradient from a slightly wrong one.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

EPS = float(np.finfo(np.float64).eps)

METHODS = ("forward", "central", "complex")

# Relative step per method, each the minimiser of (truncation + roundoff) error:
# forward: h*f'' + eps/h -> h ~ sqrt(eps); central: h**2*f''' + eps/h -> h ~ eps**(1/3);
# complex step has no subtraction, hence no roundoff, so any tiny h works.
RELATIVE_STEP = {"forward": EPS**0.5, "central": EPS ** (1 / 3), "complex": 1e-20}

# Default relative tolerances. Each sits orders of magnitude above what the method
# reaches on smooth functions (forward ~1e-8, central ~1e-10, complex ~1e-15), to leave
# room for curvature, and orders below the errors that matter (a factor of 1.001).
RTOL = {"forward": 1e-4, "central": 1e-6, "complex": 1e-10}

# Rounding in f itself: a value computed by a few thousand float64 operations is
# off by up to ~this many eps times its magnitude (pairwise sums grow like log n).
ROUNDOFF_FACTOR = 64.0


class GradientCheckError(AssertionError):
    """Analytic and numeric gradients disagree; ``.report`` holds the details."""

    def __init__(self, report: "GradcheckReport") -> None:
        super().__init__(str(report))
        self.report = report


class DerivationError(AssertionError):
    """Two consecutive steps of a derivation are not equal."""


# --------------------------------------------------------------------------- numerics


def _as_input(x: Any) -> np.ndarray:
    array = np.asarray(x)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"x must be an array of real numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError("x must be finite: a numeric derivative at NaN or inf means nothing")
    return array


def _scalar(f: Callable[[np.ndarray], Any], x: np.ndarray) -> Any:
    value = f(x)
    if np.size(value) != 1:
        raise ValueError(f"f must return a single number, got shape {np.shape(value)}")
    return np.asarray(value).reshape(())[()]


def steps(x: np.ndarray, method: str) -> np.ndarray:
    """Per-entry step: the method's relative step times the entry's magnitude.

    The magnitude is never taken below the root-mean-square of ``x`` (or 1 if ``x`` is
    all zeros), so an entry that happens to be near zero does not get a step so small
    that rounding in ``f`` swamps the difference. Each step is rounded so that
    ``x + h`` is exactly representable, which removes one source of error for free.
    """
    _check_method(method)
    floor = float(np.sqrt(np.mean(x * x))) if x.size else 0.0
    scale = np.maximum(np.abs(x), floor if floor > 0 else 1.0)
    h = RELATIVE_STEP[method] * scale
    if method != "complex":
        h = (x + h) - x
    return h


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


@dataclass
class _Samples:
    """Everything one pass of finite differences computed, for the report."""

    numeric: np.ndarray
    h: np.ndarray
    noise: np.ndarray  # the roundoff bound of each numeric entry
    slopes: tuple[np.ndarray, np.ndarray] | None  # one-sided (left, right), central only


def _differences(f: Callable[[np.ndarray], Any], x: np.ndarray, method: str, h: Any) -> _Samples:
    _check_method(method)
    step = steps(x, method) if h is None else np.broadcast_to(np.asarray(h, dtype=np.float64), x.shape)
    if np.any(step <= 0):
        raise ValueError("h must be positive")
    flat_step = step.ravel()
    n = x.size
    if method == "complex":
        work = x.astype(np.complex128)
        flat = work.reshape(-1)
        out = np.empty(n)
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            for i in range(n):
                flat[i] = complex(x.flat[i], flat_step[i])
                try:
                    value = _scalar(f, work)
                except np.exceptions.ComplexWarning as error:
                    raise TypeError(
                        "f discards the imaginary part of its input; complex step needs f "
                        "written with complex-safe operations (use method='central')"
                    ) from error
                if not np.iscomplexobj(value):
                    raise TypeError("f returned a real number for a complex input; complex step needs complex-safe f")
                out[i] = np.imag(value) / flat_step[i]
                flat[i] = x.flat[i]
        return _Samples(out.reshape(x.shape), step, np.zeros(x.shape), None)

    work = x.copy()
    flat = work.reshape(-1)
    plus = np.empty(n)
    minus = np.empty(n)
    centre = float(_scalar(f, x))
    for i in range(n):
        original = flat[i]
        flat[i] = original + flat_step[i]
        plus[i] = _scalar(f, work)
        if method == "central":
            flat[i] = original - flat_step[i]
            minus[i] = _scalar(f, work)
        flat[i] = original
    if method == "forward":
        numeric = (plus - centre) / flat_step
        magnitude = np.maximum(abs(centre), np.abs(plus))
        noise = ROUNDOFF_FACTOR * EPS * magnitude / flat_step
        return _Samples(numeric.reshape(x.shape), step, noise.reshape(x.shape), None)
    numeric = (plus - minus) / (2 * flat_step)
    magnitude = np.maximum(np.maximum(np.abs(plus), np.abs(minus)), abs(centre))
    noise = ROUNDOFF_FACTOR * EPS * magnitude / flat_step
    left = (centre - minus) / flat_step
    right = (plus - centre) / flat_step
    shape = x.shape
    return _Samples(numeric.reshape(shape), step, noise.reshape(shape), (left.reshape(shape), right.reshape(shape)))


def numeric_grad(f: Callable[[np.ndarray], Any], x: Any, *, method: str = "central", h: Any = None) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by finite differences, shape of ``x``.

    ``method``: ``"forward"`` (f(x+h)-f(x))/h, error ~ sqrt(eps) ~ 1e-8;
    ``"central"`` (f(x+h)-f(x-h))/(2h), error ~ eps**(2/3) ~ 1e-10;
    ``"complex"`` Im f(x+ih)/h, no subtraction so error ~ eps, for analytic ``f``
    written with complex-safe numpy (no ``abs``, comparisons or ``.real``).

    ``h``: absolute step, a scalar or an array of ``x``'s shape; by default chosen per
    entry by ``steps`` (relative to the entry's magnitude). Costs ``2 * x.size + 1``
    evaluations of ``f`` (central), ``x.size + 1`` (forward) or ``x.size`` (complex).
    """
    return _differences(f, _as_input(x), method, h).numeric


# --------------------------------------------------------------------------- gradcheck


@dataclass
class GradcheckReport:
    """Result of ``gradcheck``: shown as a table in a notebook and in the error."""

    method: str
    rtol: float
    atol: float
    analytic: np.ndarray
    numeric: np.ndarray
    tolerance: np.ndarray
    failed: np.ndarray  # boolean mask of entries out of tolerance
    kinks: np.ndarray  # boolean mask of entries where f has a kink within the step
    rows: int = 5

    @property
    def passed(self) -> bool:
        return not bool(self.failed.any())

    @property
    def relative_error(self) -> np.ndarray:
        """|analytic - numeric| / max(|analytic|, |numeric|), 0 where both are 0."""
        difference = np.abs(self.analytic - self.numeric)
        size = np.maximum(np.abs(self.analytic), np.abs(self.numeric))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(size > 0, difference / np.where(size > 0, size, 1), 0.0)

    @property
    def max_relative_error(self) -> float:
        smooth = ~self.kinks
        errors = self.relative_error[smooth]
        return float(errors.max()) if errors.size else 0.0

    def worst(self) -> list[tuple[tuple[int, ...], float, float, float, str]]:
        """The worst entries: failures first, then by their error relative to tolerance."""
        excess = np.abs(self.analytic - self.numeric) / np.where(self.tolerance > 0, self.tolerance, EPS)
        order = np.lexsort((-excess.ravel(), ~self.failed.ravel()))
        rows = []
        for flat_index in order[: self.rows]:
            index = np.unravel_index(flat_index, self.analytic.shape)
            status = "FAIL" if self.failed.flat[flat_index] else ("kink" if self.kinks.flat[flat_index] else "ok")
            rows.append(
                (
                    tuple(int(i) for i in index),
                    float(self.analytic.flat[flat_index]),
                    float(self.numeric.flat[flat_index]),
                    float(self.relative_error.flat[flat_index]),
                    status,
                )
            )
        return rows

    def _summary(self) -> str:
        verdict = "PASSED" if self.passed else f"FAILED at {int(self.failed.sum())} of {self.failed.size} entries"
        kinks = f", {int(self.kinks.sum())} at kinks (any subgradient accepted)" if self.kinks.any() else ""
        return (
            f"gradcheck {verdict} ({self.method} differences, rtol={self.rtol:g}{kinks}); "
            f"max relative error {self.max_relative_error:.2e}"
        )

    def __str__(self) -> str:
        lines = [self._summary(), f"{'index':>14} {'analytic':>14} {'numeric':>14} {'rel. error':>10}  status"]
        for index, analytic, numeric, error, status in self.worst():
            lines.append(f"{str(index):>14} {analytic:>14.6g} {numeric:>14.6g} {error:>10.2e}  {status}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{index}</td><td>{analytic:.6g}</td><td>{numeric:.6g}</td><td>{error:.2e}</td><td>{status}</td></tr>"
            for index, analytic, numeric, error, status in self.worst()
        )
        return (
            f"<p>{self._summary()}</p><table><tr><th>index</th><th>analytic</th><th>numeric</th>"
            f"<th>relative error</th><th>status</th></tr>{rows}</table>"
        )

    __repr__ = __str__


def gradcheck(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Callable[[np.ndarray], Any] | Any,
    *,
    method: str = "central",
    rtol: float | None = None,
    atol: float = 0.0,
    h: Any = None,
) -> GradcheckReport:
    """Check an analytic gradient against finite differences; raise if they disagree.

    ``f`` maps an array to a number; ``grad`` is ``x -> gradient`` or the gradient itself
    (shape of ``x``). Entry ``i`` passes when

        |analytic_i - numeric_i| <= atol + rtol * max(|analytic_i|, |numeric_i|) + noise_i

    ``rtol`` defaults to ``RTOL[method]`` (1e-6 central, 1e-4 forward, 1e-10 complex: far
    above what each method reaches on smooth functions, far below a 0.1% error).
    ``noise_i = 64 eps max|f| / h_i`` is the rounding a difference quotient cannot beat,
    so an entry is judged only as precisely as finite differences can judge it; a tiny
    entry beside large ones (softmax's 1e-4 beside 0.9) is judged relative to itself.

    Kinks: with central differences, an entry whose one-sided slopes disagree (a jump in
    f' within the step, as at ReLU's 0) is marked a kink and passes if the analytic value
    lies between the two slopes, i.e. is a valid subgradient there.

    Returns a ``GradcheckReport``; raises ``GradientCheckError`` (an ``AssertionError``)
    listing the worst entries when any entry fails.
    """
    x = _as_input(x)
    analytic = np.asarray(grad(x.copy()) if callable(grad) else grad, dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {analytic.shape}")
    rtol = RTOL.get(method, 0.0) if rtol is None else rtol
    samples = _differences(f, x, method, h)
    numeric = samples.numeric
    tolerance = atol + rtol * np.maximum(np.abs(analytic), np.abs(numeric)) + samples.noise
    failed = ~(np.abs(analytic - numeric) <= tolerance)  # NaN fails
    kinks = np.zeros(x.shape, dtype=bool)
    if samples.slopes is not None:
        left, right = samples.slopes
        # A smooth f gives slopes that differ by ~h*f''; a kink by a jump of order |f'|.
        jump = np.abs(right - left) > 100 * tolerance
        low, high = np.minimum(left, right), np.maximum(left, right)
        kinks = jump & (analytic >= low - tolerance) & (analytic <= high + tolerance)
        failed &= ~kinks
    report = GradcheckReport(method, rtol, atol, analytic, numeric, tolerance, failed, kinks)
    if not report.passed:
        raise GradientCheckError(report)
    return report


# --------------------------------------------------------------------------- torch


@dataclass
class TorchReport:
    """Result of ``torchcheck``: the largest relative differences from torch."""

    name: str
    value_error: float
    grad_errors: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        grads = ", ".join(f"d/d{name} {error:.1e}" for name, error in self.grad_errors.items())
        return f"{self.name} matches torch: value {self.value_error:.1e}, {grads} (max relative difference)"

    __repr__ = __str__


def _relative_difference(ours: np.ndarray, theirs: np.ndarray, atol: float) -> float:
    ours, theirs = np.broadcast_arrays(np.asarray(ours, np.float64), np.asarray(theirs, np.float64))
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    difference = np.where(same, 0.0, np.abs(ours - theirs))
    size = np.maximum(np.maximum(np.abs(ours), np.abs(theirs)), atol)
    with np.errstate(invalid="ignore"):
        error = np.where(same, 0.0, difference / np.where(size > 0, size, 1))
    return float(np.max(error, initial=0.0)) if np.all(np.isfinite(error)) else float("inf")


def resolve_torch(path: str) -> Callable[..., Any]:
    """The torch/torchvision callable at a dotted path such as ``torch.nn.functional.mse_loss``."""
    import importlib

    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def torchcheck(
    function: Any,
    *args: Any,
    torch_function: Callable[..., Any] | None = None,
    grad_output: Any = None,
    rtol: float = 1e-10,
    atol: float = 1e-300,
    seed: int = 0,
    **kwargs: Any,
) -> TorchReport:
    """Compare a lossviz ``Function``'s value and ``.grad`` with torch autograd in float64.

    Float array arguments become float64 tensors (those named in ``function.wrt``
    require grad), integer arrays become int64 tensors, anything else is passed as is.
    ``grad_output`` defaults to a seeded random array of the output's shape, so every
    entry of the vector-Jacobian product is exercised. Raises ``AssertionError`` naming
    the quantity and the difference when values or gradients differ by more than
    ``rtol`` relative (``atol`` is the magnitude below which differences are absolute).
    """
    import torch

    torch_function = torch_function or resolve_torch(function.torch)
    bound = inspect.signature(function.forward).bind(*args, **kwargs)
    tensors: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        if isinstance(value, (np.ndarray, list)) or (isinstance(value, (float, int)) and name in function.wrt):
            array = np.asarray(value)
            if np.issubdtype(array.dtype, np.integer) and name not in function.wrt:
                tensors[name] = torch.as_tensor(array, dtype=torch.int64)
            else:
                tensors[name] = torch.tensor(array, dtype=torch.float64, requires_grad=name in function.wrt)
    ours = np.asarray(function(*args, **kwargs), dtype=np.float64)
    torch_arguments = inspect.signature(function.forward).bind(*args, **kwargs)
    torch_arguments.arguments.update(tensors)
    theirs = torch_function(*torch_arguments.args, **torch_arguments.kwargs)
    if grad_output is None:
        grad_output = np.random.default_rng(seed).standard_normal(ours.shape)
    grad_output = np.asarray(grad_output, dtype=np.float64)
    report = TorchReport(function.name, _relative_difference(ours, theirs.detach().numpy(), atol))
    if report.value_error > rtol:
        raise AssertionError(f"{function.name}: value differs from torch by {report.value_error:.2e} relative\nours  ={ours}\ntorch={theirs.detach().numpy()}")
    wrt = [name for name in function.wrt if name in tensors]
    torch_grads = torch.autograd.grad(theirs, [tensors[name] for name in wrt], torch.as_tensor(grad_output), allow_unused=True)
    our_grads = function.grad(*args, grad_output=grad_output, **kwargs)
    if len(function.wrt) == 1:
        our_grads = (our_grads,)
    for name, mine, reference in zip(wrt, our_grads, torch_grads):
        reference = np.zeros(np.shape(mine)) if reference is None else reference.numpy()
        if np.shape(mine) != np.shape(reference):
            raise AssertionError(f"{function.name}: d/d{name} has shape {np.shape(mine)}, torch's {np.shape(reference)}")
        report.grad_errors[name] = error = _relative_difference(mine, reference, atol)
        if error > rtol:
            raise AssertionError(f"{function.name}: d/d{name} differs from torch autograd by {error:.2e} relative\nours  ={mine}\ntorch={reference}")
    return report


# --------------------------------------------------------------------------- derivations


@dataclass
class DerivationReport:
    steps: list[str]
    points: int
    max_relative_error: float

    def __str__(self) -> str:
        return f"all {len(self.steps)} steps agree at {self.points} random points (max relative difference {self.max_relative_error:.1e})"

    __repr__ = __str__


def check_derivation(
    steps: Sequence[Callable[..., Any] | tuple[str, Callable[..., Any]]],
    *,
    variables: dict[str, tuple[float, float]],
    points: int = 50,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    seed: int = 0,
) -> DerivationReport:
    """Check that consecutive steps of a derivation are equal at random points.

    ``steps``: callables of the named ``variables`` (numpy-vectorised), optionally as
    ``(label, callable)`` pairs; ``variables``: name -> (low, high) sampling range.
    Raises ``DerivationError`` naming the first step that differs from its predecessor,
    the point where it does, and both values.
    """
    if len(steps) < 2:
        raise ValueError("steps must hold at least two expressions to compare")
    rng = np.random.default_rng(seed)
    sample = {name: rng.uniform(low, high, points) for name, (low, high) in variables.items()}
    labelled = [step if isinstance(step, tuple) else (f"step {number}", step) for number, step in enumerate(steps, 1)]
    previous = np.broadcast_to(np.asarray(labelled[0][1](**sample), dtype=np.float64), (points,))
    worst = 0.0
    for number, (label, expression) in enumerate(labelled[1:], 2):
        current = np.broadcast_to(np.asarray(expression(**sample), dtype=np.float64), (points,))
        difference = np.abs(current - previous)
        tolerance = atol + rtol * np.maximum(np.abs(current), np.abs(previous))
        bad = ~(difference <= tolerance)
        if bad.any():
            k = int(np.argmax(bad))
            point = ", ".join(f"{name}={values[k]:.6g}" for name, values in sample.items())
            raise DerivationError(
                f"step {number} ({label}) differs from step {number - 1} ({labelled[number - 2][0]}) "
                f"at {point}: {current[k]:.10g} vs {previous[k]:.10g}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = difference / np.maximum(np.maximum(np.abs(current), np.abs(previous)), atol)
        worst = max(worst, float(np.max(relative)))
        previous = current
    return DerivationReport([label for label, _ in labelled], points, worst)


# --------------------------------------------------------------------------- V curve


@dataclass
class FDErrorCurve:
    """Relative error of each method and precision at each step size (the V curve)."""

    steps: np.ndarray
    errors: dict[tuple[str, str], np.ndarray]

    def best(self, method: str, dtype: str = "float64") -> tuple[float, float]:
        """(smallest error, the step that reached it)."""
        curve = self.errors[(method, dtype)]
        k = int(np.nanargmin(curve))
        return float(curve[k]), float(self.steps[k])


def fd_error(
    f: Callable[[Any], Any],
    derivative: Callable[[float], float],
    x0: float,
    *,
    steps: Sequence[float] | np.ndarray | None = None,
    methods: Sequence[str] = METHODS,
    dtypes: Sequence[str] = ("float32", "float64"),
) -> FDErrorCurve:
    """Relative error |numeric - exact| / |exact| of each method at each step ``h``.

    ``f`` is a scalar, numpy-based function (complex-safe for the complex step);
    it is evaluated in each precision by casting ``x0`` and ``h`` to that dtype
    (complex64/complex128 for the complex step). ``derivative`` gives the exact f'(x0).
    """
    h_values = np.logspace(-20, 0, 81) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = float(derivative(x0))
    if exact == 0:
        raise ValueError("choose x0 where the derivative is not zero: the error is relative to it")
    errors: dict[tuple[str, str], np.ndarray] = {}
    for method in methods:
        _check_method(method)
        for dtype in dtypes:
            real = np.dtype(dtype).type
            curve = np.empty(h_values.size)
            with np.errstate(all="ignore"):
                for k, h_value in enumerate(h_values):
                    x, h = real(x0), real(h_value)
                    if h == 0:
                        curve[k] = np.nan
                        continue
                    if method == "forward":
                        estimate = (f(x + h) - f(x)) / h
                    elif method == "central":
                        estimate = (f(x + h) - f(x - h)) / (2 * h)
                    else:
                        complex_type = np.result_type(real, np.complex64).type
                        estimate = np.imag(f(complex_type(complex(x, h)))) / h
                    curve[k] = abs(float(estimate) - exact) / abs(exact)
            errors[(method, dtype)] = curve
    return FDErrorCurve(h_values, errors)


# --------------------------------------------------------------------------- exercises


def assert_close(got: Any, expected: Any, *, what: str = "your answer", rtol: float = 1e-7, atol: float = 1e-12) -> None:
    """Raise an ``AssertionError`` a learner can act on: which entry, expected vs got.

    Used by the graded exercises' tests; shapes must match exactly (no broadcasting), so a
    (3,) answer for a (3, 1) question is reported as a shape error, not silently accepted.
    """
    if got is None:
        raise AssertionError(f"{what} is None: did you forget to return a value?")
    got_array = np.asarray(got, dtype=np.float64)
    expected_array = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected_array.shape:
        raise AssertionError(f"{what} has shape {got_array.shape}, expected {expected_array.shape}")
    bad = ~np.isclose(got_array, expected_array, rtol=rtol, atol=atol)
    if bad.any():
        index = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        raise AssertionError(
            f"{what} is wrong at {int(bad.sum())} of {bad.size} entries; "
            f"first at index {tuple(int(i) for i in index)}: expected {expected_array[index]:.10g}, got {got_array[index]:.10g}"
        )
