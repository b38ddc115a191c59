"""The losses registry: name -> Function, filled as the submodules are imported."""

from .._function import Function, registrar

REGISTRY: dict[str, Function] = {}
loss = registrar(REGISTRY)
