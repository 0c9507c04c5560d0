"""Check kind: a Gluon block's structural parameter names and shapes, before and after the first forward.

Names are what ``save_parameters`` writes (``hidden.weight``, ``0.bias``), a shared parameter
once; before the first forward a deferred dimension reads 0 (``(8, 0)``), as MXNet reports it.

Example declaration::

    Names(points=2, build=lambda c: ex.MLP(c["h"], c["o"]), inputs=matrix("i"), cases=sizes)
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Callable

import numpy
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure
from grader.checks.explore import explore_check
from grader.tracks.gluon.checks.forward import Inputs
from grader.tracks.gluon.checks.pair import show_case, student_call
from grader.tracks.gluon.specs import Spec

__all__ = ["Names", "names_diff"]

_BUILT = "as built, before the first forward"
_RUN = "after initialize() and the first forward"
#: shown when the shapes agreed as built and differ after the first forward
_INFERRED = ("As built, your shapes matched the reference's: what differs is what the first forward inferred. "
             "Deferred initialization sizes each block by the input it receives, so your forward gives some block "
             "another input than the reference's does: check the order in which the blocks are applied, and that "
             "each one is applied.")


@dataclass(frozen=True)
class Names:
    """The student's block has the reference's parameter names, in order, with its shapes: as built
    (deferred dimensions 0) and, with ``inputs``, after ``initialize()`` and one forward.

    Example:
        >>> from grader.tracks.gluon.specs import nn
        >>> from grader.tracks.gluon.checks.draw import cases, width
        >>> Names(points=1, build=lambda c: nn.Dense(c["o"]), cases=cases(o=width())).title
        'parameter names and shapes match the reference (before and after the first forward)'
    """

    build: Callable[[dict[str, Any]], Spec]
    cases: st.SearchStrategy[dict[str, Any]]
    inputs: Inputs | None = None
    points: float = 1.0
    id: str = "names"
    title: str = "parameter names and shapes match the reference (before and after the first forward)"
    max_examples: int = 6
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()
    in_order: bool = True
    free_names: bool = False  # only the parameters' number, order and shapes count (child names are free)
    #: known mistakes: ``hints(mine, theirs)`` (both sides' ``state`` answers) -> hints shown with a failure
    hints: Callable[[dict[str, Any], dict[str, Any]], list[str]] | None = None

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            shown = f"net = {spec}\nnet._collect_params_with_prefix()  # the names save_parameters writes"
            built = student_call(ctx, "build", doing=f"`{spec}`", case=shown, spec=spec.node, seed=seed)
            if not built["is_block"]:
                raise Failure(f"`{spec}` returned a {built['type']}, expected a Gluon Block (nn.Block).", case=shown)
            ref = ctx.reference.request("build", spec=spec.node, seed=seed)["handle"]
            mine = student_call(ctx, "state", doing=f"`{spec}`", case=shown, handle=built["handle"])
            theirs = ctx.reference.request("state", handle=ref)
            self._judge(mine, theirs, stage=_BUILT, case=shown)
            if self.inputs is None:
                return
            args = self.inputs(case, numpy.random.default_rng(seed))
            shown = show_case(spec, args, "net(X)\nnet._collect_params_with_prefix()")
            student_call(ctx, "initialize", doing=f"`{spec}`", case=shown, handle=built["handle"], seed=seed)
            student_call(ctx, "forward", doing=f"`{spec}`", case=shown, handle=built["handle"], inputs=args, seed=seed)
            ctx.reference.request("initialize", handle=ref, seed=seed)
            ctx.reference.request("forward", handle=ref, inputs=args, seed=seed)
            mine = student_call(ctx, "state", doing=f"`{spec}`", case=shown, handle=built["handle"])
            theirs = ctx.reference.request("state", handle=ref)
            self._judge(mine, theirs, stage=_RUN, case=shown)

        explore_check(self, ctx, examine)

    def _judge(self, mine: dict[str, Any], theirs: dict[str, Any], *, stage: str, case: str) -> None:
        if self.free_names:
            self._judge_shapes(mine, theirs, stage=stage, case=case)
            return
        text = names_diff(list(mine["names"]), list(theirs["names"]), in_order=self.in_order)
        if text is None:
            bad = [(n, tuple(theirs["shapes"][n]), tuple(mine["shapes"][n])) for n in theirs["names"]
                   if list(mine["shapes"][n]) != list(theirs["shapes"][n])]
            if not bad:
                return
            text = "\n".join(f"Shape of {n}: expected {e}, got {g}." for n, e, g in bad[:6])
            hints = []
            if any(0 in e and 0 not in g for _, e, g in bad):
                hints.append("A dimension the reference leaves to deferred initialization (shown as 0 until the first "
                             "forward) is fixed in yours: do not give `in_units` where the input width is to be "
                             "inferred.")
            if stage == _RUN:
                hints.append(_INFERRED)
            raise Failure(f"Compared the parameter shapes {stage}.\n{text}", hints=hints + self._known(mine, theirs),
                          case=case)
        hints = _name_hints(mine, theirs) + self._known(mine, theirs)
        raise Failure(f"Compared the parameter names {stage} (as `save_parameters` writes them).\n{text}",
                      hints=hints, case=case)


    def _known(self, mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
        return list(self.hints(mine, theirs)) if self.hints else []

    def _judge_shapes(self, mine: dict[str, Any], theirs: dict[str, Any], *, stage: str, case: str) -> None:
        got = [(n, tuple(mine["shapes"][n])) for n in mine["names"]]
        want = [(n, tuple(theirs["shapes"][n])) for n in theirs["names"]]
        if [s for _, s in got] == [s for _, s in want]:
            return
        text = (f"Expected {len(want)} parameter(s), in order: {', '.join(str(s) for _, s in want) or '(none)'}\n"
                f"Yours ({len(got)}): {', '.join(f'{n} {s}' for n, s in got) or '(none)'}")
        hints = _name_hints(mine, theirs, free=True) + self._known(mine, theirs)
        if stage == _RUN and len(got) == len(want):
            hints.append(_INFERRED)
        raise Failure(f"Compared the parameters your block registers {stage} (their number, order and shapes; "
                      f"the names are yours to choose).\n{text}", hints=hints, case=case)


def names_diff(mine: list[str], theirs: list[str], *, in_order: bool = True) -> str | None:
    """None when the names agree; else what is missing, unexpected, or out of order.

    Example:
        >>> print(names_diff(["hidden.weight", "out.weight"], ["hidden.weight", "output.weight"]))
        Missing keys: output.weight
        Unexpected keys: out.weight
        Expected keys: hidden.weight output.weight
        Your keys:     hidden.weight out.weight
    """
    if mine == theirs or (not in_order and sorted(mine) == sorted(theirs)):
        return None
    missing = [n for n in theirs if n not in mine]
    extra = [n for n in mine if n not in theirs]
    lines = []
    if missing:
        lines.append(f"Missing keys: {', '.join(missing)}")
    if extra:
        lines.append(f"Unexpected keys: {', '.join(extra)}")
    if not missing and not extra:
        lines.append("The same keys in another order (the order in which the blocks are registered).")
    lines.append(f"Expected keys: {' '.join(theirs) or '(none)'}")
    lines.append(f"Your keys:     {' '.join(mine) or '(none)'}")
    return "\n".join(lines)


def _name_hints(mine: dict[str, Any], theirs: dict[str, Any], *, free: bool = False) -> list[str]:
    """Hints for known mistakes: blocks kept in plain containers, a block's own parameter that is no
    parameter, a child under another name (not when ``free``: child names are the student's), the same
    parameters registered in another order.

    Example:
        >>> mine = {"names": ["0.weight", "1.weight"], "shapes": {"0.weight": [2, 0], "1.weight": [3, 0]},
        ...         "lists": [{"attr": "0.layers", "count": 2, "unregistered": 2, "container": "list",
        ...                    "block_type": "Inner"}]}
        >>> theirs = {"names": ["a.weight", "b.weight"], "shapes": {"a.weight": [3, 0], "b.weight": [2, 0]}}
        >>> for hint in _name_hints(mine, theirs, free=True):
        ...     print(hint[:74])
        `self.layers` of block `0` (Inner) is a plain Python list holding 2 block(
        The same parameter shapes in another order: your blocks are registered (ad
    """
    hints = []
    for entry in mine.get("lists", []) or []:
        if not entry.get("unregistered", entry["count"]):
            continue  # a list of blocks that are registered children anyway: not the mistake
        kind = entry.get("container", "list")
        owner, _, attr = str(entry["attr"]).rpartition(".")
        where = f"`self.{attr}` of block `{owner}` ({entry.get('block_type', 'Block')})" if owner \
            else f"`self.{attr}`"
        hints.append(f"{where} is a plain Python {kind} holding {entry['count']} block(s), "
                     f"{entry.get('unregistered', entry['count'])} of them registered nowhere: Gluon does not "
                     f"register blocks kept in a {kind}, so their parameters are not yours (`initialize()` and "
                     "`collect_params()` never see them). Assign each block to an attribute, call "
                     "`self.register_child(block)`, or use `nn.Sequential`.")
    if free:
        shapes = lambda state: [tuple(state["shapes"][n]) for n in state["names"]]  # noqa: E731
        if shapes(mine) != shapes(theirs) and sorted(shapes(mine)) == sorted(shapes(theirs)):
            hints.append("The same parameter shapes in another order: your blocks are registered (added) in another "
                         "order than the reference's.")
        return hints
    own = [n for n in theirs["names"] if "." not in n and n not in mine["names"]]
    if own:
        names = ", ".join(f"`{n}`" for n in own)
        hints.append(f"{names}: a parameter of the block itself in the reference, made in `__init__` with "
                     "`self.params.get(...)` (or `self.params.get_constant(...)` for a constant). An array kept in a "
                     "plain attribute is not a parameter: it is neither listed, saved nor initialized.")
    prefixes = lambda names: list(dict.fromkeys(n.rsplit(".", 1)[0] for n in names if "." in n))  # noqa: E731
    mine_p, their_p = prefixes(mine["names"]), prefixes(theirs["names"])
    for name in mine_p:
        if name not in their_p:
            close = difflib.get_close_matches(name, [p for p in their_p if p not in mine_p], n=1, cutoff=0.5)
            if close:
                hints.append(f"`{name}` looks like `{close[0]}` under another name: the names are part of the "
                             "contract (they are the keys `save_parameters` writes).")
    return hints
