"""Numeric derivatives and checks that fail loudly, with the numbers.

- ``numeric_grad``: forward, central or complex-step derivative of ``f: array -> number``
  (``steps`` gives the step it takes per entry).
- ``gradcheck``: an analytic gradient against finite differences; raises
  ``GradientCheckError`` (an ``AssertionError``) with a table of the worst entries, or
  ``CannotJudgeError`` where f's rounding hides the differences it would judge.
  ``vjpcheck`` (or ``gradcheck(..., fast=True)``): the same for u^T J v along a few
  random directions, in a handful of evaluations instead of 2N.
- ``torchcheck``: a lossviz function's value and ``.grad`` against torch autograd.
- ``check_derivation``: consecutive steps of a derivation are equal; ``assert_close``:
  an exercise's answer against the expected value, with a message a learner can act on.
- ``fd_error``: the error-vs-step-size data of the "V curve".

Modules by concern: ``_numeric`` (the differences), ``_refine`` (the second look and f's
noise), ``_gradcheck`` and ``_report`` (the verdict), ``_torch``, ``_exercises``,
``_vcurve``; ``_errors`` holds the exceptions, which IPython shows without lossviz's
frames. ``import lossviz.check`` loads numpy only (torch on first use of ``torchcheck``).
"""

from ._errors import CannotJudgeError, DerivationError, GradientCheckError, NotCloseError, TorchMismatchError
from ._exercises import DerivationReport, assert_close, check_derivation
from ._gradcheck import RTOL, gradcheck, vjpcheck
from ._numeric import EPS, METHODS, RELATIVE_STEP, InputChangedError, complex_step, numeric_grad, steps
from ._report import GradcheckReport
from ._torch import TorchReport, resolve_torch, torchcheck
from ._vcurve import FDErrorCurve, fd_error

__all__ = [
    "EPS",
    "METHODS",
    "RELATIVE_STEP",
    "RTOL",
    "CannotJudgeError",
    "DerivationError",
    "DerivationReport",
    "FDErrorCurve",
    "GradcheckReport",
    "GradientCheckError",
    "InputChangedError",
    "NotCloseError",
    "TorchMismatchError",
    "TorchReport",
    "assert_close",
    "check_derivation",
    "complex_step",
    "fd_error",
    "gradcheck",
    "numeric_grad",
    "resolve_torch",
    "steps",
    "torchcheck",
    "vjpcheck",
]
