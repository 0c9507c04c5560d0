"""parameters/nested: parameters of nested blocks (``block1``, ``block2`` and ``rgnet``).

``block1`` is checked for its layers and shapes; ``rgnet(n)``'s keys (blocks
registered with ``add_module`` as ``'block 0'``, ``'block 1'``, ...), its output and
the independence of ``block2(n)``'s blocks are checked on drawn ``n``.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('parameters/nested', ['block1', 'rgnet_names', 'forward', 'independent_blocks'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, Names, student_call
from grader.checks.annotate import WithHints
from grader.tracks.pytorch.checks.draw import batch, cases
from grader.tracks.pytorch.checks.init import where_defined
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import ex

_n_cases = cases(n=st.integers(1, 5), batch=batch())
_N_DEFAULTS = ({"n": 4, "batch": 2},)
_BLOCK_NAME_HINT = ("Register each block under its own name with `net.add_module(f'block {i}', block1())` "
                    "(with a space: 'block 0', 'block 1', …): `nn.Sequential(*blocks)` numbers them 0, 1, … "
                    "instead.")


def _block_names_diagnosis(ctx: CheckContext) -> list[str]:
    """The block-naming hint, when the student's rgnet(2) has no key with 'block ' in it."""
    built = student_call(ctx, "build", doing="`rgnet(2)`", spec=ex.rgnet(2).node, seed=0)
    if not built["is_module"]:
        return []
    keys = student_call(ctx, "describe", doing="`rgnet(2)`", handle=built["handle"])["state_keys"]
    return [_BLOCK_NAME_HINT] if keys and not any(".block " in k for k in keys) else []


def _blocks_independent(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    n = case["n"]
    spec = ex.block2(n)
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"net = {spec}", spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Sequential.", case=f"net = {spec}")
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=built["handle"])
    children = [m["name"] for m in desc["modules"] if m["name"] and "." not in m["name"]]
    if len(children) != n:
        raise Failure(f"`{spec}` holds {len(children)} blocks ({children}); expected {n}.",
                      location=where_defined(ctx, ex.block2), case=f"net = {spec}")
    owner: dict[int, str] = {}
    for p in desc["parameters"]:
        block = p["name"].split(".")[0]
        first = owner.setdefault(p["object"], block)
        if first != block:
            raise Failure(f"Blocks `{first}` and `{block}` share the parameter `{p['name']}`: the {n} blocks of "
                          f"block2({n}) must be independent.",
                          hints=("Call `block1()` once per block, inside the loop, and let `block1()` build a "
                                 "new Sequential on every call.",),
                          location=where_defined(ctx, ex.block2), case=f"net = {spec}")


_BLOCK1_KINDS = ["Linear", "ReLU", "Linear", "ReLU"]
_BLOCK1_SHAPES = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (4, 8), "2.bias": (4,)}


def _block1_structure(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    shown = "net = block1()"
    where = where_defined(ctx, ex.block1)
    built = student_call(ctx, "build", doing="`block1()`", case=shown, spec=ex.block1().node, seed=seed)
    if built["type"] != "Sequential":
        raise Failure(f"block1() returned a {built['type']}, expected an nn.Sequential.", location=where, case=shown)
    desc = student_call(ctx, "describe", doing="`block1()`", handle=built["handle"])
    kinds = [m["type"] for m in desc["modules"] if m["name"] and "." not in m["name"]]
    if kinds != _BLOCK1_KINDS:
        raise Failure(f"block1() holds {kinds}; expected {_BLOCK1_KINDS}.", location=where, case=shown)
    shapes = {p["name"]: tuple(p["shape"]) for p in desc["parameters"]}
    if shapes != _BLOCK1_SHAPES:
        raise Failure(f"block1()'s parameters are {shapes}; expected {_BLOCK1_SHAPES} (Linear(4, 8) then "
                      "Linear(8, 4); nn.Linear's weight is (out_features, in_features)).", location=where, case=shown)


def _rgnet_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], 4)]


def _blocks_without_last_relu(blocks: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    for block in blocks.children():
        X = block[2](block[1](block[0](X)))
    return X


EXERCISE = Exercise("parameters/nested", "Nested blocks: block1, block2 and rgnet", (
    Custom(id="block1", title="block1() is Sequential(Linear(4, 8), ReLU(), Linear(8, 4), ReLU())", points=1,
           examine=_block1_structure, max_examples=1),
    WithHints(Names(id="rgnet_names", title="rgnet(n): keys like '0.block 0.0.weight' and shapes", points=2,
                    build=lambda c: ex.rgnet(c["n"]), cases=cases(n=st.integers(1, 5)), defaults=({"n": 4},),
                    max_examples=5),
              diagnose=_block_names_diagnosis, override=True),
    Forward(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=_rgnet_input, cases=_n_cases, defaults=_N_DEFAULTS,
            max_examples=8, mistakes=(
                Mistake("Your output equals the network without the last ReLU of each block1: "
                        "block1 is Linear(4, 8), ReLU, Linear(8, 4), ReLU.",
                        lambda m, X: m[1](_blocks_without_last_relu(m[0], X))),
            )),
    Custom(id="independent_blocks", title="block2(n) holds n independent block1() blocks", points=1,
           examine=_blocks_independent, cases=cases(n=st.integers(2, 5)), max_examples=3),
))



# -- known-bad submissions ------------------------------------------------------------------------

_ADD_BLOCKS = """    for i in range(n):
        net.add_module(f"block {i}", block1())"""
_BLOCK1 = "return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())"

MUTANTS = (
    Mutant("blocks_numbered", "`block2` numbers its blocks `0`, `1`, ... instead of `block 0`, ...",
           edits=[("""    net = nn.Sequential()
""" + _ADD_BLOCKS + """
    return net""", "    return nn.Sequential(*[block1() for _ in range(n)])")],
           fails={"rgnet_names": ["Missing keys: 0.block 0.0.weight", "Unexpected keys: 0.0.0.weight",
                                  "add_module(f'block {i}'"]},
           passes=["block1", "independent_blocks"]),
    Mutant("blocks_without_space", "`block2` names its blocks `block0`, `block1`, ... (no space).",
           edits=[('f"block {i}"', 'f"block{i}"')],
           fails={"rgnet_names": ["0.block0.0.weight", "with a space"]},
           passes=["block1", "forward", "independent_blocks"]),
    Mutant("one_block_reused", "`block2` adds one `block1()` n times.",
           edits=[(_ADD_BLOCKS, """    block = block1()
    for i in range(n):
        net.add_module(f"block {i}", block)""")],
           fails={"independent_blocks": ["share the parameter", "must be independent", "once per block"]},
           passes=["block1", "rgnet_names"], line_of={"independent_blocks": "def block2"}),
    Mutant("block1_without_last_relu", "`block1` lacks its last ReLU.",
           edits=[(_BLOCK1, "return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4))")],
           fails={"block1": ["holds ['Linear', 'ReLU', 'Linear']"],
                  "forward": ["without the last ReLU of each block1"]},
           passes=["rgnet_names", "independent_blocks"], line_of={"block1": "def block1"}),
    Mutant("block1_transposed", "`block1`'s second layer is `Linear(4, 8)`, not `Linear(8, 4)`.",
           edits=[("nn.Linear(8, 4), nn.ReLU())", "nn.Linear(4, 8), nn.ReLU())")],
           fails={"block1": ["(out_features, in_features)"]}),
)
