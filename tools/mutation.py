#!/usr/bin/env python
"""Mutation testing of lossviz: do the tests notice when the code is changed a little?

Each *mutant* is one small change to one module (``+`` for ``-``, ``<`` for ``<=``, a
constant nudged, a ``not`` dropped, ``np.maximum`` for ``np.minimum``, a statement
removed...). The tests that cover the module run against it; the mutant is *killed* when
a test fails (or the run exceeds its time limit), and *survives* otherwise. A surviving
mutant is either a gap in the tests or *equivalent* (it changes nothing observable, e.g. a
tolerance nudged inside its own slack); equivalent ones are listed, with the reason, in
``tools/mutation_equivalent.toml`` and left out of the score.

Run on demand, never in CI::

    .venv/bin/python tools/mutation.py --sample 320 --jobs 1            # the whole package
    .venv/bin/python tools/mutation.py --module lossviz/_reduction.py   # one module, every mutant
    .venv/bin/python tools/mutation.py --list --module lossviz/_stable.py  # what would be tried

Mutants run in private copies of the repository (``build/mutation/worker-N``), so the
working tree is never touched. The report prints one line per module (mutants, killed,
equivalent, survived, score) and every survivor with its location, so that it can be
turned into a test or, after reading, into an entry of the equivalent list.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import fnmatch
import hashlib
import json
import os
import queue
import signal
import threading
import random
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
EQUIVALENT = ROOT / "tools" / "mutation_equivalent.toml"

# Which tests judge which module: the module's own tests first (the run stops at the
# first failure, so the likeliest killers go first). Patterns are matched in order.
# A mutant then runs only those of them that execute its line in the unchanged run
# (measured once with coverage, see ``reach``); the module's doctests always count.
# Notebooks, browser and slow tests never judge mutants.
COVERAGE: list[tuple[str, list[str]]] = [
    ("lossviz/check/*.py", ["tests/test_check*.py", "tests/test_contract.py"]),
    ("lossviz/check.py", ["tests/test_check*.py", "tests/test_contract.py"]),
    ("lossviz/_reduction.py", ["tests/test_reduction.py", "tests/losses", "tests/test_contract.py"]),
    ("lossviz/_stable.py", ["tests/activations", "tests/losses", "tests/test_contract.py"]),
    ("lossviz/_validate.py", ["tests/losses", "tests/activations", "tests/test_contract.py"]),
    ("lossviz/_function.py", ["tests/test_contract.py", "tests/losses", "tests/activations"]),
    ("lossviz/losses/regression.py", ["tests/losses/test_regression.py", "tests/test_contract.py"]),
    ("lossviz/losses/classification.py", ["tests/losses/test_classification*.py", "tests/test_contract.py"]),
    ("lossviz/losses/margin.py", ["tests/losses/test_margin.py", "tests/test_contract.py"]),
    ("lossviz/losses/boxes.py", ["tests/losses/test_boxes.py", "tests/test_contract.py"]),
    ("lossviz/losses/embedding.py", ["tests/losses/test_embedding.py", "tests/test_contract.py"]),
    ("lossviz/activations/*.py", ["tests/activations", "tests/test_contract.py"]),
]
# Benchmark-sized tests (minutes each) that are not marked slow: they run with the
# benchmarks, not per mutant (tests marked slow or browser never judge mutants).
EXCLUDE = {
    "tests/test_check_mutations.py::test_every_mutation_caught_and_no_false_alarm",
}
# Tests that reach a module only in a child process (an IPython shell, a kernel), where
# the coverage of the parent run does not see it: a line no test is seen to execute is
# judged by these files (it survives as "not reached" when a module has none).
IN_SUBPROCESS: dict[str, list[str]] = {
    "lossviz/check/_errors.py": ["tests/test_check_errors_in_ipython.py"],
}
DEFAULT_MODULES = [
    "lossviz/check/*.py",
    "lossviz/check.py",
    "lossviz/_reduction.py",
    "lossviz/_stable.py",
    "lossviz/losses/*.py",
    "lossviz/activations/*.py",
]
SKIP_FILES = ("__init__.py", "_registry.py")

# pytest for one mutant: stop at the first failure, no parallel workers, no notebook
# plugin (importing it alone costs seconds), the module's doctests, and the fast
# hypothesis settings of tools/mutation_plugin.py. Niced: the machine is shared.
PYTEST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
          "-p", "no:nbval", "-p", "no:anyio", "-p", "mutation_plugin", "--no-header", "-o", "addopts=",
          "--doctest-modules", "-W", "error::lossviz._validate.NonFiniteInputWarning",
          "-m", "not slow and not browser"]
NICE = ["nice", "-n", "10"]


# --------------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class Mutant:
    module: str  # path relative to the repository
    line: int
    column: int
    operator: str  # what kind of change
    original: str  # the source of the changed node
    mutated: str  # its replacement ("" for a removed statement)
    site: int  # position among the module's mutation sites (the source is made on demand)
    end_line: int = 0  # the last line the changed node spans

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.module, self.line, self.original, self.mutated)

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.operator}: {self.original!r} -> {self.mutated!r}"


BINARY_SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
}
COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
# numpy functions that have a natural wrong twin.
NAME_SWAPS = {
    "maximum": "minimum", "minimum": "maximum", "max": "min", "min": "max",
    "exp": "expm1", "expm1": "exp", "log": "log1p", "log1p": "log", "sum": "mean", "mean": "sum",
    "abs": "negative", "sign": "abs", "any": "all", "all": "any",
    "isfinite": "isnan", "isnan": "isfinite", "floor": "ceil", "ceil": "floor",
}


def _nudged(value: object) -> object | None:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return 0.0 if value == 1.0 else (1.0 if value == 0.0 else value * 2)
    return None


class _Collector(ast.NodeVisitor):
    """Every place a mutation can be made: (node, operator, how to change it)."""

    def __init__(self) -> None:
        self.sites: list[tuple[ast.AST, str, object]] = []
        self._depth = 0  # inside a function: removing a statement there is a real mutant

    def _statement(self, node: ast.AST) -> None:
        # At module level a removed statement only breaks the import: trivially killed.
        if self._depth:
            self.sites.append((node, "remove statement", None))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) in BINARY_SWAPS:
            self.sites.append((node, "arithmetic", BINARY_SWAPS[type(node.op)]))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if type(node.op) in BINARY_SWAPS:
            self.sites.append((node, "arithmetic", BINARY_SWAPS[type(node.op)]))
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAPS:
                self.sites.append((node, "comparison", (index, COMPARE_SWAPS[type(op)])))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self.sites.append((node, "boolean", ast.Or if isinstance(node.op, ast.And) else ast.And))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, (ast.Not, ast.USub)):
            self.sites.append((node, "drop unary", None))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if _nudged(node.value) is not None:
            self.sites.append((node, "constant", _nudged(node.value)))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        # numpy's functions (np.maximum, ...) and the builtins min and max
        if isinstance(func, ast.Attribute):
            name = func.attr
        else:
            name = func.id if isinstance(func, ast.Name) and func.id in ("min", "max") else None
        if name in NAME_SWAPS:
            self.sites.append((node, "function", NAME_SWAPS[name]))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self.sites.append((node, "negate condition", None))
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        self._statement(node)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._statement(node)
        self.generic_visit(node)

    # Docstrings, annotations and decorators' formula strings are not behaviour.
    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):
            self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        return

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._depth += 1
        for statement in node.body:
            self.visit(statement)
        self._depth -= 1
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]


def _parents(tree: ast.AST) -> dict[ast.AST, tuple[ast.AST, str, int | None]]:
    """Each node's place in its parent: (parent, field, index in the field's list or None)."""
    places: dict[ast.AST, tuple[ast.AST, str, int | None]] = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        places[child] = (parent, field, index)
            elif isinstance(value, ast.AST):
                places[value] = (parent, field, None)
    return places


def _put(place: tuple[ast.AST, str, int | None], node: ast.AST) -> None:
    parent, field, index = place
    if index is None:
        setattr(parent, field, node)
    else:
        getattr(parent, field)[index] = node


@contextlib.contextmanager
def _changed(node: ast.AST, operator: str, change: object, place: tuple[ast.AST, str, int | None] | None):
    """``node`` changed as ``operator`` says while the block runs, restored afterwards."""
    if operator in ("arithmetic", "boolean"):
        old = node.op  # type: ignore[attr-defined]
        node.op = change()  # type: ignore[attr-defined,operator]
        try:
            yield ast.unparse(node)
        finally:
            node.op = old  # type: ignore[attr-defined]
    elif operator == "comparison":
        index, op = change  # type: ignore[misc]
        old = node.ops[index]  # type: ignore[attr-defined]
        node.ops[index] = op()  # type: ignore[attr-defined]
        try:
            yield ast.unparse(node)
        finally:
            node.ops[index] = old  # type: ignore[attr-defined]
    elif operator == "constant":
        old = node.value  # type: ignore[attr-defined]
        node.value = change  # type: ignore[attr-defined]
        try:
            yield repr(change)
        finally:
            node.value = old  # type: ignore[attr-defined]
    elif operator == "function":
        func = node.func  # type: ignore[attr-defined]
        attribute = "attr" if isinstance(func, ast.Attribute) else "id"
        old = getattr(func, attribute)
        setattr(func, attribute, change)
        try:
            yield ast.unparse(node)
        finally:
            setattr(func, attribute, old)
    elif operator == "negate condition":
        old = node.test  # type: ignore[attr-defined]
        node.test = ast.UnaryOp(op=ast.Not(), operand=old)  # type: ignore[attr-defined]
        try:
            yield "not (" + ast.unparse(old) + ")"
        finally:
            node.test = old  # type: ignore[attr-defined]
    elif operator in ("drop unary", "remove statement"):
        assert place is not None
        replacement = node.operand if operator == "drop unary" else ast.Pass()  # type: ignore[attr-defined]
        _put(place, replacement)
        try:
            yield "" if operator == "remove statement" else ast.unparse(replacement)
        finally:
            _put(place, node)
    else:
        raise ValueError(operator)


def _sites(module: Path) -> tuple[str, ast.Module, list[tuple[ast.AST, str, object]]]:
    text = module.read_text()
    tree = ast.parse(text)
    collector = _Collector()
    collector.visit(tree)
    return text, tree, collector.sites


def mutants(module: Path) -> list[Mutant]:
    """Every mutant of one module, in source order."""
    text, tree, sites = _sites(module)
    relative = str(module.relative_to(ROOT))
    places = _parents(tree)
    found = []
    for site, (node, operator, change) in enumerate(sites):
        original = (ast.get_source_segment(text, node) or ast.unparse(node)).splitlines()[0]
        with _changed(node, operator, change, places.get(node)) as mutated:
            pass
        found.append(Mutant(relative, node.lineno, node.col_offset, operator, original[:80],
                            mutated.splitlines()[0][:80] if mutated else "", site,
                            node.end_lineno or node.lineno))
    return found


def mutated_source(mutant: Mutant) -> str:
    """The whole module with ``mutant``'s change made (comments are lost; behaviour is not)."""
    _, tree, sites = _sites(ROOT / mutant.module)
    node, operator, change = sites[mutant.site]
    with _changed(node, operator, change, _parents(tree).get(node)):
        return ast.unparse(tree)


