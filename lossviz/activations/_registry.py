"""The activations registry: name -> Function, filled as the submodules are imported."""

from .._function import Function, registrar

REGISTRY: dict[str, Function] = {}
# Activations are elementwise (drawn as f(x) by lossviz.views) unless they act along a dim.
activation = registrar(REGISTRY, view="elementwise")
