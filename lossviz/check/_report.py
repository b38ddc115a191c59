"""What ``gradcheck`` found: a table in a notebook, the message of its exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._numeric import EPS

__all__ = ["GradcheckReport"]

REMEDY = (
    "At {count} no step from 1e-5 to 1e5 times the first gave a difference that tells a right gradient "
    "from a wrong one: the rounding of f (f(x) = {value:.6g}) is as large as the differences being "
    "judged (or f is not finite, or changes faster than the smallest step, around x). A pass there "
    "would mean nothing. To judge them:\n"
    "- compute f without its large constant part, if it has one (a constant does not change the gradient, "
    "but its rounding hides f's changes, even if subtracted afterwards);\n"
    "- rescale x or f, so that the gradient is not tiny next to f / x, or pass h (larger where f's "
    "rounding hides its changes, smaller where f changes faster than the step);\n"
    "- or use method='complex' (no subtraction, so no rounding to hide behind; f must be complex-safe)."
)


@dataclass
class GradcheckReport:
    """Result of ``gradcheck`` (and ``vjpcheck``): shown as a table, and in its errors.

    The arrays hold one value per checked entry: the shape of ``x`` when every entry was
    checked; one per sampled entry (flat indices in ``entries``) when a random sample was;
    one per random direction when ``probes`` is true (a fast check of u^T J v).
    ``failed``: out of tolerance; ``kinks``: f has a kink within the step there (any
    subgradient passes); ``undecided``: f's rounding noise is as large as the differences
    being judged there, so no verdict (``CannotJudgeError``); ``unconfirmed``: failing at
    the first step and not looked at again (once some failure is confirmed the verdict is
    certain; a large wrong gradient would otherwise cost a second look at every entry).
    """

    method: str
    rtol: float
    atol: float
    analytic: np.ndarray
    numeric: np.ndarray
    tolerance: np.ndarray
    failed: np.ndarray
    kinks: np.ndarray
    undecided: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    unconfirmed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    shape: tuple[int, ...] = ()  # x's shape
    entries: np.ndarray | None = None  # flat indices of a random sample, or None: all
    probes: bool = False
    evaluations: int = 0  # calls of f
    value: float = float("nan")  # f(x)
    sigma: float = 0.0  # f's rounding noise, where it was measured (0: not needed)
    rows: int = 5

    def __post_init__(self) -> None:
        for name in ("undecided", "unconfirmed"):
            if getattr(self, name).shape != self.failed.shape:
                setattr(self, name, np.zeros(self.failed.shape, dtype=bool))

    @property
    def passed(self) -> bool:
        return not bool(self.failed.any() or self.undecided.any())

    @property
    def relative_error(self) -> np.ndarray:
        """|analytic - numeric| / max(|analytic|, |numeric|): 0 where both are 0, NaN where either is."""
        difference = np.abs(self.analytic - self.numeric)
        size = np.maximum(np.abs(self.analytic), np.abs(self.numeric))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(size > 0, difference / np.where(size > 0, size, 1), np.where(np.isnan(size), np.nan, 0.0))

    @property
    def max_relative_error(self) -> float:
        """Over the entries judged (not a passing kink, which has no single derivative to
        match, nor an undecided one); NaN if any of them is NaN."""
        judged = (~self.kinks | self.failed) & ~self.undecided
        errors = self.relative_error[judged]
        return float(np.max(errors)) if errors.size else 0.0

    def _label(self, position: int) -> tuple[int, ...]:
        if self.probes:
            return (position,)
        flat = position if self.entries is None else int(self.entries[position])
        return tuple(int(i) for i in np.unravel_index(flat, self.shape or self.analytic.shape))

    def worst(self) -> list[tuple[tuple[int, ...], float, float, float, str]]:
        """The worst rows: confirmed failures first, then unconfirmed ones, then entries it
        cannot judge, then by their error relative to the tolerance (ties in index order)."""
        excess = np.abs(self.analytic - self.numeric) / np.where(self.tolerance > 0, self.tolerance, EPS)
        excess = np.nan_to_num(excess.ravel(), nan=np.inf)
        confirmed = self.failed & ~self.unconfirmed
        order = np.lexsort((-excess, ~self.undecided.ravel(), ~self.failed.ravel(), ~confirmed.ravel()))
        errors = self.relative_error.ravel()
        rows = []
        for position in order[: self.rows].tolist():
            if self.failed.flat[position]:
                status = "FAIL"
            elif self.undecided.flat[position]:
                status = "cannot judge"
            else:
                status = "kink" if self.kinks.flat[position] else "ok"
            rows.append((self._label(position), float(self.analytic.flat[position]), float(self.numeric.flat[position]), float(errors[position]), status))
        return rows

    def _population(self) -> str:
        checked = self.failed.size
        if self.probes:
            return f"{checked} random directions (u^T J v)"
        total = int(np.prod(self.shape or self.analytic.shape))
        return f"{total} entries" if self.entries is None else f"a random sample of {checked} of {total} entries"

    def _summary(self) -> str:
        how = f"({self.method} differences, rtol={self.rtol:g}"
        where = "along" if self.probes else "at"
        if self.failed.any():
            count = int(self.unconfirmed.sum())
            unconfirmed = f"; {count} of them differ at the first step, not looked at again" if count else ""
            verdict = f"FAILED {where} {int(self.failed.sum())} of {self._population()}"
            return f"gradcheck {verdict} {how}{unconfirmed}); max relative error {self.max_relative_error:.2e}"
        if self.undecided.any():
            return f"gradcheck CANNOT JUDGE {int(self.undecided.sum())} of {self._population()} {how})"
        passed_kinks = int((self.kinks & ~self.failed).sum())
        kinks = f", {passed_kinks} at kinks (any subgradient accepted)" if passed_kinks else ""
        scope = "" if self.entries is None and not self.probes else f" {where} {self._population()}"
        return f"gradcheck PASSED{scope} {how}{kinks}); max relative error {self.max_relative_error:.2e}"

    def __str__(self) -> str:
        index = "probe" if self.probes else "index"
        lines = [self._summary(), f"{index:>14} {'analytic':>14} {'numeric':>14} {'rel. error':>10}  status"]
        for index, analytic, numeric, error, status in self.worst():
            lines.append(f"{str(index):>14} {analytic:>14.6g} {numeric:>14.6g} {error:>10.2e}  {status}")
        if self.undecided.any() and not self.failed.any():
            count = "every entry" if self.undecided.all() else "these entries"
            lines.append(REMEDY.format(count=count, value=self.value))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{index}</td><td>{analytic:.6g}</td><td>{numeric:.6g}</td><td>{error:.2e}</td><td>{status}</td></tr>"
            for index, analytic, numeric, error, status in self.worst()
        )
        return (
            f"<p>{self._summary()}</p><table><tr><th>{'probe' if self.probes else 'index'}</th><th>analytic</th><th>numeric</th>"
            f"<th>relative error</th><th>status</th></tr>{rows}</table>"
        )

    __repr__ = __str__


GradcheckReport.__module__ = "lossviz.check"