# --------------------------------------------------------------------------- running


def tests_for(module: str) -> list[str]:
    """The module's doctests, then the test files that may judge it (in COVERAGE order)."""
    for pattern, tests in COVERAGE:
        if fnmatch.fnmatch(module, pattern):
            expanded: list[str] = [module]
            for test in tests:
                matches = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(test)) or []
                expanded.extend(m for m in matches if m not in expanded)
            return expanded
    raise SystemExit(f"no tests are configured for {module}: add it to COVERAGE in {Path(__file__).name}")


def worker_copy(index: int) -> Path:
    """A private copy of the repository's code and tests for one worker."""
    copy = WORK / f"worker-{index}"
    if copy.exists():
        shutil.rmtree(copy)
    copy.mkdir(parents=True)
    for name in ("lossviz", "tests", "benchmarks", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "fixtures"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    return copy


def _environment(copy: Path, **extra: str) -> dict[str, str]:
    # One thread per process (two shared cores), the copy's lossviz before the installed
    # one, and the plugin importable.
    return {"PATH": "/usr/bin:/bin", "HOME": str(copy), "CI": "true", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": f"{copy}:{ROOT / 'tools'}", "MPLBACKEND": "Agg", "LOSSVIZ_COUNTS_RUN": "mutation",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **extra}


class Server:
    """tools/mutation_server.py in one worker's copy: pytest runs in forked children of a
    process that has imported torch, numpy and hypothesis once."""

    def __init__(self, copy: Path) -> None:
        self.process = subprocess.Popen(NICE + [sys.executable, str(ROOT / "tools" / "mutation_server.py")],
                                        cwd=copy, env=_environment(copy), text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_all, daemon=True).start()
        self._next(600)

    def _read_all(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def _next(self, timeout: float | None) -> dict:
        reply = self.lines.get(timeout=timeout)
        if reply is None:
            raise SystemExit("the mutation server stopped")
        return reply

    def run(self, args: list[str], timeout: float) -> int | None:
        """pytest's exit code, or None when the run exceeded ``timeout`` (and was killed)."""
        self.process.stdin.write(json.dumps(args) + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        pid = self._next(600)["pid"]
        try:
            return self._next(timeout)["code"]
        except queue.Empty:
            os.kill(pid, signal.SIGKILL)
            self._next(None)
            return None

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait()


SERVERS: dict[Path, Server] = {}


def run_tests(copy: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    """'killed', 'survived' or 'timeout' (counted as killed), and the seconds it took."""
    start = time.perf_counter()
    code = SERVERS[copy].run(PYTEST[3:] + tests, timeout)
    seconds = time.perf_counter() - start
    if code is None:
        return "timeout", seconds
    # 0: every test passed. Anything else (a failure, an error in collection, no test
    # collected because the mutant broke an import) kills the mutant.
    return ("survived" if code == 0 else "killed"), seconds


# --------------------------------------------------------------------------- which tests reach which line


def _fingerprint(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for name in ("lossviz", "tests", "tools/mutation_plugin.py"):
        for path in sorted((ROOT / name).rglob("*.py")) if (ROOT / name).is_dir() else [ROOT / name]:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    digest.update("\0".join(sorted(paths)).encode())
    return digest.hexdigest()[:16]


@dataclass
class Reach:
    """For each module line, the tests (pytest ids, in run order) that execute it, and
    each test's duration in the unchanged run."""

    lines: dict[str, dict[int, list[str]]]
    durations: dict[str, float]
    order: list[str]


def reach(copy: Path, tests: list[str], timeout: float) -> Reach:
    """Run ``tests`` once on the unchanged code under coverage, one context per test.

    This is the baseline too: unchanged code must pass the tests that judge the mutants,
    or every mutant would look killed. Cached under build/mutation until code or tests change.
    """
    cache = WORK / f"reach-{_fingerprint(tests)}.json"
    if cache.exists():
        data = json.loads(cache.read_text())
        return Reach({m: {int(k): v for k, v in lines.items()} for m, lines in data["lines"].items()},
                     data["durations"], data["order"])
    data_file = WORK / "coverage.data"
    durations_file = WORK / "durations.json"
    data_file.unlink(missing_ok=True)
    print(f"baseline with coverage of which test reaches which line ({len(tests)} paths)...", flush=True)
    start = time.perf_counter()
    command = NICE + [sys.executable, "-m", "coverage", "run", f"--data-file={data_file}",
                      "--include=lossviz/*", "-m", *PYTEST[2:]] + tests
    result = subprocess.run(command, cwd=copy, capture_output=True, timeout=timeout,
                            env=_environment(copy, LOSSVIZ_MUTATION_MAP=str(durations_file)))
    if result.returncode != 0:
        sys.stdout.write(result.stdout.decode()[-4000:] + result.stderr.decode()[-2000:])
        raise SystemExit("the unchanged code fails (or cannot run) the tests that judge the mutants: fix that first")
    print(f"baseline passes in {time.perf_counter() - start:.0f} s", flush=True)
    import coverage  # only the tool's own process needs it, and only here

    covered = coverage.CoverageData(basename=str(data_file))
    covered.read()
    lines: dict[str, dict[int, list[str]]] = {}
    for filename in covered.measured_files():
        module = str(Path(filename).resolve().relative_to(copy.resolve()))
        by_line = covered.contexts_by_lineno(filename)
        lines[module] = {line: sorted(contexts) for line, contexts in by_line.items()}
    durations = json.loads(durations_file.read_text())
    found = Reach(lines, durations, list(durations))
    cache.write_text(json.dumps({"lines": found.lines, "durations": found.durations, "order": found.order}))
    return found


def selected_tests(mutant: Mutant, found: Reach) -> list[str] | None:
    """The tests that execute the mutant's lines, in run order; None when code that runs at
    import time is changed (every test of the module judges it then)."""
    candidates = tests_for(mutant.module)
    lines = found.lines.get(mutant.module, {})
    ids: set[str] = set()
    for line in range(mutant.line, mutant.end_line + 1):
        if "" in lines.get(line, ()):
            return None  # executed outside any test: at import, where it can change anything
        ids.update(lines.get(line, ()))
    rank = {test: index for index, test in enumerate(found.order)}

    def allowed(test: str) -> bool:
        path = test.split("::")[0]
        return any(path == c or path.startswith(c.rstrip("/") + "/") for c in candidates)

    return sorted((t for t in ids if allowed(t) and t not in EXCLUDE), key=lambda t: rank.get(t, 0))


def judge(copy: Path, mutant: Mutant, found: Reach, timeout: float) -> tuple[Mutant, str, float, int]:
    tests = selected_tests(mutant, found)
    limit = timeout
    if tests is None:
        tests = tests_for(mutant.module)
    elif not tests and mutant.module in IN_SUBPROCESS:
        tests = IN_SUBPROCESS[mutant.module]
    elif not tests:
        return mutant, "not reached", 0.0, 0  # no test runs that line: survived
    else:
        # a mutant that loops for ever is killed by the time limit: five times the unchanged run
        limit = min(timeout, 60 + 5 * sum(found.durations.get(t, 1.0) for t in tests))
    path = copy / mutant.module
    original = (ROOT / mutant.module).read_text()
    path.write_text(mutated_source(mutant))
    try:
        outcome, seconds = run_tests(copy, tests, limit)
    finally:
        path.write_text(original)
    return mutant, outcome, seconds, len(tests)


# --------------------------------------------------------------------------- report


def equivalent_list() -> dict[tuple[str, int, str, str], str]:
    if not EQUIVALENT.exists():
        return {}
    entries = tomllib.loads(EQUIVALENT.read_text()).get("equivalent", [])
    return {(e["module"], e["line"], e["original"], e["mutated"]): e["reason"] for e in entries}


def select(modules: list[Path], sample: int | None, seed: int, least: int = 10) -> list[Mutant]:
    """Every mutant of ``modules``, or a sample spread over them in proportion to their
    size, with at least ``least`` from each module (a small module still gets a score)."""
    every = {module: mutants(module) for module in modules}
    total = sum(len(found) for found in every.values())
    if sample is None or sample >= total:
        return [m for found in every.values() for m in found]
    rng = random.Random(seed)
    chosen: list[Mutant] = []
    for module, found in every.items():
        share = max(least, round(sample * len(found) / total)) if found else 0
        chosen.extend(rng.sample(found, min(share, len(found))))
    return chosen


def modules_matching(patterns: list[str]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.name not in SKIP_FILES and path not in found:
                found.append(path)
    return found


KILLED = ("killed", "timeout")


def report(results: list[dict], equivalent: dict) -> str:
    per_module: dict[str, dict[str, int]] = {}
    survivors, equivalents = [], []
    for result in results:
        key = (result["module"], result["line"], result["original"], result["mutated"])
        counts = per_module.setdefault(result["module"], {"mutants": 0, "killed": 0, "equivalent": 0, "survived": 0})
        counts["mutants"] += 1
        if result["outcome"] in KILLED:
            counts["killed"] += 1
        elif key in equivalent:
            counts["equivalent"] += 1
            equivalents.append((result, equivalent[key]))
        else:
            counts["survived"] += 1
            survivors.append(result)
    lines = [f"{'module':40s} {'mutants':>7s} {'killed':>7s} {'equiv.':>7s} {'survived':>8s} {'score':>7s}"]
    total = {"mutants": 0, "killed": 0, "equivalent": 0, "survived": 0}
    for module in sorted(per_module):
        c = per_module[module]
        for key in total:
            total[key] += c[key]
        lines.append(_row(module, c))
    lines.append(_row("all", total))
    if survivors:
        lines.append("\nsurvivors (a missing test, or an equivalent mutant to list with its reason):")
        lines.extend(f"  {_describe(r)}  [{r['outcome']}]" for r in sorted(survivors, key=lambda r: (r["module"], r["line"])))
    if equivalents:
        lines.append(f"\nequivalent survivors ({EQUIVALENT.relative_to(ROOT)}):")
        lines.extend(f"  {_describe(r)}  -- {reason}" for r, reason in equivalents)
    return "\n".join(lines)


def _describe(result: dict) -> str:
    return f"{result['module']}:{result['line']}: {result['operator']}: {result['original']!r} -> {result['mutated']!r}"


def _row(name: str, c: dict[str, int]) -> str:
    judged = c["mutants"] - c["equivalent"]
    score = f"{100 * c['killed'] / judged:6.1f}%" if judged else "    -"
    return f"{name:40s} {c['mutants']:7d} {c['killed']:7d} {c['equivalent']:7d} {c['survived']:8d} {score:>7s}"


def load_results(path: Path) -> list[dict]:
    """The latest outcome of each mutant recorded in ``path`` (runs append to it)."""
    latest: dict[tuple, dict] = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        result = json.loads(line)
        latest[(result["module"], result["line"], result["original"], result["mutated"])] = result
    return list(latest.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="a module path or glob (repeatable); default: the numeric core")
    parser.add_argument("--sample", type=int, help="try this many mutants, spread over the modules by size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="mutants judged at once (the machine is shared: 1 or 2)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds at most per run; a longer run counts as killed")
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    parser.add_argument("--results", type=Path, default=WORK / "results.jsonl",
                        help="each outcome is appended here; the report counts the latest outcome of each mutant")
    parser.add_argument("--report", action="store_true", help="print the report of --results and stop")
    parser.add_argument("--resume", action="store_true", help="skip the mutants --results already judged")
    parser.add_argument("--only-survivors", action="store_true",
                        help="judge again only the mutants that survived in --results (after adding tests)")
    args = parser.parse_args(argv)
    if args.report:
        print(report(load_results(args.results), equivalent_list()))
        return 0
    modules = modules_matching(args.module or DEFAULT_MODULES)
    if not modules:
        parser.error("no module matches")
    chosen = select(modules, args.sample, args.seed)
    if args.only_survivors:
        survived = {(r["module"], r["line"], r["original"], r["mutated"]) for r in load_results(args.results)
                    if r["outcome"] not in KILLED}
        chosen = [m for m in chosen if m.key in survived]
    if args.resume:
        judged = {(r["module"], r["line"], r["original"], r["mutated"]) for r in load_results(args.results)}
        chosen = [m for m in chosen if m.key not in judged]
    if args.list:
        for mutant in chosen:
            print(mutant)
        print(f"{len(chosen)} mutants")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    copies = [worker_copy(index) for index in range(args.jobs)]
    every_test = sorted({t for m in chosen for t in tests_for(m.module)})
    found = reach(copies[0], every_test, args.timeout)
    for copy in copies:
        SERVERS[copy] = Server(copy)
    results: list[dict] = []
    free = list(copies)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool, args.results.open("a") as log:
        pending: dict[concurrent.futures.Future, Path] = {}
        queue = list(chosen)
        while queue or pending:
            while queue and free:
                copy = free.pop()
                pending[pool.submit(judge, copy, queue.pop(0), found, args.timeout)] = copy
            done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                free.append(pending.pop(future))
                mutant, outcome, seconds, count = future.result()
                result = {"module": mutant.module, "line": mutant.line, "operator": mutant.operator,
                          "original": mutant.original, "mutated": mutant.mutated, "outcome": outcome,
                          "seconds": round(seconds, 1), "tests": count}
                results.append(result)
                log.write(json.dumps(result) + "\n")
                log.flush()
                print(f"[{len(results):4d}/{len(chosen)}] {outcome:11s} {seconds:6.1f}s {count:4d} tests  {mutant}", flush=True)
    for server in SERVERS.values():
        server.close()
    print(f"\n{len(results)} mutants in {time.perf_counter() - start:.0f} s\n")
    text = report(results, equivalent_list())
    (WORK / "report.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
