"""parameters/access: reading a network's parameters (``param_shapes`` and ``count_params``).

``param_shapes`` and ``count_params`` are called in the worker and in the judge
on the same networks, drawn by hypothesis (nested Sequentials, frozen and
bias-free layers, BatchNorm buffers, a Linear tied into two places), and their
answers compared; known wrong answers are recognized from the reference network.

Shapes: the catalog asks for ``dict[str, tuple[int, ...]]``. A ``torch.Size`` is a
tuple subclass and crosses the boundary as a tuple, so ``p.shape`` is accepted as
well as ``tuple(p.shape)``; a list is not (it is not a tuple, and does not compare
equal to one). An ``OrderedDict`` is a dict and is accepted. The order of the names
is checked too: the catalog says "as ``named_parameters()`` reports them".

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('parameters/access', ['param_shapes', 'count_params', 'count_all'])
"""
from __future__ import annotations

from typing import Any

import torch

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.checks.base import GraderFault
from grader.tracks.pytorch.checks.draw import cases
from grader.tracks.pytorch.checks.init import where_defined
from grader.tracks.pytorch.checks.networks import frozen, networks, show
from grader.tracks.pytorch.compare import describe_value
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, nn, shared

_tied8 = shared("tied", nn.Linear(8, 8))
#: Tried after the drawn networks: every trap at once (nesting, a tied layer used twice, a frozen
#: layer, a layer without bias, BatchNorm buffers).
_ACCESS_DEFAULTS = ({"net": nn.Sequential(nn.Linear(4, 8), nn.ReLU(), _tied8, nn.ReLU(),
                                          nn.Sequential(_tied8, nn.BatchNorm1d(8)),
                                          frozen(nn.Linear(8, 3)), nn.Linear(3, 1, bias=False))},)
_access_cases = cases(net=networks())

_TUPLE_HINT = "Give each shape as a tuple of ints: `tuple(p.shape)`."
_BUFFER_HINT = ("Buffers (BatchNorm's `running_mean`, `running_var`, `num_batches_tracked`) are not parameters: "
                "use `net.named_parameters()`, not `state_dict()` or `named_buffers()`.")
_TIED_SHAPES_HINT = ("A tied parameter appears once, under the first name `named_parameters()` gives it: "
                     "plain `net.named_parameters()` already skips the repeats (do not pass "
                     "`remove_duplicate=False`, and do not walk `state_dict()` or the modules yourself).")
_FROZEN_SHAPES_HINT = ("`param_shapes` lists every parameter, trainable or not: do not skip parameters with "
                       "`requires_grad=False`.")
_ORDER_HINT = "Keep the order of `net.named_parameters()` (a dict keeps insertion order: do not sort the names)."


def _param_kinds(net: torch.nn.Module) -> dict[str, set[str]]:
    """Names of the reference network's buffers, repeated (tied) parameters and frozen parameters."""
    unique = dict(net.named_parameters())
    every = [n for n, _ in net.named_parameters(remove_duplicate=False)]
    return {"buffers": {n for n, _ in net.named_buffers(remove_duplicate=False)},
            "repeats": {n for n in every if n not in unique},
            "frozen": {n for n, p in unique.items() if not p.requires_grad}}


def _shapes_problems(got: Any, want: dict[str, tuple[int, ...]], net: Spec,
                     kinds: dict[str, set[str]]) -> tuple[str, list[str]]:
    """How ``param_shapes``' answer differs from the reference's, and hints (empty text: same);
    ``kinds`` is :func:`_param_kinds` of the reference network built from ``net``."""
    if not isinstance(got, dict):
        hint = "Return a dict: `{name: tuple(p.shape) for name, p in net.named_parameters()}`."
        return f"Expected a dict mapping each parameter name to its shape, got {describe_value(got)}.", [hint]
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    if missing or extra:
        hints = []
        if set(extra) & kinds["buffers"]:
            hints.append(_BUFFER_HINT)
        if set(extra) & kinds["repeats"]:
            hints.append(_TIED_SHAPES_HINT)
        if set(missing) & kinds["frozen"]:
            hints.append(_FROZEN_SHAPES_HINT)
        text = (f"Expected names: {list(want)}\nYour names:     {list(got)}\n"
                f"Missing: {missing or 'none'}; unexpected: {extra or 'none'}.")
        return text, hints
    for name, shape in want.items():
        value = got[name]
        if not isinstance(value, tuple):
            return f"`{name}`: expected the tuple {shape}, got {describe_value(value)}.", [_TUPLE_HINT]
        if not all(type(v) is int for v in value):
            return f"`{name}`: expected the tuple of ints {shape}, got {value!r}.", [_TUPLE_HINT]
        if value != shape:
            return f"`{name}`: expected the shape {shape}, got {value}.", []
    if list(got) != list(want):
        return (f"Same names and shapes, but in another order.\nExpected order: {list(want)}\n"
                f"Your order:     {list(got)}",
                [_ORDER_HINT])
    return "", []


