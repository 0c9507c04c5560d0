"""Check kind: parameter and buffer names and shapes, as ``state_dict()`` lists them.

Example declaration::

    Names(points=2, build=lambda c: ex.MLP(c["i"], c["h"], c["o"]), cases=sizes)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure
from grader.checks.explore import explore_check
from grader.checks.hints import lazy_hints, rename_hints, structure_hints
from grader.tracks.pytorch.checks.pair import build_pair, student_call
from grader.tracks.pytorch.worker.specs import Spec

__all__ = ["Names"]


@dataclass(frozen=True)
class Names:
    """The student's ``state_dict`` keys and shapes equal the reference's; parameters
    are parameters and buffers are buffers."""

    build: Callable[[dict[str, Any]], Spec]
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "names"
    title: str = "parameter and buffer names and shapes"
    max_examples: int = 6
    diagnose: Callable[[dict[str, Any], dict[str, Any]], list[str]] | None = None
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        def examine(case: dict[str, Any], seed: int) -> None:
            spec = self.build(case)
            pair = build_pair(ctx, spec, seed=seed, align=False)
            mine = student_call(ctx, "describe", doing=f"`{spec}`", case=str(spec), handle=pair.student)
            ref = ctx.reference.request("describe", handle=pair.reference)
            problems = diff_state(mine, ref)
            if not problems:
                return
            missing = [k for k in _shapes(ref) if k not in _shapes(mine)]
            unexpected = [k for k in _shapes(mine) if k not in _shapes(ref)]
            hints = lazy_hints(mine, ref) + rename_hints(missing, unexpected) + structure_hints(mine, set(_shapes(ref)))
            if self.diagnose:
                hints += self.diagnose(mine, ref)
            loc = mine.get("locations", {})
            where = {"file": loc["file"], "line": loc.get("__init__", loc.get("class", 0))} if "file" in loc else None
            raise Failure(f"Compared the state_dict of `{spec}` with the reference's.\n" + "\n".join(problems),
                          hints=hints, location=where, case=f"net = {spec}")

        explore_check(self, ctx, examine)


def _shapes(desc: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    shapes = {t["name"]: ("uninitialized",) if t["shape"] is None else tuple(t["shape"])
              for t in desc["parameters"] + desc["buffers"]}
    return {k: shapes.get(k, ()) for k in desc["state_keys"]}


def _kinds(desc: dict[str, Any]) -> dict[str, str]:
    kinds = {t["name"]: "parameter" for t in desc["parameters"]}
    kinds.update({t["name"]: "buffer" for t in desc["buffers"]})
    return kinds


def diff_state(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """Lines describing how the student's state differs from the reference's (empty: same).

    Example (``describe`` answers, cut down to what is compared):
        >>> ref = {"parameters": [{"name": "weight", "shape": [3, 2]}, {"name": "bias", "shape": [3]}],
        ...        "buffers": [], "state_keys": ["weight", "bias"]}
        >>> mine = {"parameters": [{"name": "weight", "shape": [2, 3]}], "buffers": [], "state_keys": ["weight"]}
        >>> for line in diff_state(mine, ref):
        ...     print(line)
        Expected keys: weight, bias
        Your keys:     weight
        Missing keys: bias
        Shape of weight: expected (3, 2), got (2, 3)
        >>> diff_state(ref, ref)
        []
    """
    got, want = _shapes(mine), _shapes(ref)
    lines = []
    missing = [k for k in want if k not in got]
    unexpected = [k for k in got if k not in want]
    if missing:
        lines.append(f"Missing keys: {', '.join(missing)}")
    if unexpected:
        lines.append(f"Unexpected keys: {', '.join(unexpected)}")
    unshaped = [f"{key} (expected {want[key]})" for key in want
                if key in got and got[key] == ("uninitialized",) != want[key]]
    if unshaped:
        lines.append("No shape yet when the model is built (lazy layers, shaped at the first forward): "
                     + ", ".join(unshaped))
    for key in want:
        if key in got and got[key] != want[key] and got[key] != ("uninitialized",):
            lines.append(f"Shape of {key}: expected {want[key]}, got {got[key]}")
    my_kinds, ref_kinds = _kinds(mine), _kinds(ref)
    for key in want:
        if key in got and key in my_kinds and my_kinds[key] != ref_kinds.get(key):
            lines.append(f"{key} should be a {ref_kinds.get(key)}, but it is a {my_kinds[key]}")
    if lines:
        lines.insert(0, f"Expected keys: {', '.join(want) or '(none)'}")
        lines.insert(1, f"Your keys:     {', '.join(got) or '(none)'}")
    return lines
