"""The repository's pytest plugins, for every folder it tests (lossviz, tests, notebooks).

After nbval's cells of each notebook, one more item moves every explorer's every control
in the same kernel (``tests/explorer_probe.py``).
"""

pytest_plugins = ["tests.explorer_probe"]
