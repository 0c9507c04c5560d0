"""Mutants: known-bad submissions, declared as small changes to an exercise's solution.

An exercise's declaration module lists its mutants in ``MUTANTS``. Each one says
what the bug is, how to write it into the reference solution (``edits``: pairs of
``(old, new)`` text, each ``old`` found in the solution; or ``source``, a whole
module, when the bug is not a small change), which checks it must fail and a
*needle* (a piece of text) the feedback of each must contain. ``grade selftest``,
``grade release`` and the grader's tests read mutants from there; a student
release leaves ``MUTANTS`` out (they are made of solution code).

Example:
    >>> m = Mutant("missing_relu", "No ReLU between `hidden` and `output`.",
    ...            edits=[("self.output(F.relu(self.hidden(X)))", "self.output(self.hidden(X))")],
    ...            fails={"forward": "the ReLU between `hidden` and `output` is missing"}, passes=["names"])
    >>> m.apply("def forward(self, X):\\n    return self.output(F.relu(self.hidden(X)))\\n")
    'def forward(self, X):\\n    return self.output(self.hidden(X))\\n'
    >>> m.needles("forward")
    ('the ReLU between `hidden` and `output` is missing',)
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["Mutant", "MutantError"]

Needles = str | Iterable[str]


class MutantError(ValueError):
    """A mutant that cannot be written into its solution (an ``old`` text the solution lacks)."""


def _needles(value: Needles) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Mutant:
    """One known-bad submission of an exercise, as a change to its reference solution.

    ``fails`` maps each check the mutant must fail (score 0) to the needle(s) its
    feedback, failing case or hints must contain; ``passes`` lists checks that must
    still give full points (no double jeopardy); ``absent`` maps a check to text that
    must not appear in it; ``line_of`` maps a check to text of the student's line its
    failure must point at. ``siblings`` changes other files of the submission (a path
    relative to the submission, ``<topic>/<module>.py``, to its new text, or to None
    to delete it); ``suffix`` is ``.ipynb`` for a notebook ``source``; ``seed`` fixes the run's seed when the bug shows only for some
    drawn cases (the tests otherwise use seed 0).
    """

    slug: str
    bug: str
    edits: tuple[tuple[str, str], ...] = ()
    fails: Mapping[str, Needles] = field(default_factory=dict)
    passes: tuple[str, ...] = ()
    absent: Mapping[str, Needles] = field(default_factory=dict)
    line_of: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None
    siblings: Mapping[str, str | None] = field(default_factory=dict)
    seed: int | None = None
    suffix: str = ".py"

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", tuple((str(old), str(new)) for old, new in self.edits))
        object.__setattr__(self, "passes", tuple(self.passes))
        if not self.slug or not all(ch.isalnum() or ch in "_.-" for ch in self.slug):
            raise MutantError(f"mutant slug {self.slug!r}: letters, digits, '_', '.' and '-' only")
        if self.source is not None and self.edits:
            raise MutantError(f"mutant {self.slug!r}: give `edits` or `source`, not both")
        if self.source is None and not self.edits and not self.siblings:
            raise MutantError(f"mutant {self.slug!r} changes nothing: give `edits`, `source` or `siblings`")
        overlap = set(self.fails) & set(self.passes)
        if overlap:
            raise MutantError(f"mutant {self.slug!r} both fails and passes {sorted(overlap)}")

    def apply(self, solution: str) -> str:
        """The mutant's module text: ``solution`` with every edit made (or ``source``).

        Raises MutantError naming the edit whose ``old`` text the solution lacks.
        """
        if self.source is not None:
            return self.source
        text = solution
        for old, new in self.edits:
            if old not in text:
                raise MutantError(f"mutant {self.slug!r}: the solution has no {old!r} to replace")
            text = text.replace(old, new)
        if text == solution and not self.siblings:
            raise MutantError(f"mutant {self.slug!r}: its edits leave the solution unchanged")
        return text

    def needles(self, check: str) -> tuple[str, ...]:
        """What the feedback of ``check`` must contain ('' when it only must fail)."""
        return _needles(self.fails.get(check, ()))

    def absent_needles(self, check: str) -> tuple[str, ...]:
        return _needles(self.absent.get(check, ()))

    def write_submission(self, exercise_id: str, solutions: Path, folder: Path) -> Path:
        """Make ``folder`` a submission: a copy of every solution file, with this mutant in place of
        ``exercise_id``'s (so a module that imports a sibling gets the sibling's reference)."""
        shutil.copytree(solutions, folder, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        module = folder / f"{exercise_id}.py"
        text = self.apply(module.read_text(encoding="utf-8") if module.is_file() else "")
        module.unlink(missing_ok=True)  # a notebook mutant: the .py must go, or it wins
        target = folder / f"{exercise_id}{self.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        for rel, new in self.siblings.items():
            path = folder / rel
            if new is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(new, encoding="utf-8")
        return folder

    @classmethod
    def from_file(cls, path: Path, bug: str) -> "Mutant":
        """A mutant kept as a whole module file (``grade selftest --mutants DIR``)."""
        return cls(slug=path.stem, bug=bug, source=path.read_text(encoding="utf-8", errors="replace"),
                   suffix=path.suffix)
