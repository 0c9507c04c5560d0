"""Read a finished ``grade batch`` output folder for export: its ``summary.json``.

Example:
    >>> import json, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "summary.json").write_text(json.dumps({"exercises": [{"id": "t/a", "title": "A", "max_score": 4}],
    ...     "seed": 3, "grader_version": "0.1.0", "students": [{"student": "ann", "status": "graded", "score": 3,
    ...     "max_score": 4, "exercises": {"t/a": 3}}]}))
    >>> graded = read_graded(d)
    >>> graded.max_score, graded.students[0].student, graded.students[0].exercises
    (4.0, 'ann', {'t/a': 3.0})
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ExportError", "GradedStudent", "GradedClass", "read_graded"]


class ExportError(ValueError):
    """The export cannot be made as asked (the CLI exits with status 2)."""


@dataclass(frozen=True)
class GradedStudent:
    """One submission of the batch: ``status`` is ``graded``, ``refused`` or ``fault``."""

    student: str
    status: str
    score: float
    max_score: float
    exercises: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GradedClass:
    """What an export needs from a batch: exercises in catalog order, students in id order."""

    folder: Path
    exercises: tuple[tuple[str, str, float], ...]
    students: tuple[GradedStudent, ...]
    seed: Any = None
    grader_version: str = ""
    track: str = "pytorch"

    @property
    def max_score(self) -> float:
        return sum(m for _, _, m in self.exercises)


def read_graded(folder: Path) -> GradedClass:
    """The batch in ``folder``; :class:`ExportError` if it is not a finished batch."""
    folder = Path(folder)
    path = folder / "summary.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        exercises = tuple((str(e["id"]), str(e.get("title", e["id"])), float(e["max_score"]))
                          for e in data["exercises"])
        students = tuple(GradedStudent(str(s["student"]), str(s["status"]), float(s["score"]),
                                       float(s["max_score"]),
                                       {str(k): float(v) for k, v in (s.get("exercises") or {}).items()})
                         for s in data["students"])
    except FileNotFoundError:
        raise ExportError(f"{path} not found: GRADED must be the --out folder of a finished grade batch") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{path} cannot be read as a batch summary ({type(exc).__name__}: {exc})") from None
    return GradedClass(folder, exercises, students, data.get("seed"), str(data.get("grader_version", "")),
                       str(data.get("track", "pytorch")))
