"""model_construction/my_sequential: your own Sequential container.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/my_sequential', ['names', 'forward', 'order', 'repeated_module', 'gradients'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Gradients, Mistake, Names
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, nn, shared


def _chain(c: dict[str, Any]) -> list[Spec]:
    widths = c["widths"]
    layers: list[Spec] = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return layers[:-1] if layers else layers


_chains = cases(widths=st.lists(width(1, 8), min_size=1, max_size=4), batch=batch())
_square_chains = cases(w=width(2, 8), depth=st.integers(2, 3), batch=batch())
# always examined too, whatever hypothesis draws: a chain with several layers of different widths
_CHAIN_DEFAULTS = ({"widths": [4, 3, 5, 2], "batch": 3},)
_SQUARE_DEFAULTS = ({"w": 4, "depth": 3, "batch": 3},)


def _my_seq(c: dict[str, Any]) -> Spec:
    return ex.MySequential(*_chain(c))


def _square(c: dict[str, Any]) -> Spec:
    return ex.MySequential(*[nn.Linear(c["w"], c["w"]) for _ in range(c["depth"])])


def _reversed_children(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for child in reversed(list(m._modules.values())):
        X = child(X)
    return X


def _children_once(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for child in m.children():  # like named_children(), skips a module registered a second time
        X = child(X)
    return X


_APPLIED_ONCE = Mistake("Your output equals applying the repeated module `a` only once: `self.children()` (and a "
                        "dedup of the modules) skips a module that appears twice; iterate over "
                        "`self._modules.values()` so that `a` runs at every position where it was passed.",
                        _children_once)


def _first_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], c["widths"][0])]


def _shared_twice(c: dict[str, Any]) -> Spec:
    a = shared("a", nn.Linear(c["w"], c["w"]))
    return ex.MySequential(a, nn.Tanh(), a)


_REVERSED = Mistake("Your output equals applying the modules in reverse order: apply them in the order "
                    "they were passed.", _reversed_children)
_LIST_HINT = ("Storing the modules in a plain Python list hides their parameters: register each one under "
              "`str(index)` with `self.add_module(str(i), module)` (or `self._modules[str(i)] = module`).")


def _no_params_diagnosis(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    if ref["state_keys"] and not mine["state_keys"]:
        return [_LIST_HINT]
    return []


EXERCISE = Exercise("model_construction/my_sequential", "MySequential: your own Sequential container", (
    Names(points=2, build=_my_seq, cases=_chains, diagnose=_no_params_diagnosis, defaults=_CHAIN_DEFAULTS),
    Forward(points=2, build=_my_seq, inputs=_first_input, cases=_chains, mistakes=(_REVERSED,),
            defaults=_CHAIN_DEFAULTS),
    Forward(id="order", title="modules are applied in the order given", points=1, build=_square,
            inputs=matrix_input("w"), cases=_square_chains, mistakes=(_REVERSED,), defaults=_SQUARE_DEFAULTS),
    Forward(id="repeated_module", title="MySequential(a, tanh, a) applies a twice, as nn.Sequential does",
            points=1, build=_shared_twice, inputs=matrix_input("w"), cases=cases(w=width(1, 8), batch=batch()),
            max_examples=6, mistakes=(_APPLIED_ONCE,)),
    Gradients(points=1, build=_shared_twice, inputs=matrix_input("w"), cases=cases(w=width(1, 8), batch=batch()),
              title="gradients reach every module (a module used twice gets the sum of both uses)"),
))


# -- known-bad submissions ------------------------------------------------------------------------

_REGISTER = """        for idx, module in enumerate(modules):
            # add_module puts the child in self._modules, unlike a plain list.
            self.add_module(str(idx), module)"""
_LOOP = "for module in self._modules.values():"
_MUT_LIST_HINT = "register each one under `str(index)`"
_MUT_REVERSE_HINT = "applying the modules in reverse order"
_MUT_ONCE_HINT = "applying the repeated module `a` only once"
_SUPER_HINT = "super().__init__()"
_SIGNATURE_HINT = "signature against the exercise"

MUTANTS = (
    Mutant("plain_list", "The modules are kept in a plain Python list: their parameters are invisible.",
           edits=[(_REGISTER, "        self.layers = list(modules)"),
                  (_LOOP, "for module in self.layers:")],
           fails={"names": ["Missing keys: 0.weight, 0.bias", "Your keys:     (none)", "plain Python list",
                            _MUT_LIST_HINT]},
           # the parameters of a module used twice are matched by position: gradients still agree
           passes=["forward", "order", "repeated_module", "gradients"]),
    Mutant("reversed_order", "`forward` applies the modules in reverse order.",
           edits=[(_LOOP, "for module in reversed(list(self._modules.values())):")],
           fails={"forward": [_MUT_REVERSE_HINT], "order": [_MUT_REVERSE_HINT]},
           passes=["names", "repeated_module", "gradients"],  # (a, tanh, a) reads the same backwards
           absent={"forward": [_MUT_LIST_HINT], "order": [_MUT_LIST_HINT]}),
    Mutant("children_skips_repeated_module",
           "`forward` iterates over `self.children()`, which skips a module passed twice.",
           edits=[(_LOOP, "for module in self.children():")],
           fails={"repeated_module": [_MUT_ONCE_HINT, "self._modules.values()",
                                      "net = MySequential(a, nn.Tanh(), a)"]},
           passes=["names", "forward", "order"],
           absent={"repeated_module": [_MUT_LIST_HINT], "gradients": [_MUT_LIST_HINT]}),
    Mutant("dedups_modules", "A module passed twice is registered once (the constructor drops duplicates).",
           edits=[(_REGISTER, """        unique = []
        for module in modules:
            if not any(module is m for m in unique):
                unique.append(module)
        for idx, module in enumerate(unique):
            self.add_module(str(idx), module)""")],
           fails={"repeated_module": [_MUT_ONCE_HINT]}, passes=["names", "forward", "order"]),
    Mutant("return_inside_loop", "`return X` inside the loop: only the first module runs.",
           edits=[("""            X = module(X)
        return X""", """            X = module(X)
            return X""")],
           fails={"forward": ["net = MySequential()", "expected a Tensor of shape", "got NoneType None"],
                  "order": ["Tensors are not close!"]},
           passes=["names"]),
    Mutant("setattr_other_names", "The modules are registered as `layer0`, `layer1`, ... instead of `0`, `1`, ...",
           edits=[("self.add_module(str(idx), module)", 'setattr(self, f"layer{idx}", module)')],
           fails={"names": ["Missing keys: 0.weight", "Unexpected keys: layer0.weight", "`layer0` looks like `0`"]},
           passes=["forward", "order", "repeated_module"]),
    Mutant("no_super_init", "`super().__init__()` never called (the modules go straight into `self._modules`).",
           edits=[("        super().__init__()\n", ""),
                  ("self.add_module(str(idx), module)", "self._modules[str(idx)] = module")],
           fails={c: ["AttributeError", _SUPER_HINT]
                  for c in ("names", "forward", "order", "repeated_module", "gradients")}),
    Mutant("takes_a_list", "The constructor takes one list of modules instead of `*modules`.",
           edits=[("def __init__(self, *modules: nn.Module):", "def __init__(self, modules: list[nn.Module]):")],
           fails={"names": ["TypeError", "missing 1 required positional argument: 'modules'", _SIGNATURE_HINT],
                  "order": ["TypeError", "takes 2 positional arguments but 3 were given", _SIGNATURE_HINT]}),
    Mutant("one_based_names", "The modules are registered under `1`, `2`, ... (enumerate from 1).",
           edits=[("enumerate(modules)", "enumerate(modules, 1)")],
           fails={"names": ["`1` looks like `0`"]}, passes=["forward", "order", "repeated_module"]),
    Mutant("copies_repeated_module",
           "A module passed twice is deep-copied: the two positions no longer share parameters.",
           edits=[("import torch\n", "import copy\n\nimport torch\n"),
                  ("            self.add_module(str(idx), module)",
                   "            if any(module is m for m in self._modules.values()):\n"
                   "                module = copy.deepcopy(module)  # \"a module cannot have two parents\"\n"
                   "            self.add_module(str(idx), module)")],
           fails={"gradients": ["In the gradient of 0.weight: Tensors are not close!",
                                "net = MySequential(a, nn.Tanh(), a)"]},
           passes=["names", "forward", "order", "repeated_module"]),
)
