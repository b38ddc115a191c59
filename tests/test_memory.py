"""Every loss and activation needs a few times its input's memory, never more (tracemalloc).

The benchmark (benchmarks/memory.py) measures the same at ten million elements, each
function in a fresh interpreter; this test keeps the bound at 100,000 elements, where
constant allocations are still small beside the input.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

from lossviz._samples import sample
from lossviz.activations import REGISTRY as ACTIVATIONS
from lossviz.losses import REGISTRY as LOSSES

FUNCTIONS = {**LOSSES, **ACTIVATIONS}
BOUND = 16  # times the input's bytes: benchmarks/memory.py's target


def peak_above(call) -> int:
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - before


# gelu's exact form calls the C library's erfc once per entry through Python objects,
# which tracemalloc records one by one: seconds, where the others take a fraction of one.
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n == "gelu" else n for n in sorted(FUNCTIONS)])
def test_peak_memory_is_a_small_multiple_of_the_input(name):
    function = FUNCTIONS[name]
    args = sample(name, 100_000)
    size = np.asarray(args[0]).nbytes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in (lambda: function(*args), lambda: function.grad(*args)):
            assert peak_above(call) <= BOUND * size
