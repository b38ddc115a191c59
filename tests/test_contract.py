"""Every registered loss and activation keeps the lossviz contract (CONTRIBUTING.md).

Names, argument names and defaults follow torch wherever torch has the function: a learner
who knows lossviz knows torch. Checked against the installed torch, not against a list;
the functions beyond torch are checked against the defaults of the reference each follows.
``.grad`` takes the forward's arguments with the forward's defaults and checks them on the
forward's one path: both are checked here by signature and by behaviour.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import warnings

import numpy as np
import pytest

from lossviz._samples import sample
from lossviz.activations import REGISTRY as ACTIVATIONS
from lossviz.check import resolve_torch
from lossviz.losses import REGISTRY as LOSSES

FUNCTIONS = {**{f"loss:{k}": v for k, v in LOSSES.items()}, **{f"activation:{k}": v for k, v in ACTIVATIONS.items()}}
# torch arguments that lossviz deliberately leaves out: deprecated or device/in-place details
# (rrelu takes training and inplace, to refuse inplace=True by name).
NOT_MIRRORED = {"size_average", "reduce", "inplace", "_stacklevel", "dtype", "out", "training", "generator"}
MODULES = [
    f"lossviz.{family}.{module}"
    for family, modules in {
        "losses": ("boxes", "classification", "embedding", "margin", "regression"),
        "activations": ("normalising", "rectifiers", "saturating", "smooth"),
    }.items()
    for module in modules
]
# The defaults of the functions beyond torch, as the reference each one follows sets them
# (sklearn, Keras, kornia, DETR, torchvision, the papers); each docstring names its reference.
REFERENCE_DEFAULTS = {
    "rmse": {},
    "mape": {"reduction": "mean", "eps": float(np.finfo(np.float64).eps)},  # sklearn
    "log_cosh": {"reduction": "mean"},  # Keras
    "quantile": {"reduction": "mean", "quantile": 0.5},  # sklearn's alpha
    "hinge": {"margin": 1.0, "reduction": "mean"},  # sklearn
    "multiclass_hinge": {"margin": 1.0, "reduction": "mean"},  # sklearn
    "squared_hinge": {"margin": 1.0, "reduction": "mean"},  # Keras
    "softmax_focal_loss": {"alpha": None, "gamma": 2.0, "reduction": "mean", "label_smoothing": 0.0},  # kornia, Keras
    "dice_loss": {"smooth": 1.0, "reduction": "mean"},  # DETR
    "contrastive_loss": {"margin": 1.0, "eps": 1e-6, "reduction": "mean"},  # Hadsell et al., torch's pairwise_distance
    "center_loss": {"reduction": "sum"},  # Wen et al.'s L_C
    "arcface_loss": {"scale": 64.0, "margin": 0.5, "reduction": "mean"},  # insightface
    "cosface_loss": {"scale": 64.0, "margin": 0.35, "reduction": "mean"},  # Wang et al.
    "sphereface_loss": {"scale": 64.0, "margin": 4, "reduction": "mean"},  # Liu et al.
    "iou_loss": {"reduction": "none", "eps": 1e-7},  # torchvision's box losses
}


def torch_parameters(path: str) -> dict[str, object]:
    """Argument name -> default of a torch function (``inspect.Parameter.empty`` if none).

    C builtins (gelu, softplus, prelu, ...) carry no Python signature; their docstrings
    open with one, e.g. ``softplus(input, beta=1, threshold=20) -> Tensor``, so parse that.
    """
    function = resolve_torch(path)
    try:
        return {name: p.default for name, p in inspect.signature(function).parameters.items()}
    except (ValueError, TypeError):
        header = function.__doc__.strip().splitlines()[0]
        arguments = ast.parse(f"def f{header[header.index('('):header.index(')') + 1]}: pass").body[0].args
        defaults = [inspect.Parameter.empty] * (len(arguments.args) - len(arguments.defaults))
        defaults += [ast.literal_eval(default) for default in arguments.defaults]
        return {argument.arg: default for argument, default in zip(arguments.args, defaults)}


def reference_defaults(function) -> dict[str, object]:
    """The defaults ``function`` must have: torch's (its mirrored arguments), or its reference's."""
    if function.torch and function.torch.startswith("torch."):
        ours = function.signature.parameters
        theirs = torch_parameters(function.torch)
        return {name: default for name, default in theirs.items() if name in ours and default is not inspect.Parameter.empty}
    if function.name in REFERENCE_DEFAULTS:
        return REFERENCE_DEFAULTS[function.name]
    if function.name in ("giou_loss", "diou_loss", "ciou_loss"):
        return REFERENCE_DEFAULTS["iou_loss"]
    return {"reduction": "none", "alpha": 0.25, "gamma": 2}  # torchvision's sigmoid_focal_loss


def defaults(signature: inspect.Signature) -> dict[str, object]:
    return {name: p.default for name, p in signature.parameters.items() if p.default is not inspect.Parameter.empty}


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_carries_formula_torch_path_docstring_and_gradient(key):
    function = FUNCTIONS[key]
    assert isinstance(function.formula, str) and function.formula.strip()
    assert function.torch is None or function.torch.startswith(("torch.", "torchvision."))
    assert function.__doc__ and len(function.__doc__.strip()) > 40
    assert function._grad is not None, f"{function.name} has no analytic gradient"
    parameters = inspect.signature(function.forward).parameters
    assert set(function.wrt) <= set(parameters), f"wrt names {function.wrt} are not arguments"
    # the gradient function takes the forward's arguments by name, and declares no defaults
    # of its own: .grad fills in the forward's.
    implementation = inspect.signature(function._grad).parameters
    assert list(implementation) == [*parameters, "grad_output"]
    assert all(p.default is inspect.Parameter.empty for p in implementation.values())


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_grad_has_the_forwards_signature_and_defaults(key):
    function = FUNCTIONS[key]
    grad = inspect.signature(function.grad).parameters
    forward = inspect.signature(function.forward).parameters
    assert list(grad) == [*forward, "grad_output"]
    assert [(p.name, p.kind, p.default) for p in grad.values()][:-1] == [(p.name, p.kind, p.default) for p in forward.values()]
    assert grad["grad_output"].default is None and grad["grad_output"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("key", sorted(k for k, f in FUNCTIONS.items() if f.torch and f.torch.startswith("torch.")))
def test_name_and_arguments_match_torch(key):
    function = FUNCTIONS[key]
    assert function.torch.rsplit(".", 1)[1] == function.name
    ours = {name: p.default for name, p in inspect.signature(function.forward).parameters.items()}
    theirs = {name: default for name, default in torch_parameters(function.torch).items() if name not in NOT_MIRRORED or name in ours}
    assert list(ours) == list(theirs)
    assert ours == theirs
    grad = defaults(inspect.signature(function.grad))
    assert grad == {**{name: d for name, d in theirs.items() if d is not inspect.Parameter.empty}, "grad_output": None}


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_defaults_are_the_references_in_the_forward_and_in_grad(key):
    """Declared defaults equal the reference's, and calls that leave them out behave as calls
    that pass the reference's values: forwards and backwards."""
    function = FUNCTIONS[key]
    expected = reference_defaults(function)
    declared = defaults(function.signature)
    assert {name: declared[name] for name in expected} == expected
    args = sample(function.name, 60)
    explicit = {name: value for name, value in expected.items() if name in function.signature.parameters}
    explicit = {name: value for name, value in explicit.items() if list(function.signature.parameters).index(name) >= len(args)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(function(*args), function(*args, **explicit))
        for implicit, given in zip(_as_tuple(function.grad(*args)), _as_tuple(function.grad(*args, **explicit))):
            np.testing.assert_array_equal(implicit, given)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("module_name", MODULES)
def test_module_exports_every_function_it_defines_and_registers_it(module_name):
    module = importlib.import_module(module_name)
    registry = LOSSES if ".losses." in module_name else ACTIVATIONS
    defined = {name for name, function in registry.items() if function.forward.__module__ == module_name}
    assert defined, f"{module_name} defines no function"
    assert sorted(module.__all__) == sorted(defined)
    package = importlib.import_module(module_name.rsplit(".", 1)[0])
    for name in module.__all__:
        assert getattr(module, name) is registry[name] is getattr(package, name)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_docstring_is_numpydoc_with_examples_of_the_call_and_the_gradient(key):
    function = FUNCTIONS[key]
    doc = inspect.cleandoc(function.__doc__)
    headings = [line for line, underline in zip(doc.splitlines(), doc.splitlines()[1:]) if set(underline) == {"-"}]
    assert [h for h in headings if h in ("Parameters", "Returns", "Raises", "Examples")] == [
        "Parameters",
        "Returns",
        "Raises",
        "Examples",
    ]
    examples = doc[doc.index("Examples\n--------") :]
    assert f"{function.name}(" in examples and f"{function.name}.grad(" in examples
    for name in function.signature.parameters:
        assert f"\n{name} :" in doc or f", {name}" in doc or f"{name}, " in doc.split("Returns")[0], f"{name} is not described"


@pytest.mark.parametrize("key", sorted(k for k, f in FUNCTIONS.items() if f.torch is None))
def test_beyond_torch_names_the_reference_it_follows(key):
    assert "Follows" in FUNCTIONS[key].__doc__


# Arguments no check should let through, or should let through for the forward and the
# gradient alike: each replaces one argument of a valid call.
JUNK = [True, "junk", np.nan, -1.0, 0.0, 0.5, 3, [1.0, 2.0], None, np.ones((2, 2)), np.array([[True]])]


def _outcome(call):
    """What a call did: ("ok",) or (the exception's type, its message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except Exception as error:  # noqa: BLE001 - any difference between the two paths counts
        return type(error), str(error)
    return ("ok",)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_grad_refuses_exactly_what_the_forward_refuses(key):
    """Every argument replaced by each junk value: the forward and .grad raise the same
    error with the same message, or both accept it."""
    function = FUNCTIONS[key]
    names = list(function.signature.parameters)
    args = sample(function.name, 12)
    base = dict(zip(names, args))
    compared = 0
    for name in names:
        for junk in JUNK:
            arguments = {**base, name: junk}
            forward, backward = _outcome(lambda: function(**arguments)), _outcome(lambda: function.grad(**arguments))
            assert forward == backward, f"{function.name}({name}={junk!r}): forward {forward}, grad {backward}"
            compared += forward != ("ok",)
    assert compared, "no junk value was refused: the test compares nothing"


def test_the_examples_of_the_bug_report_raise_in_both():
    from lossviz.activations import celu, softplus

    x = np.array([-1.0, 0.5])
    for call in (celu, celu.grad):
        with pytest.raises(ValueError, match=r"^alpha must be nonzero for celu"):
            call(x, alpha=0.0)
    for call in (softplus, softplus.grad):
        with pytest.raises(TypeError, match=r"^beta must be a real number, got True"):
            call(x, beta=True)


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_a_tensor_that_requires_grad_is_refused_with_the_remedy(key):
    import torch

    function = FUNCTIONS[key]
    args = list(sample(function.name, 12))
    first = next(iter(function.signature.parameters))
    args[0] = torch.tensor(np.asarray(args[0], dtype=np.float64), requires_grad=True)
    for call in (function, function.grad):
        with pytest.raises(TypeError, match=rf"^{first} is a torch tensor that requires grad: pass {first}\.detach\(\)"):
            call(*args)
    args[0] = args[0].detach()  # a tensor without grad is an array like any other
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(function(*args), function(np.asarray(args[0]), *args[1:]))


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_a_masked_array_is_refused_not_silently_unmasked(key):
    function = FUNCTIONS[key]
    args = list(sample(function.name, 12))
    first = next(iter(function.signature.parameters))
    args[0] = np.ma.masked_array(args[0], mask=np.zeros(np.shape(args[0]), dtype=bool))
    for call in (function, function.grad):
        with pytest.raises(TypeError, match=rf"^{first} is a numpy masked array"):
            call(*args)


# torch computes a number for these labels and targets; lossviz refuses them on purpose
# (a 0/1 label passed to a +-1 loss, a target of 2 to a cross entropy), and says so.
REFUSES_WHAT_TORCH_TAKES = [
    "hinge_embedding_loss",
    "soft_margin_loss",
    "margin_ranking_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "multilabel_soft_margin_loss",
    "sigmoid_focal_loss",
    "kl_div",
    "poisson_nll_loss",
    "cosine_embedding_loss",
]


@pytest.mark.parametrize("name", REFUSES_WHAT_TORCH_TAKES)
def test_label_domain_refusals_are_stated_as_deliberate(name):
    doc = " ".join(LOSSES[name].__doc__.split())
    assert "refuse" in doc and "torch" in doc[doc.index("refuse") - 200 : doc.index("refuse") + 200]
