"""model_construction/stack: n independent blocks in sequence.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('model_construction/stack', ['calls', 'independent_blocks', 'names', 'forward'])
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Names, student_call
from grader.tracks.pytorch.checks.draw import batch, cases, matrix_input, width
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, factory, nn

_stack_cases = cases(w=width(1, 6), n=st.integers(1, 4), batch=batch())
_REUSED_HINT = ("Call `make_block()` once per block: `[make_block()] * n` or building one block before the loop "
                "puts the same instance (and the same parameters) in the Sequential n times.")


def _block(c: dict[str, Any]) -> Spec:
    return factory(nn.Sequential(nn.Linear(c["w"], c["w"]), nn.ReLU()), counter="make_block")


def _stack(c: dict[str, Any]) -> Spec:
    return ex.stack(_block(c), c["n"])


def _stack_calls(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _stack(case)
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"{spec}", spec=spec.node, seed=seed)
    calls = ctx.student.request("counters")["counters"].get("make_block", 0)
    n = case["n"]
    # counters accumulate over the session: compare the increase
    before = getattr(ctx, "_stack_calls", 0)
    object.__setattr__(ctx, "_stack_calls", calls)
    made = calls - before
    if built["type"] != "Sequential":
        raise Failure(f"stack returned a {built['type']}, expected an nn.Sequential.", case=f"{spec}")
    if made != n:
        raise Failure(f"stack(make_block, {n}) called make_block {made} time(s), expected exactly {n}.",
                      hints=(_REUSED_HINT,) if made < n else (), case=f"{spec}")
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=built["handle"])
    if len(desc["children"]) != n:
        raise Failure(f"stack(make_block, {n}) holds {len(desc['children'])} blocks, expected {n}.", case=f"{spec}")


def _stack_independent(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _stack(case)
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"{spec}", spec=spec.node, seed=seed)
    if not built["is_module"]:
        raise Failure(f"stack returned a {built['type']}, expected an nn.Sequential.", case=f"{spec}")
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=built["handle"])
    owner: dict[int, str] = {}
    for p in desc["parameters"]:
        block = p["name"].split(".")[0]
        for key in ("object", "storage"):
            ident = (key, p[key])
            if p[key] == -1:
                continue
            first = owner.setdefault(hash(ident), block)
            if first != block:
                raise Failure(f"Blocks {first} and {block} share a parameter ({p['name']} is the same "
                              f"{'tensor' if key == 'object' else 'storage'} as one in block {first}): "
                              f"the n blocks must be independent.", hints=(_REUSED_HINT,), case=f"{spec}")


EXERCISE = Exercise("model_construction/stack", "stack: n independent blocks in sequence", (
    Custom(id="calls", title="returns an nn.Sequential of n blocks, calling make_block exactly n times",
           points=1, examine=_stack_calls, cases=_stack_cases),
    Custom(id="independent_blocks", title="no parameter or storage is shared between blocks",
           points=2, examine=_stack_independent, cases=cases(w=width(1, 6), n=st.integers(2, 4))),
    Names(points=1, build=_stack, cases=_stack_cases),
    Forward(points=1, build=_stack, inputs=matrix_input("w"), cases=_stack_cases),
))


# -- known-bad submissions ------------------------------------------------------------------------

_RETURN = "    return nn.Sequential(*[make_block() for _ in range(n)])"
_REUSE_HINT = "`[make_block()] * n`"

MUTANTS = (
    Mutant("one_instance_repeated", "`[make_block()] * n`: one block repeated n times.",
           edits=[(_RETURN, "    return nn.Sequential(*[make_block()] * n)")],
           fails={"calls": ["called make_block 1 time(s), expected exactly 2", _REUSE_HINT],
                  "independent_blocks": ["Blocks 0 and 1 share a parameter", "the same tensor", _REUSE_HINT]},
           passes=["names"]),
    Mutant("block_built_before_loop", "One block built before the loop and appended n times.",
           edits=[(_RETURN, """    block = make_block()
    layers = []
    for _ in range(n):
        layers.append(block)
    return nn.Sequential(*layers)""")],
           fails={"calls": ["expected exactly 2", _REUSE_HINT], "independent_blocks": ["share a parameter", _REUSE_HINT]},
           passes=["names"]),
    Mutant("n_plus_one_blocks", "`range(n + 1)`: one block too many.",
           edits=[(_RETURN, """    net = nn.Sequential()
    for i in range(n + 1):
        net.add_module(str(i), make_block())
    return net""")],
           fails={"calls": ["stack(make_block, 1) called make_block 2 time(s), expected exactly 1"],
                  "names": ["Unexpected keys: 1.0.weight"]},
           passes=["independent_blocks"], absent={"calls": [_REUSE_HINT]}),
    Mutant("extra_call_to_inspect_block", "Calls `make_block()` once more than needed.",
           edits=[(_RETURN, "    first = make_block()  # to look at the block\n" + _RETURN)],
           fails={"calls": ["called make_block 2 time(s), expected exactly 1"]},
           passes=["independent_blocks", "names", "forward"]),
    Mutant("returns_list", "Returns a plain list of blocks, not an nn.Sequential.",
           edits=[(_RETURN, "    return [make_block() for _ in range(n)]")],
           fails={"calls": ["stack returned a list, expected an nn.Sequential"],
                  "independent_blocks": ["stack returned a list, expected an nn.Sequential"],
                  "names": ["returned a list, expected an nn.Module"]}),
    Mutant("range_from_one", "`range(1, n)`: one block too few.",
           edits=[(_RETURN, "    return nn.Sequential(*[make_block() for _ in range(1, n)])")],
           fails={"calls": ["called make_block 0 time(s), expected exactly 1"],
                  "names": ["Missing keys: 0.0.weight, 0.0.bias"]},
           passes=["independent_blocks"]),
    Mutant("returns_module_list", "Returns an `nn.ModuleList`, which cannot be called.",
           edits=[(_RETURN, "    return nn.ModuleList([make_block() for _ in range(n)])")],
           fails={"calls": ["stack returned a ModuleList, expected an nn.Sequential"],
                  "forward": ['missing the required "forward" function', "ModuleList"]},
           passes=["independent_blocks", "names"],
           absent={"forward": ["still the stub"]}),  # PyTorch's NotImplementedError, not a stub's
    Mutant("blocks_share_storage_through_data",
           "Independent instances whose tensors share one storage (`p.data = q.data`) are not independent.",
           edits=[(_RETURN, """    blocks = [make_block() for _ in range(n)]
    for block in blocks[1:]:  # "start every block from the same weights"
        for p, q in zip(block.parameters(), blocks[0].parameters()):
            p.data = q.data
    return nn.Sequential(*blocks)""")],
           fails={"independent_blocks": ["share a parameter", "same storage"]}, passes=["calls"]),
)
