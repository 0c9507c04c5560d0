"""What a save changes: which exercises to re-grade, and which checks newly pass or fail.

Example:
    >>> from grader.catalog import select
    >>> [e.id for e in affected(select("model_construction"), ["model_construction/stack.py"])]
    ['model_construction/stack']
    >>> [e.id for e in affected(select("model_construction/mlp"), ["notes.txt", "parameters.ipynb"])]
    []
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from grader.catalog import Exercise
from grader.notebooks.locate import locate
from grader.notebooks.places import student_text
from grader.results import ExerciseResult, Status

__all__ = ["affected", "Delta", "delta", "is_source"]


def is_source(rel: str) -> bool:
    """Whether a changed file can change a verdict: a ``.py`` or ``.ipynb`` outside caches and
    checkpoints.

    Example:
        >>> is_source("m/a.py"), is_source("m/.ipynb_checkpoints/a-checkpoint.ipynb"), is_source("m/a.txt")
        (True, False, False)
    """
    parts = Path(rel).parts
    hidden = any(p.startswith(".") or p == "__pycache__" for p in parts)
    return not hidden and rel.endswith((".py", ".ipynb"))


def affected(exercises: Iterable[Exercise], changed: Iterable[str], root: Path | None = None) -> tuple[Exercise, ...]:
    """The exercises of ``exercises`` that the changed files (relative to the submission ``root``)
    may change: a module's own files, its topic notebook, and, with ``root``, a module whose graded
    file imports the changed one as a sibling."""
    chosen = tuple(exercises)
    changed = [c for c in changed if is_source(c)]
    stems = {c.rsplit(".", 1)[0] for c in changed}
    topics = {c.rsplit(".", 1)[0] for c in changed if "/" not in c}
    out = []
    for ex in chosen:
        if ex.id in stems or ex.topic in topics:
            out.append(ex)
        elif root is not None and any(s.startswith(ex.topic + "/") for s in stems):
            graded = locate(root, ex.id)
            text = student_text(root, graded.path) if graded else ""
            if any(s.replace("/", ".") in text for s in stems):
                out.append(ex)
    return tuple(out)


@dataclass(frozen=True)
class Delta:
    """Checks whose status changed between two runs of the same exercises."""

    now_passing: tuple[str, ...]
    now_failing: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [f"  newly passing: {n}" for n in self.now_passing]
        return out + [f"  newly failing: {n}" for n in self.now_failing]


def delta(before: Iterable[ExerciseResult], after: Iterable[ExerciseResult]) -> Delta:
    """What changed from ``before`` to ``after`` (checks absent before count as unchanged).

    Example:
        >>> from grader.results import CheckResult
        >>> def run(status):
        ...     return [ExerciseResult("m/a", "A", (CheckResult("m/a", "forward", "t", status, 0.0, 1.0),))]
        >>> delta(run(Status.FAILED), run(Status.PASSED)).lines()
        ['  newly passing: m/a :: forward']
    """
    old = {c.name: c.status for e in before for c in e.checks}
    now_passing, now_failing = [], []
    for exercise in after:
        for c in exercise.checks:
            if c.name not in old or (old[c.name] is Status.PASSED) == c.passed:
                continue
            (now_passing if c.passed else now_failing).append(c.name)
    return Delta(tuple(now_passing), tuple(now_failing))
