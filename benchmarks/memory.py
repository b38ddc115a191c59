"""Peak memory of every loss and activation at ten million input elements, forward and .grad.

Run ``python benchmarks/memory.py [size] [name ...]`` (default size 10,000,000, every
registered function). Each function runs in a fresh interpreter of its own, so that
nothing one function allocated or cached is counted for the next. There, the inputs of
``lossviz._samples.sample(name, size)`` are made first; then the kernel's record of the
process's peak resident memory (VmHWM) is reset and the peak during the call, above the
resident memory before it, is read back: once for the call and once for ``.grad``.
(tracemalloc would count the same numpy buffers, but slows gelu's per-entry erfc ~100x.)

The table gives that peak in MB and as a multiple of the input's own bytes (the first
argument, 8 bytes per element: 80 MB at 10^7), and the time of the two calls. Target: every function within 16 times its input's bytes, forwards and
backwards (a call that returns a new array of the input's shape already needs 1x, and
numpy's element-wise arithmetic makes a temporary per operation); the script exits 1 if
one is over.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings

import numpy as np

TARGET = 16.0  # peak extra memory, in multiples of the input's bytes
SIZE = 10_000_000


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (VmRSS: resident now; VmHWM: its peak)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _peak(call) -> tuple[int, float]:
    """(the peak resident memory during ``call()`` above that before it, seconds)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # Linux: reset VmHWM to the current resident size
    before = _status("VmRSS")
    start = time.perf_counter()
    call()  # the result is dropped at once, so the next call starts from the inputs alone
    seconds = time.perf_counter() - start
    return _status("VmHWM") - before, seconds


def measure(name: str, size: int) -> dict[str, float]:
    """In this process: the peaks of ``name``'s call and ``.grad`` at ``size`` elements."""
    from lossviz import activations, losses
    from lossviz._samples import sample

    function = {**losses.REGISTRY, **activations.REGISTRY}[name]
    args = sample(name, size)
    warnings.simplefilter("ignore")  # an inf from a sampled extreme is not this script's concern
    forward, forward_seconds = _peak(lambda: function(*args))
    backward, backward_seconds = _peak(lambda: function.grad(*args))
    return {
        "input": float(np.asarray(args[0]).nbytes),
        "forward": float(forward),
        "grad": float(backward),
        "seconds": forward_seconds + backward_seconds,
    }


def run(name: str, size: int) -> dict[str, float]:
    """``measure`` in a fresh interpreter."""
    child = subprocess.run(
        [sys.executable, __file__, "--child", name, str(size)], capture_output=True, text=True, check=True
    )
    return json.loads(child.stdout)


def main(argv: list[str]) -> int:
    from lossviz import activations, losses

    size = int(argv[0]) if argv and argv[0].isdigit() else SIZE
    names = [a for a in argv if not a.isdigit()] or [*losses.REGISTRY, *activations.REGISTRY]
    print(f"peak memory above the inputs at {size:,} input elements (input bytes: {8 * size / 1e6:.0f} MB)")
    print(f"{'function':34s} {'call MB':>9s} {'x input':>8s} {'.grad MB':>9s} {'x input':>8s} {'s':>6s}")
    worst = 0.0
    rows = []
    for name in names:
        result = run(name, size)
        ratios = result["forward"] / result["input"], result["grad"] / result["input"]
        worst = max(worst, *ratios)
        rows.append((max(ratios), name, result, ratios))
    for _, name, result, (forward, backward) in sorted(rows, key=lambda row: (-row[0], row[1])):
        print(
            f"{name:34s} {result['forward'] / 1e6:9.0f} {forward:8.1f} {result['grad'] / 1e6:9.0f} {backward:8.1f} "
            f"{result['seconds']:6.1f}"
        )
    verdict = "met" if worst <= TARGET else "NOT MET"
    print(f"largest multiple {worst:.1f}x the input's bytes; target <= {TARGET:.0f}x: {verdict}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
    else:
        sys.exit(main(sys.argv[1:]))
