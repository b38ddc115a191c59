"""Benchmarks: speed and accuracy figures, run as scripts (``python benchmarks/NAME.py``);
the tests import some of them to check that they compute what they claim."""
