"""The sandbox a learner's notebook runs in: bubblewrap, resource limits, and its process.

``Sandbox`` starts ``python -m lossviz.coursework._inside`` (the code that runs the
learner's cells and answers calls) in a bubblewrap (``bwrap``) sandbox:

- a read-only view of the system (``/usr`` and its links), of Python and its packages, and
  of the ``lossviz`` package; nothing else of the host: not the course folder (sources,
  other submissions, the gradebook), not the instructor's notebooks, not the repository;
- a private writable ``/tmp`` (a size-limited tmpfs) holding the learner's working folder;
- new user, process, network, IPC and host-name namespaces: no network, no view of the
  host's processes; the whole sandbox dies with its parent or when it is stopped;
- limits from ``prlimit``: address space per process (``memory``, 2 GiB by default), CPU
  seconds, processes, file size, open files, no core dumps; and, watched from outside, the
  memory of all its processes together.

As root, ``bwrap`` would map the sandbox to root, which the kernel exempts from the process
limit; so an outer ``bwrap`` switches to the unprivileged user ``nobody`` (``setpriv``)
and the same unprivileged sandbox runs inside it.

``isolated=False`` (the ``--no-sandbox`` choice) runs the same worker as a plain child
process with the same rlimits but without namespaces: it still cannot change a grade
(tests run in the grader), but it can read and write whatever the instructor can.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from .channel import ChannelError, Endpoint

__all__ = [
    "Limits",
    "Sandbox",
    "SandboxStopped",
    "SandboxUnavailable",
    "bwrap_command",
    "check_available",
    "descendants",
    "kill",
    "parse_size",
]

NOBODY = 65534
WORKDIR = "/tmp/work"


class SandboxUnavailable(RuntimeError):
    """No sandbox can start here; the message says why and what to do."""


def parse_size(text: str | int) -> int:
    """Bytes from ``"2G"``, ``"512M"``, ``"64K"`` or a plain number of bytes.

    >>> parse_size("2G"), parse_size("512M"), parse_size(4096)
    (2147483648, 536870912, 4096)
    """
    if isinstance(text, int):
        return text
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    try:
        return int(float(value[:-1]) * units[value[-1]]) if value[-1:] in units else int(value)
    except (ValueError, IndexError):
        raise ValueError(f"a size like 2G, 512M or 4096, not {text!r}") from None


@dataclass(frozen=True)
class Limits:
    """What one submission's sandbox may use. ``timeout`` is per cell and per call (wall
    seconds); the others are per process except ``memory``, which is also watched for the
    sandbox's processes together."""

    timeout: float = 60.0
    memory: int = 2 * 2**30
    cpu_seconds: int = 600
    processes: int = 32
    file_bytes: int = 64 * 2**20
    tmp_bytes: int = 256 * 2**20
    open_files: int = 256
    output_bytes: int = 64 * 2**10

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value > 0:
                raise ValueError(f"Limits.{name} must be positive, got {value!r}")

    def prlimit(self) -> list[str]:
        cpu = int(self.cpu_seconds)
        return [
            "prlimit",
            f"--as={self.memory}",
            f"--cpu={cpu}:{cpu + 5}",
            f"--nproc={self.processes}",
            f"--fsize={self.file_bytes}",
            f"--nofile={self.open_files}",
            "--core=0",
            "--",
        ]


def _environment() -> dict[str, str]:
    """The environment inside the sandbox: nothing from the instructor's."""
    return {
        "HOME": "/tmp",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "IPYTHONDIR": "/tmp/.ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        # One thread each: the same sums in the same order on every run, and no
        # thread pools competing when several submissions are graded at once.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _read_only_paths() -> list[Path]:
    """Host folders the sandbox sees read-only: Python, its packages and lossviz."""
    import lossviz

    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent}
    paths.add(Path(lossviz.__file__).resolve().parent)
    paths = {path.resolve() for path in paths if path.is_dir()}
    # Keep only outermost folders, and none that /usr already shows.
    kept = sorted(p for p in paths if not any(q != p and q in p.parents for q in paths))
    return [p for p in kept if Path("/usr") not in p.parents and p != Path("/usr")]


