"""model_construction/containers: Tower and MultiHead, ModuleList and ModuleDict.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/containers', ['tower_names', 'tower_forward', 'multihead_names', 'multihead_forward'])
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, Names, build_pair
from grader.checks.base import last_student_frame
from grader.tracks.pytorch.checks.draw import batch, cases, width
from grader.tracks.pytorch.checks.pair import forward_location, randn
from grader.mutants import Mutant
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec, ex

_tower_cases = cases(widths=st.lists(width(1, 8), min_size=2, max_size=5), batch=batch())
_head_names = st.lists(st.sampled_from(["cls", "reg", "box", "mask", "a", "b"]), min_size=1, max_size=3, unique=True)
_head_cases = cases(i=width(1, 8), heads=st.builds(lambda names, outs: dict(zip(names, outs)), _head_names,
                                                  st.lists(width(1, 6), min_size=3, max_size=3)),
                    pick=st.integers(0, 2), batch=batch())


def _tower(c: dict[str, Any]) -> Spec:
    return ex.Tower(list(c["widths"]))


def _tower_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], c["widths"][0])]


def _tower_relu_after_last(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for layer in m.layers:
        X = F.relu(layer(X))
    return X


def _tower_no_relu(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for layer in m.layers:
        X = layer(X)
    return X


def _multihead(c: dict[str, Any]) -> Spec:
    return ex.MultiHead(c["i"], dict(c["heads"]))


def _head_choice(c: dict[str, Any]) -> str:
    names = list(c["heads"])
    return names[c["pick"] % len(names)]


EXERCISE = Exercise("model_construction/containers", "Tower and MultiHead: ModuleList and ModuleDict", (
    Names(id="tower_names", title="Tower: parameter names and shapes (layers.<i>.weight)", points=1,
          build=_tower, cases=_tower_cases),
    Forward(id="tower_forward", title="Tower: forward matches the reference", points=2, build=_tower,
            inputs=_tower_input, cases=_tower_cases, mistakes=(
                Mistake("Your output has a ReLU after the last layer: put ReLU only between layers.",
                        _tower_relu_after_last),
                Mistake("Your output has no ReLU at all: put one between consecutive layers.", _tower_no_relu),
            )),
    Names(id="multihead_names", title="MultiHead: parameter names and shapes (heads.<name>.weight)", points=1,
          build=_multihead, cases=_head_cases),
    Forward(id="multihead_forward", title="MultiHead: forward(X, head) uses the named head", points=2,
            build=_multihead, inputs=lambda c, g: [randn(g, c["batch"], c["i"]), _head_choice(c)],
            cases=_head_cases, arg_names=("X", "head"),
            defaults=({"i": 4, "heads": {"cls": 3, "reg": 2, "box": 4}, "pick": 1, "batch": 2},
                      {"i": 4, "heads": {"cls": 3, "reg": 2, "box": 4}, "pick": 2, "batch": 2})),
))


# -- hidden checks (instructors' grading only) ----------------------------------------------------

def _unknown_head(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _multihead(case)
    pair = build_pair(ctx, spec, seed=seed, align=False)
    X = randn(torch.Generator().manual_seed(seed), case["batch"], case["i"])
    bad = "no_such_head"
    shown = f"net = {spec}\nnet(X, {bad!r})"
    raise_hint = "Raise `KeyError(head)` or a message that contains the head's name."
    try:
        out = ctx.student.request("forward", handle=pair.student, args=[X, bad])["output"]
    except StudentError as err:
        where = last_student_frame(err.frames)
        if err.type != "KeyError":
            raise Failure(f"An unknown head raised {err.type}: {err.message}; expected a KeyError.",
                          hints=(raise_hint,), location=where, case=shown) from None
        if bad not in err.message:
            raise Failure(f"The KeyError for an unknown head does not name it: {err.message!r}.",
                          hints=(raise_hint,), location=where, case=shown) from None
        return
    where = forward_location(ctx, pair.student, doing=f"`{spec}`")
    what = "None" if out is None else "a value"
    raise Failure(f"net(X, {bad!r}) returned {what}; an unknown head must raise KeyError naming it.",
                  hints=(raise_hint,), location=where, case=shown)


HIDDEN = (
    Custom(id="unknown_head", title="MultiHead: an unknown head raises KeyError naming it", points=1,
           examine=_unknown_head, cases=_head_cases, max_examples=3),
)


# -- known-bad submissions ------------------------------------------------------------------------

_TOWER_INIT = """        self.layers = nn.ModuleList(
            nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)
        )"""
_TOWER_LOOP = """        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < last:
                X = F.relu(X)
        return X"""
_HEADS_INIT = """        self.heads = nn.ModuleDict(
            {name: nn.Linear(in_features, out) for name, out in heads.items()}
        )"""
_HEAD_CHECK = """        if head not in self.heads:
            raise KeyError(f"unknown head {head!r} (known heads: {list(self.heads)})")
        return self.heads[head](X)"""
_RAISE = 'raise KeyError(f"unknown head {head!r} (known heads: {list(self.heads)})")'
_TOWER_CHECKS = ("tower_names", "tower_forward")
_HEAD_CHECKS = ("multihead_names", "multihead_forward", "unknown_head")
_SUPER_HINT = "super().__init__()"
_KEYERROR_HINT = "Raise `KeyError(head)`"

MUTANTS = (
    Mutant("tower_relu_after_last_layer", "`Tower` puts a ReLU after its last layer too.",
           edits=[(_TOWER_LOOP, """        for layer in self.layers:
            X = F.relu(layer(X))
        return X""")],
           fails={"tower_forward": ["ReLU after the last layer", "net = Tower([1, 1])"]},
           passes=("tower_names",) + _HEAD_CHECKS),
    Mutant("tower_no_relu", "`Tower` has no ReLU between its layers.",
           edits=[(_TOWER_LOOP, """        for layer in self.layers:
            X = layer(X)
        return X""")],
           fails={"tower_forward": ["no ReLU at all", "net = Tower([1, 1, 1])"]},
           passes=("tower_names",) + _HEAD_CHECKS),
    Mutant("tower_plain_list", "`Tower` keeps its layers in a plain Python list.",
           edits=[(_TOWER_INIT, """        self.layers = [
            nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)
        ]""")],
           fails={"tower_names": ["Missing keys: layers.0.weight", "`self.layers` is a plain Python list",
                                  "nn.ModuleList"]},
           passes=("tower_forward",) + _HEAD_CHECKS),
    Mutant("tower_no_super_init", "`Tower` assigns its layers before calling `super().__init__()`.",
           edits=[("        super().__init__()\n" + _TOWER_INIT, _TOWER_INIT + "\n        super().__init__()")],
           fails={c: ["cannot assign module before Module.__init__() call", _SUPER_HINT] for c in _TOWER_CHECKS},
           passes=_HEAD_CHECKS),
    Mutant("multihead_plain_dict", "`MultiHead` keeps its heads in a plain Python dict.",
           edits=[(_HEADS_INIT, "        self.heads = {name: nn.Linear(in_features, out) for name, out in heads.items()}"),
                  (_HEAD_CHECK, "        return self.heads[head](X)")],
           fails={"multihead_names": ["Missing keys: heads.cls.weight", "`self.heads` is a plain Python dict",
                                      "nn.ModuleDict"]},
           passes=_TOWER_CHECKS + ("multihead_forward", "unknown_head")),  # dict[head] raises KeyError(head)
    Mutant("unknown_head_value_error", "An unknown head raises `ValueError`, not `KeyError`.",
           edits=[(_RAISE, 'raise ValueError(f"unknown head {head}")')],
           fails={"unknown_head": ["raised ValueError", "expected a KeyError", "net(X, 'no_such_head')",
                                   _KEYERROR_HINT]},
           passes=_TOWER_CHECKS + ("multihead_names", "multihead_forward"),
           line_of={"unknown_head": "raise ValueError"}),
    Mutant("unknown_head_returns_none", "An unknown head returns None instead of raising.",
           edits=[(_HEAD_CHECK, """        if head in self.heads:
            return self.heads[head](X)""")],
           fails={"unknown_head": ["returned None", "must raise KeyError naming it"]},
           passes=_TOWER_CHECKS + ("multihead_names", "multihead_forward")),
    Mutant("unknown_head_keyerror_without_name", "The KeyError for an unknown head does not name the head.",
           edits=[(_RAISE, 'raise KeyError("unknown head")')],
           fails={"unknown_head": ["does not name it", _KEYERROR_HINT]},
           passes=_TOWER_CHECKS + ("multihead_names", "multihead_forward")),
    Mutant("multihead_ignores_head", "`MultiHead.forward` ignores `head` and always uses the first one.",
           edits=[(_HEAD_CHECK, """        for layer in self.heads.values():
            return layer(X)""")],
           fails={"multihead_forward": ["head = 'reg'", "Tensors are not close!"],
                  "unknown_head": ["returned a value"]},
           passes=_TOWER_CHECKS + ("multihead_names",)),
    Mutant("head_as_attribute", "`MultiHead.forward` uses `getattr(self, head)`: a ModuleDict's entries are not "
                                "attributes.",
           edits=[("return self.heads[head](X)", "return getattr(self, head)(X)")],
           fails={"multihead_forward": ["raised AttributeError: 'MultiHead' object has no attribute"]},
           line_of={"multihead_forward": "return getattr(self, head)(X)"},
           passes=_TOWER_CHECKS + ("multihead_names", "unknown_head")),
)