def _param_shapes(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    net: Spec = case["net"]
    shown = f"{show(net)}\nparam_shapes(net)"
    mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
    ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
    got = student_call(ctx, "value", doing="`param_shapes(net)`", case=shown,
                       spec=ex.param_shapes(handle(mine)).node, seed=seed)["value"]
    want = ctx.reference.request("value", spec=ex.param_shapes(handle(ref)).node, seed=seed)["value"]
    kinds = ctx.reference.derive(ref, "param_shapes: kinds of names",
                                 lambda m: {k: sorted(v) for k, v in _param_kinds(m).items()})
    problem, hints = _shapes_problems(got, dict(want), net, {k: set(v) for k, v in kinds.items()})
    if problem:
        raise Failure(f"Compared `param_shapes(net)` with the reference's answer.\n{problem}", hints=hints,
                      location=where_defined(ctx, ex.param_shapes), case=shown)


_COUNT_TIED = ("A tied parameter was counted once per place it appears: count each Parameter object once "
               "(`net.parameters()` yields each one once; `named_parameters(remove_duplicate=False)` and "
               "`state_dict()` repeat it).")
_COUNT_BUFFERS = ("Buffers were counted (BatchNorm's running statistics, as in `state_dict()`): they are not "
                  "parameters; iterate over `net.parameters()`.")
_COUNT_FILTER = {
    (True, "all"): "`trainable_only=True` (the default) must skip parameters with `requires_grad=False`.",
    (True, "frozen"): "The condition is inverted: with `trainable_only=True` keep the parameters whose "
                      "`requires_grad` is True.",
    (False, "trainable"): "`trainable_only=False` counts every parameter, frozen ones too: is the argument ignored?",
    (False, "frozen"): "`trainable_only=False` counts every parameter, not only the frozen ones.",
}


def _count_table(net: torch.nn.Module) -> list[list[Any]]:
    """What each known way of counting gives on ``net``: [counts tied twice, counts buffers, filter, total]."""
    keeps = {"all": lambda p: True, "trainable": lambda p: p.requires_grad, "frozen": lambda p: not p.requires_grad}
    table = []
    for repeat in (False, True):
        params = [p for _, p in net.named_parameters(remove_duplicate=False)] if repeat else list(net.parameters())
        for buffers in (False, True):
            for name, keep in keeps.items():
                total = sum(p.numel() for p in params if keep(p))
                total += sum(b.numel() for b in net.buffers()) if buffers else 0
                table.append([repeat, buffers, name, total])
    return table


def _count_hints(table: list[list[Any]], trainable_only: bool, got: int) -> list[str]:
    """Hints for the known mistakes (and their combinations) that give ``got`` on the reference
    network whose :func:`_count_table` is ``table``: counting tied parameters twice, counting buffers,
    a wrong ``requires_grad`` filter. On ``_ACCESS_DEFAULTS``' network the combinations give different
    counts."""
    right = "trainable" if trainable_only else "all"
    matches = [{_COUNT_TIED: repeat, _COUNT_BUFFERS: buffers, _COUNT_FILTER.get((trainable_only, name), ""): name != right}
               for repeat, buffers, name, total in table if total == got]
    if not matches:
        return []
    return [hint for hint, wrong in matches[0].items() if hint and all(m.get(hint) for m in matches) and wrong]


def _count_check(trainable_only: bool) -> Any:
    call = "count_params(net)" if trainable_only else "count_params(net, trainable_only=False)"
    kwargs = {} if trainable_only else {"trainable_only": False}

    def count(ctx: CheckContext, net: Spec, seed: int, shown: str) -> tuple[Any, Any, int]:
        """The student's and the reference's counts, and the reference network's handle."""
        mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
        ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
        got = student_call(ctx, "value", doing=f"`{call}`", case=shown,
                           spec=ex.count_params(handle(mine), **kwargs).node, seed=seed)["value"]
        want = ctx.reference.request("value", spec=ex.count_params(handle(ref), **kwargs).node, seed=seed)["value"]
        return got, want, ref

    def reference_table(ctx: CheckContext, seed: int) -> tuple[Any, list[list[Any]]]:
        """The reference's count on the network where every known mistake gives a different count,
        and what each mistake gives there."""
        net = _ACCESS_DEFAULTS[0]["net"]
        ref = ctx.reference.request("build", spec=net.node, seed=seed)["handle"]
        want = ctx.reference.request("value", spec=ex.count_params(handle(ref), **kwargs).node, seed=seed)["value"]
        return want, ctx.reference.derive(ref, "count_params: known mistakes", _count_table)

    def diagnose(ctx: CheckContext, seed: int) -> list[str]:
        """Hints from the network where every known mistake gives a different count."""
        net = _ACCESS_DEFAULTS[0]["net"]
        shown = f"{show(net)}\n{call}"
        mine = student_call(ctx, "build", doing="the network", case=shown, spec=net.node, seed=seed)["handle"]
        got = student_call(ctx, "value", doing=f"`{call}`", case=shown,
                           spec=ex.count_params(handle(mine), **kwargs).node, seed=seed)["value"]
        try:
            want, table = reference_table(ctx, seed)
        except GraderFault:  # a replay that did not record this network: no hint rather than a wrong one
            return []
        return _count_hints(table, trainable_only, got) if got != want else []

    def examine(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
        net: Spec = case["net"]
        shown = f"{show(net)}\n{call}"
        if ctx.recording:  # a replay needs what diagnose asks the reference
            reference_table(ctx, seed)
        got, want, _ = count(ctx, net, seed, shown)
        if type(got) is int and got == want:
            return
        where = where_defined(ctx, ex.count_params)
        if type(got) is not int:
            scalar = isinstance(got, float) or (isinstance(got, torch.Tensor) and got.numel() == 1)
            close = scalar and float(got) == want
            hint = "Return a Python int: `p.numel()` is one, and so is their `sum(...)`."
            raise Failure(f"`{call}` returned {describe_value(got)}; expected the int {want}.",
                          hints=[hint] if close else [], location=where, case=shown)
        raise Failure(f"`{call}` returned {got}; expected {want}.", hints=diagnose(ctx, seed), location=where,
                      case=shown)

    return examine


EXERCISE = Exercise("parameters/access", "Reading parameters: names, shapes and counts", (
    Custom(id="param_shapes", title="param_shapes(net) equals {name: tuple(shape)} from named_parameters()",
           points=3, examine=_param_shapes, cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=12),
    Custom(id="count_params", title="count_params(net) counts each distinct trainable parameter once",
           points=2, examine=_count_check(True), cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=12),
    Custom(id="count_all", title="count_params(net, trainable_only=False) counts frozen parameters too",
           points=1, examine=_count_check(False), cases=_access_cases, defaults=_ACCESS_DEFAULTS, max_examples=8),
))


# -- known-bad submissions ------------------------------------------------------------------------

_SHAPES = "return {name: tuple(p.shape) for name, p in net.named_parameters()}"
_COUNT = """return sum(p.numel() for p in net.parameters()
               if p.requires_grad or not trainable_only)"""

MUTANTS = (
    Mutant("shapes_as_lists", "`param_shapes` gives lists, not tuples.",
           edits=[(_SHAPES, "return {n: list(p.shape) for n, p in net.named_parameters()}")],
           fails={"param_shapes": ["expected the tuple", "got list", "tuple(p.shape)", "param_shapes(net)"]},
           passes=["count_params", "count_all"], line_of={"param_shapes": "def param_shapes"}),
    Mutant("shapes_with_buffers", "`param_shapes` walks `state_dict()`, so buffers are listed too.",
           edits=[(_SHAPES, "return {n: tuple(t.shape) for n, t in net.state_dict().items()}")],
           fails={"param_shapes": ["unexpected", "running_mean", "Buffers", "are not parameters"]},
           passes=["count_params", "count_all"]),
    Mutant("shapes_tied_twice", "`param_shapes` lists a tied parameter under every name "
                                "(`remove_duplicate=False`).",
           edits=[(_SHAPES, "return {n: tuple(p.shape) for n, p in net.named_parameters(remove_duplicate=False)}")],
           fails={"param_shapes": ["tied = nn.Linear", "A tied parameter appears once"]}, passes=["count_params"]),
    Mutant("shapes_skip_frozen", "`param_shapes` skips the parameters with `requires_grad=False`.",
           edits=[(_SHAPES, "return {n: tuple(p.shape) for n, p in net.named_parameters() if p.requires_grad}")],
           fails={"param_shapes": ["requires_grad_(False)", "Missing", "trainable or not"]}),
    Mutant("shapes_sorted", "`param_shapes` sorts the names.",
           edits=[(_SHAPES, "return dict(sorted((n, tuple(p.shape)) for n, p in net.named_parameters()))")],
           fails={"param_shapes": ["another order", "do not sort"]}),
    Mutant("count_tied_twice", "`count_params` counts a tied parameter once per place.",
           edits=[(_COUNT, "return sum(p.numel() for _, p in net.named_parameters(remove_duplicate=False)\n"
                           "               if p.requires_grad or not trainable_only)")],
           fails={"count_params": ["returned", "expected", "counted once per place"],
                  "count_all": ["counted once per place"]},
           passes=["param_shapes"], line_of={"count_params": "def count_params"}),
    Mutant("count_ignores_flag", "`count_params` ignores `trainable_only`.",
           edits=[(_COUNT, "return sum(p.numel() for p in net.parameters())")],
           fails={"count_params": ["requires_grad_(False)", "must skip parameters with `requires_grad=False`"]},
           passes=["param_shapes", "count_all"]),
    Mutant("count_with_buffers", "`count_params` counts the buffers too.",
           edits=[(_COUNT, "return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)"
                           " + sum(b.numel() for b in net.buffers())")],
           fails={"count_params": ["BatchNorm1d", "Buffers were counted"], "count_all": ["Buffers were counted"]}),
    Mutant("count_as_float", "`count_params` returns a float, not an int.",
           edits=[(_COUNT, "return float(sum(p.numel() for p in net.parameters()\n"
                           "               if p.requires_grad or not trainable_only))")],
           fails={"count_params": ["returned float", "expected the int", "Return a Python int"]},
           passes=["param_shapes"]),
)
