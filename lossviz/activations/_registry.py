"""The activations registry: name -> Function, filled as the submodules are imported."""

from .._function import Function, registrar

REGISTRY: dict[str, Function] = {}
activation = registrar(REGISTRY)