def _system_args() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ("/etc/ld.so.cache", "/etc/fonts", "/etc/alternatives", "/etc/localtime"):
        args += ["--ro-bind-try", name, name]
    return args


def _parents(path: Path) -> list[str]:
    """``--dir`` for each missing parent of ``path``, world-readable (bwrap's default is
    0700, which the unprivileged user inside the root sandbox could not enter)."""
    args: list[str] = []
    for parent in reversed(path.parents):
        if parent != Path("/"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _bind_args() -> list[str]:
    args = _system_args()
    for path in _read_only_paths():
        args += _parents(path) + ["--ro-bind", str(path), str(path)]
    return args


def bwrap_command(argv: list[str], limits: Limits) -> list[str]:
    """The command that runs ``argv`` in the sandbox with ``limits``."""
    root = os.geteuid() == 0
    inner = [
        "bwrap",
        "--unshare-user", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        # As root the outer sandbox made the process namespace, and the kernel lets an
        # unprivileged sandbox mount a new /proc only where no part of /proc is covered.
        *([] if root else ["--unshare-pid"]),
        "--die-with-parent", "--new-session",
        # /tmp first: a later mount covers an earlier one, and the course's own files may
        # live under /tmp (a clone there), so they are bound onto the fresh /tmp, not under it
        "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
        *_bind_args(),
        *(["--ro-bind", "/proc", "/proc"] if root else ["--proc", "/proc"]), "--dev", "/dev",
        "--perms", "0700", "--dir", WORKDIR, "--chdir", WORKDIR,
        "--clearenv", *[arg for key, value in _environment().items() for arg in ("--setenv", key, value)],
        "--", *limits.prlimit(), *argv,
    ]
    if not root:
        return inner
    outer = [
        "bwrap",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent",
        "--perms", "1777", "--tmpfs", "/tmp",
        *_bind_args(),
        "--proc", "/proc", "--dev", "/dev",
        "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
        "--", "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--",
    ]
    return outer + inner


_AVAILABLE: dict[str, str | None] = {}


def check_available() -> None:
    """Raise SandboxUnavailable, with the reason and the fix, if no sandbox starts here."""
    key = sys.executable
    if key not in _AVAILABLE:
        _AVAILABLE[key] = _probe()
    if _AVAILABLE[key] is not None:
        raise SandboxUnavailable(_AVAILABLE[key])


def _probe() -> str | None:
    missing = [tool for tool in ("bwrap", "prlimit", "setpriv") if shutil.which(tool) is None]
    if missing:
        return (
            f"no sandbox for the learners' code: {', '.join(missing)} not found. Install "
            "bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; `./course test` does it "
            "when run as root), or pass --no-sandbox to grade without one (learners' code then "
            "runs with your permissions)."
        )
    argv = [sys.executable, "-I", "-c", "import lossviz.coursework._inside"]
    try:
        done = subprocess.run(bwrap_command(argv, Limits()), capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "no sandbox for the learners' code: a test run of bwrap did not finish in 120 s"
    if done.returncode != 0:
        return (
            "no sandbox for the learners' code: bwrap could not start Python here:\n"
            f"{done.stderr.strip()[-2000:]}\n"
            "Unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone "
            "or kernel.apparmor_restrict_unprivileged_userns). Fix that, or pass --no-sandbox to "
            "grade without one (learners' code then runs with your permissions)."
        )
    return None


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc's children lists)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    queue.extend(int(child) for child in children.read().split())
            except OSError:
                pass
    return found


def _resident_bytes(pids: list[int]) -> int:
    page, total = os.sysconf("SC_PAGE_SIZE"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


class Sandbox:
    """One running sandbox and the channel to the worker inside it.

    ``serve`` answers the worker's requests (calls of the grader's functions) that arrive
    while a reply is awaited. Use ``request``; after a timeout, a broken channel or the
    worker's death the sandbox is stopped and ``stopped_because`` says why.
    """

    def __init__(self, limits: Limits, serve: Callable[[dict[str, Any]], dict[str, Any]], *, isolated: bool = True) -> None:
        self.limits, self.isolated = limits, isolated
        self.stopped_because: str | None = None
        self.output = bytearray()  # the first limits.output_bytes of what it wrote to stdout/stderr
        self._watch_stop = threading.Event()
        to_child, to_us = os.pipe(), os.pipe()
        argv = [sys.executable, "-I", "-m", "lossviz.coursework._inside", str(to_child[0]), str(to_us[1])]
        if isolated:
            command = bwrap_command(argv, limits)
            env = None
        else:
            command = limits.prlimit() + argv
            env = {**os.environ, **{k: v for k, v in _environment().items() if k not in ("HOME", "PATH")}}
        self.started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(to_child[0], to_us[1]),
                start_new_session=True,
                env=env,
                cwd=None if isolated else _scratch_dir(),
            )
        finally:
            os.close(to_child[0])
            os.close(to_us[1])
        self.endpoint = Endpoint(to_us[0], to_child[1], serve)
        self._fds = (to_us[0], to_child[1])
        threading.Thread(target=self._drain, daemon=True).start()
        threading.Thread(target=self._watch_memory, daemon=True).start()

    # ------------------------------------------------------------------ talking

    def request(self, message: dict[str, Any], deadline: float) -> dict[str, Any]:
        """The worker's reply to ``message``; raises ``SandboxStopped`` if it cannot come."""
        if self.stopped_because is not None:
            raise SandboxStopped(self.stopped_because)
        try:
            return self.endpoint.request(message, deadline)
        except TimeoutError:
            self.stop(f"it ran longer than the time limit of {self.limits.timeout:g} s")
        except (EOFError, OSError):  # the worker is gone (a broken pipe is an OSError too)
            self.stop(self._death())
        except ChannelError as error:
            self.stop(f"it broke the grading channel's rules ({error})")
        self.close()
        raise SandboxStopped(self.stopped_because or "stopped")

    def _death(self) -> str:
        if self.stopped_because is not None:  # the memory watch stopped it
            return self.stopped_because
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it closed the grading channel"
        # bwrap exits with 128 + N when its child was killed by signal N.
        number = -code if code < 0 else code - 128 if self.isolated and code > 128 else 0
        if number:
            name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
            if number == signal.SIGXCPU:
                return f"it used up the CPU time limit of {self.limits.cpu_seconds} s ({name})"
            return f"its Python process was killed by {name}"
        return f"its Python process ended (exit code {code})"

    # ------------------------------------------------------------------ watching

    def _drain(self) -> None:
        # Read everything (a full pipe would block the writer) but keep only the first
        # output_bytes: a 100 MB line costs the grader no memory.
        stream = self.process.stdout
        assert stream is not None
        while chunk := stream.read1(1 << 16):
            room = self.limits.output_bytes - len(self.output)
            if room > 0:
                self.output += chunk[:room]

    def _watch_memory(self) -> None:
        # rlimits bound each process; this bounds all of the sandbox's processes together.
        while not self._watch_stop.wait(0.05):
            if self.process.poll() is not None:
                return
            used = _resident_bytes(descendants(self.process.pid))
            if used > self.limits.memory:
                self.stop(f"its processes together used more than the memory limit of {self.limits.memory / 2**30:.3g} GiB")
                return

    # ------------------------------------------------------------------ stopping

    def stop(self, reason: str = "grading is over") -> None:
        """Kill the sandbox and every process in it; the first ``reason`` is kept. (Safe
        from the memory watch's thread: the channel is closed by ``close`` alone.)"""
        if self.stopped_because is None:
            self.stopped_because = reason
        self._watch_stop.set()
        if self.process.poll() is None or not self.isolated:
            # Without namespaces, processes that left the session survive a group kill:
            # kill every descendant found in /proc first.
            pids = [] if self.isolated else descendants(self.process.pid)
            for pid in reversed(pids):
                kill(pid)
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        """Stop the sandbox and close the channel (from the thread that uses the channel)."""
        self.stop()
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = ()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SandboxStopped(RuntimeError):
    """The sandbox was stopped before it replied; the message says why."""


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_SCRATCH: list[str] = []


def _scratch_dir() -> str:
    import tempfile

    if not _SCRATCH:
        _SCRATCH.append(tempfile.mkdtemp(prefix="lossviz-nosandbox-"))
    return _SCRATCH[0]
