"""Model construction: nn.Module subclasses, Sequential, custom forward, nesting, containers."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks import CheckContext, Custom, Failure, Forward, Gradients, Mistake, Names, build_pair, student_call
from grader.checks.base import last_student_frame
from grader.checks.draw import batch, cases, matrix_input, width
from grader.checks.pair import randn
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec, ex, factory, nn, shared

# -- my_sequential --------------------------------------------------------------


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


MY_SEQUENTIAL = Exercise("model_construction/my_sequential", "MySequential: your own Sequential container", (
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

# -- fixed_hidden_mlp ------------------------------------------------------------

_fixed_sizes = cases(f=width(1, 12), batch=batch())
_FIXED_DEFAULTS = ({"f": 20, "batch": 2},)


def _fixed(c: dict[str, Any]) -> Spec:
    return ex.FixedHiddenMLP(c["f"])


def _fixed_forward_without_plus_one(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    X = m.linear(X)
    X = F.relu(X @ m.rand_weight)
    X = m.linear(X)
    while X.abs().sum() > 1:
        X = X / 2
    return X.sum()


def _fixed_forward_no_loop(m: torch.nn.Module, X: torch.Tensor) -> torch.Tensor:
    X = m.linear(F.relu(m.linear(X) @ m.rand_weight + 1))
    return X.sum()


def _two_linears(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    linears = [m for m in mine["modules"] if m["type"] == "Linear"]
    if len({m["object"] for m in linears}) > 1:
        return ["FixedHiddenMLP uses ONE layer `linear` twice in forward (the same parameters both times): "
                "do not create a second Linear layer."]
    return []


def _rand_weight_is_buffer(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _fixed(case)
    pair = build_pair(ctx, spec, seed=seed, align=False)
    desc = student_call(ctx, "describe", doing=f"`{spec}`", handle=pair.student)
    loc = desc.get("locations", {})
    where = {"file": loc["file"], "line": loc.get("__init__", 0)} if "file" in loc else None
    params = {p["name"] for p in desc["parameters"]}
    buffers = {b["name"]: b for b in desc["buffers"]}
    hint = ("Create it with `self.register_buffer('rand_weight', torch.rand(features, features))`: a buffer is "
            "saved in state_dict and follows `.to()`, but is not a trainable parameter.")
    if "rand_weight" in params:
        raise Failure("`rand_weight` is an nn.Parameter: the optimizer would train it, but it must stay constant.",
                      hints=(hint,), location=where, case=f"net = {spec}")
    if "rand_weight" not in buffers:
        attrs = [a["name"] for a in desc["attributes"]]
        what = ("a plain tensor attribute, so it is not in state_dict and does not follow .to(device)"
                if "rand_weight" in attrs else "not found among the module's buffers")
        raise Failure(f"`rand_weight` is {what}.", hints=(hint,), location=where, case=f"net = {spec}")
    info = buffers["rand_weight"]
    f = case["f"]
    if info["shape"] != [f, f]:
        raise Failure(f"`rand_weight` has shape {tuple(info['shape'])}, expected ({f}, {f}).", location=where,
                      case=f"net = {spec}")
    if info["requires_grad"]:
        raise Failure("`rand_weight` requires grad: it must be a constant.", hints=(hint,), location=where,
                      case=f"net = {spec}")
    if "rand_weight" not in desc["state_keys"]:
        raise Failure("`rand_weight` is not saved in state_dict (registered with persistent=False?).",
                      hints=(hint,), location=where, case=f"net = {spec}")
    student_call(ctx, "to", doing=f"`{spec}.to(torch.float64)`", handle=pair.student, dtype="float64")
    moved = student_call(ctx, "describe", doing=f"`{spec}`", handle=pair.student)
    dtypes = {b["name"]: b["dtype"] for b in moved["buffers"]}
    if dtypes.get("rand_weight") != "float64":
        raise Failure("After `net.to(torch.float64)`, `rand_weight` is still "
                      f"{dtypes.get('rand_weight')}: it does not follow the module.", hints=(hint,),
                      location=where, case=f"net = {spec}\nnet.to(torch.float64)")
    state = student_call(ctx, "state", doing=f"`{spec}`", handle=pair.student)["tensors"]
    values = state.get("rand_weight")
    if values is not None and values.numel() and (float(values.min()) < 0 or float(values.max()) >= 1):
        raise Failure(f"`rand_weight` has values in [{float(values.min()):.3g}, {float(values.max()):.3g}], "
                      "outside [0, 1): it must be drawn with torch.rand (uniform), not torch.randn.",
                      location=where, case=f"net = {spec}")


FIXED_HIDDEN_MLP = Exercise("model_construction/fixed_hidden_mlp",
                            "FixedHiddenMLP: constant weights, a reused layer and control flow", (
    Names(points=1, build=_fixed, cases=_fixed_sizes, defaults=_FIXED_DEFAULTS, diagnose=_two_linears),
    Custom(id="rand_weight_buffer", title="rand_weight is a constant uniform buffer: saved, follows .to(), not trained",
           points=2, examine=_rand_weight_is_buffer, cases=cases(f=width(2, 12))),
    Forward(points=3, build=_fixed, inputs=matrix_input("f"), cases=_fixed_sizes, defaults=_FIXED_DEFAULTS, mistakes=(
        Mistake("Your output equals the computation without `+ 1` after `X @ rand_weight`.",
                _fixed_forward_without_plus_one),
        Mistake("Your output equals the computation without the `while X.abs().sum() > 1: X /= 2` loop.",
                _fixed_forward_no_loop),
    )),
    Gradients(points=1, build=_fixed, inputs=matrix_input("f"), cases=_fixed_sizes, defaults=_FIXED_DEFAULTS,
              title="gradients reach `linear`, summed over its two uses"),
))

# -- nest_mlp ------------------------------------------------------------------------

_batches = cases(batch=batch())


def _chimera_structure(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = ex.chimera()
    built = student_call(ctx, "build", doing="`chimera()`", case="chimera()", spec=spec.node, seed=seed)
    if built["type"] != "Sequential":
        raise Failure(f"chimera() returned a {built['type']}, expected an nn.Sequential.", case="chimera()")
    desc = student_call(ctx, "describe", doing="`chimera()`", handle=built["handle"])
    kinds = [c["type"] for c in desc["children"]]
    want = ["NestMLP", "Linear", "FixedHiddenMLP"]
    if kinds != want:
        raise Failure(f"chimera() holds {kinds}, expected {want} in that order.", case="chimera()")
    linear = {p["name"]: tuple(p["shape"]) for p in desc["parameters"] if p["name"].startswith("1.")}
    if linear.get("1.weight") != (20, 16):
        raise Failure(f"chimera()[1] has weight shape {linear.get('1.weight')}, expected Linear(16, 20), "
                      "i.e. (20, 16).", case="chimera()")


NEST_MLP = Exercise("model_construction/nest_mlp", "NestMLP and chimera: blocks inside blocks", (
    Names(points=1, build=lambda c: ex.NestMLP(), cases=st.just({}), max_examples=1),
    Forward(points=2, build=lambda c: ex.NestMLP(), inputs=lambda c, g: [randn(g, c["batch"], 20)], cases=_batches,
            mistakes=(Mistake("Your output equals `linear(net(X))` without the last ReLU inside `net`.",
                              lambda m, X: m.linear(m.net[2](m.net[1](m.net[0](X))))),)),
    Custom(id="chimera_structure", title="chimera() is Sequential(NestMLP(), Linear(16, 20), FixedHiddenMLP())",
           points=2, examine=_chimera_structure, max_examples=1),
))

# -- parallel ----------------------------------------------------------------------------

_par_cases = cases(i=width(1, 8), a=width(1, 8), b=width(1, 8), dim=st.sampled_from([1, 0]), batch=batch())


def _parallel(c: dict[str, Any]) -> Spec:
    b = c["a"] if c["dim"] == 0 else c["b"]
    if c["dim"] == 1:
        return ex.Parallel(nn.Linear(c["i"], c["a"]), nn.Linear(c["i"], b))
    return ex.Parallel(nn.Linear(c["i"], c["a"]), nn.Linear(c["i"], b), dim=0)


PARALLEL = Exercise("model_construction/parallel", "Parallel: two networks side by side", (
    Names(points=1, build=_parallel, cases=_par_cases),
    Forward(points=3, build=_parallel, inputs=matrix_input("i"), cases=_par_cases, mistakes=(
        Mistake("Your output is concatenated along dimension 0 (the batch): concatenate along `dim`.",
                lambda m, X: torch.cat([m.net1(X), m.net2(X)], dim=0)),
        Mistake("Your output is concatenated along dimension 1 whatever `dim` says: use the `dim` argument.",
                lambda m, X: torch.cat([m.net1(X), m.net2(X)], dim=1)),
        Mistake("Your output has `net2`'s part first: the order is `cat([net1(X), net2(X)], dim)`.",
                lambda m, X: torch.cat([m.net2(X), m.net1(X)], dim=m.dim if hasattr(m, "dim") else 1)),
    )),
    Gradients(points=1, build=_parallel, inputs=matrix_input("i"), cases=_par_cases),
))

# -- stack -------------------------------------------------------------------------------

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


STACK = Exercise("model_construction/stack", "stack: n independent blocks in sequence", (
    Custom(id="calls", title="returns an nn.Sequential of n blocks, calling make_block exactly n times",
           points=1, examine=_stack_calls, cases=_stack_cases),
    Custom(id="independent_blocks", title="no parameter or storage is shared between blocks",
           points=2, examine=_stack_independent, cases=cases(w=width(1, 6), n=st.integers(2, 4))),
    Names(points=1, build=_stack, cases=_stack_cases),
    Forward(points=1, build=_stack, inputs=matrix_input("w"), cases=_stack_cases),
))

# -- containers -----------------------------------------------------------------------------

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


CONTAINERS = Exercise("model_construction/containers", "Tower and MultiHead: ModuleList and ModuleDict", (
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

EXERCISES = [MY_SEQUENTIAL, FIXED_HIDDEN_MLP, NEST_MLP, PARALLEL, STACK, CONTAINERS]
