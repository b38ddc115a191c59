"""Autograding throughput: a class of submissions graded serially and in parallel.

Run: .venv/bin/python benchmarks/grading_throughput.py [--notebook PATH] [--submissions 100] [--jobs 2]

One notebook (default: the course's 00_welcome) is generated in a throw-away course
folder and submitted ``--submissions`` times: 40% right, 30% with one wrong answer, 20%
with an answer that raises, 10% with an answer that loops forever (stopped by
``--timeout``, 10 s here). The same class is graded with ``--jobs 1`` and with ``--jobs N``
in two copies of the folder. Printed: submissions per minute for each, their ratio
(target: at least 1.8 with 2 jobs on 2 cores), whether both gave the same scores, and the
peak memory: resident memory of the grader and all its children together (sandboxes
included), sampled every 0.2 s, and of the grader's main process alone.

Then the sandbox's own cost: the time to start a sandbox and get its first reply, with
bubblewrap and without (``--no-sandbox``), ``--starts`` of each taken in turns, with the
median of the paired differences; and the median round trip of one call of a learner's
function through the channel.

The load average is printed before and after: run this when the machine is quiet, and
quote ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import nbformat

from lossviz.coursework import cells as nbcells
from lossviz.coursework import course as cw
from lossviz.coursework.runner import Session
from lossviz.coursework.sandbox import Limits, descendants

ROOT = Path(__file__).resolve().parent.parent
MIX = (("right", 0.4), ("wrong", 0.3), ("raises", 0.2), ("loops", 0.1))


def solution_code(cell: Any) -> str:
    return "\n".join(line for line in cell.source.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def answers(source: Any, kind: str) -> dict[str, str]:
    """Answer cells (grade_id -> code) of one submission of the given kind."""
    cells = [cell for cell in source.cells if nbcells.kind(cell) == nbcells.ANSWER]
    chosen = {nbcells.grade_id(cell): solution_code(cell) for cell in cells}
    first, last = cells[0], cells[-1]
    name = nbcells.answer_names(first.source)[0]
    if kind == "wrong":  # the right result, moved by one
        chosen[nbcells.grade_id(first)] += (
            f"\n_right_{name} = {name}\n"
            f"def _moved(value):\n"
            f"    return tuple(_moved(v) for v in value) if isinstance(value, tuple) else np.asarray(value, dtype=float) + 1.0\n"
            f"def {name}(*args, **kwargs):\n"
            f"    return _moved(_right_{name}(*args, **kwargs))\n"
        )
    elif kind == "raises":
        chosen[nbcells.grade_id(first)] += f"\ndef {name}(*args, **kwargs):\n    raise ValueError('not done')\n"
    elif kind == "loops":
        last_name = nbcells.answer_names(last.source)[0]
        chosen[nbcells.grade_id(last)] += f"\ndef {last_name}(*args, **kwargs):\n    while True:\n        pass\n"
    return chosen


def make_class(root: Path, notebook: Path, count: int) -> dict[str, str]:
    """Generate ``notebook`` and submit it ``count`` times; student -> kind."""
    cw.generate([notebook], root)
    source = nbformat.read(notebook, as_version=4)
    kinds: dict[str, str] = {}
    for kind, share in MIX:
        for number in range(round(share * count)):
            kinds[f"{kind}-{number:03d}"] = kind
    for student, kind in kinds.items():
        submission = nbformat.read(cw.release_notebook(root, notebook.stem), as_version=4)
        chosen = answers(source, kind)
        for cell in submission.cells:
            if nbcells.grade_id(cell) in chosen:
                cell.source = chosen[nbcells.grade_id(cell)]
        path = cw.submitted_notebook(root, student, notebook.stem)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission, path)
    return kinds


class PeakMemory:
    """Peak resident memory of this process and all its descendants together."""

    def __init__(self) -> None:
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(0.2):
            total = 0
            for pid in descendants(os.getpid()):
                try:
                    with open(f"/proc/{pid}/statm") as statm:
                        total += int(statm.read().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def grade(root: Path, jobs: int, limits: Limits) -> tuple[float, float, dict[str, Any]]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        outcomes = cw.autograde(root, jobs=jobs, limits=limits)
        seconds = time.perf_counter() - started
    scores = {outcome.student: (outcome.score, outcome.error) for outcome in outcomes}
    return seconds, memory.peak, scores


def start_time(isolated: bool, limits: Limits) -> float:
    """Seconds from starting a sandbox (or a plain child process) to its first reply."""
    session = Session(limits, isolated, max_restarts=0)
    began = time.perf_counter()
    session.ensure()
    seconds = time.perf_counter() - began
    session.close()
    return seconds


def sandbox_costs(starts: int, calls: int) -> dict[str, float]:
    """Median start times, with and without bubblewrap, taken in turns (so that a change in
    the machine's load hits both), the median of their paired differences, and the median
    round trip of one call."""
    limits = Limits(timeout=60)
    pairs = [(start_time(True, limits), start_time(False, limits)) for _ in range(starts)]
    session = Session(limits, True, max_restarts=0)
    session.run_learner_cell("cell", "def double(x):\n    return 2 * x\n")
    session.deadline = time.monotonic() + 600
    times = []
    for _ in range(calls):
        began = time.perf_counter()
        session.call("double", (1.5,), {})
        times.append(time.perf_counter() - began)
    session.close()
    return {
        "sandbox start": statistics.median(isolated for isolated, _ in pairs),
        "plain start": statistics.median(plain for _, plain in pairs),
        "added": statistics.median(isolated - plain for isolated, plain in pairs),
        "call round trip": statistics.median(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebook", type=Path, default=ROOT / "notebooks" / "00_welcome.ipynb")
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--only-sandbox", action="store_true", help="measure only the sandbox's start and call costs")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    limits = Limits(timeout=args.timeout)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(os.sched_getaffinity(0))} cores")
    if not args.only_sandbox:
        throughput(args, limits)
    costs = sandbox_costs(args.starts, 1000)
    print(f"\nmedian of {args.starts} starts to a first reply: with bubblewrap {costs['sandbox start']:.3f} s, "
          f"without {costs['plain start']:.3f} s; median paired difference: the sandbox adds {costs['added']:.3f} s "
          "per sandbox (one per submission, one more per restart)")
    print(f"median round trip of one call through the channel: {1000 * costs['call round trip']:.2f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def throughput(args: argparse.Namespace, limits: Limits) -> None:
    """Grade the class serially and in parallel; print the rates, the ratio and the memory."""
    with tempfile.TemporaryDirectory(prefix="lossviz-bench-") as scratch:
        serial_root = Path(scratch) / "serial"
        kinds = make_class(serial_root, args.notebook, args.submissions)
        parallel_root = Path(scratch) / "parallel"
        shutil.copytree(serial_root, parallel_root)
        print(f"{len(kinds)} submissions of {args.notebook.stem}: "
              + ", ".join(f"{sum(k == kind for k in kinds.values())} {kind}" for kind, _ in MIX))
        serial = grade(serial_root, 1, limits)
        parallel = grade(parallel_root, args.jobs, limits)

    rows = [("serial (--jobs 1)", serial), (f"parallel (--jobs {args.jobs})", parallel)]
    print(f"\n{'':24s} {'seconds':>8s} {'per minute':>11s} {'peak memory, all processes':>28s}")
    for label, (seconds, peak, _) in rows:
        print(f"{label:24s} {seconds:8.1f} {60 * len(kinds) / seconds:11.1f} {peak / 2**20:24.0f} MiB")
    print(f"parallel / serial throughput: {serial[0] / parallel[0]:.2f}x (target: at least 1.8x with 2 jobs on 2 cores)")
    print(f"same scores serial and parallel: {serial[2] == parallel[2]}")
    print(f"peak memory of the grader's main process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")
    for kind, _ in MIX:
        scores = sorted({str(parallel[2][student][0]) for student, k in kinds.items() if k == kind})
        print(f"  {kind:7s} scored: {', '.join(scores)}")


if __name__ == "__main__":
    main()
