"""Similarity for a whole class: read every student's code, compare each exercise, rank the pairs.

The boilerplate of an exercise is its stub (``exercises/<topic>/<module>.py``)
and its reference solution (``solutions/…``, or ``$GRADE_SOLUTIONS``); either
may be missing (an installed grader without them discounts only the idioms
common in the class). The names an exercise's stub defines pick an
exercise's cells out of a topic notebook.

Example:
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> code = "def f(V):\\n    s = 0\\n    for x in V:\\n        s += x * x - 3\\n    return s // 7 + len(V)\\n"
    >>> for name, text in {"ann": code, "bob": code.replace("s", "acc")}.items():
    ...     (root / name / "t").mkdir(parents=True); _ = (root / name / "t" / "e.py").write_text(text)
    >>> report = class_similarity([("ann", root / "ann", "folder"), ("bob", root / "bob", "folder")], ["t/e"])
    >>> [(p.a, p.b, p.flagged) for p in report.pairs], report.text("bob", "t/e")[1][:10]
    ([('ann', 'bob', True)], 'def f(V):\\n')
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from grader.batch.similarity.compare import Pair, Settings, compare_exercise
from grader.batch.similarity.sources import read_sources

__all__ = ["SimilarityReport", "class_similarity", "boilerplate_for", "defined_names"]


@dataclass(frozen=True)
class SimilarityReport:
    """The listed pairs of every exercise (highest score first) and the code they were computed from."""

    pairs: tuple[Pair, ...]
    settings: Settings
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict, repr=False)
    """``(student, exercise) -> (file, text)`` for the students of listed pairs."""

    def text(self, student: str, exercise: str) -> tuple[str, str]:
        """The file name and the code of a student's exercise (empty if not kept)."""
        return self.sources.get((student, exercise), ("", ""))

    def summary(self) -> list[dict[str, Any]]:
        """The ``similarity`` list of ``summary.json``.

        Example:
            >>> SimilarityReport((), Settings()).summary()
            []
        """
        return [{"exercise": p.exercise, "a": p.a, "b": p.b, "score": p.score, "flagged": p.flagged}
                for p in self.pairs]


def defined_names(source: str) -> tuple[str, ...]:
    """The top-level classes and functions of a (trusted) module's source.

    Example:
        >>> defined_names("import x\\nclass A: pass\\ndef f(): pass\\ny = 1")
        ('A', 'f')
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    return tuple(n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def boilerplate_for(exercise: str) -> list[str]:
    """The stub and reference solution of ``exercise`` that exist, as text."""
    from grader.paths import default_solutions, project_root

    texts = (_read(root / f"{exercise}.py") for root in (project_root() / "exercises", default_solutions()))
    return [t for t in texts if t is not None]


def class_similarity(students: Iterable[tuple[str, Path, str]], exercises: Sequence[str], *,
                     settings: Settings = Settings()) -> SimilarityReport:
    """Compare every exercise across ``students`` (``(id, path, kind)``, kind ``folder`` or ``zip``)."""
    boilerplate = {e: boilerplate_for(e) for e in exercises}
    names = {e: defined_names(boilerplate[e][0]) if boilerplate[e] else () for e in exercises}
    by_exercise: dict[str, dict[str, tuple[str, str]]] = {e: {} for e in exercises}
    for student, path, kind in students:
        for source in read_sources(path, kind, exercises, names=names):
            by_exercise[source.exercise][student] = (source.path, source.text)
    pairs: list[Pair] = []
    for exercise in exercises:
        docs = by_exercise[exercise]
        pairs.extend(compare_exercise(exercise, {s: text for s, (_, text) in docs.items()},
                                      boilerplate=boilerplate[exercise], settings=settings))
    pairs.sort(key=lambda p: (-p.score, p.exercise, p.a, p.b))
    kept = {(s, p.exercise) for p in pairs for s in (p.a, p.b)}
    sources = {(s, e): by_exercise[e][s] for s, e in sorted(kept)}
    return SimilarityReport(tuple(pairs), settings, sources)
