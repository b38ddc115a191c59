"""A fork server for mutant runs: imports pytest, numpy, torch and hypothesis once, then
runs each request in a forked child (so a mutant pays for none of those imports).

Started by ``tools/mutation.py`` in a worker's private copy (the working directory, first
on ``PYTHONPATH``). It must never import lossviz or the tests itself: each child imports
them afresh, the mutated module included. Protocol, one JSON line each way: the request
is pytest's arguments; the server answers ``{"pid": ...}`` when the child starts and
``{"code": ...}`` when it ends (the tool kills the child by pid at its time limit).
"""

from __future__ import annotations

import importlib
import json
import os
import sys

import pytest  # noqa: F401  (imported for the children)

for name in ("numpy", "torch", "torchvision", "hypothesis", "hypothesis.extra.numpy",
             "_hypothesis_pytestplugin", "mutation_plugin"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
assert not any(name == "lossviz" or name.startswith(("lossviz.", "tests")) for name in sys.modules)


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        args = json.loads(line)
        pid = os.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            try:
                code = int(pytest.main(args))
            except BaseException:
                code = 99
            os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        print(json.dumps({"code": code}), flush=True)


if __name__ == "__main__":
    main()
