"""The class's machine-readable files: ``grades.csv`` and ``summary.json``.

``grades.csv`` has one row per student: ``student``, ``total`` (points),
one column per exercise (points; the header is the exercise id), and
``status`` (``graded``, ``refused`` or ``fault``), then ``track`` (the framework
graded: ``pytorch`` or ``gluon``). It imports into a
spreadsheet gradebook as is; a cell that a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``-``, ``@``) gets a leading ``'``.

Example:
    >>> from grader.batch.model import ExerciseSummary, StudentRecord
    >>> r = StudentRecord("=ann", "k", "graded", 3.0, 4.0,
    ...                   exercises=(ExerciseSummary("t/a", "A", 3.0, 4.0, "failed"),))
    >>> print(grades_csv([r], ["t/a"]), end="")
    student,total,t/a,status,track
    '=ann,3,3,graded,pytorch
"""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Sequence

from grader.batch.model import StudentRecord
from grader.batch.stats import ClassStats
from grader.render._format import fmt_points

if TYPE_CHECKING:
    from grader.batch.similarity import SimilarityReport

__all__ = ["grades_csv", "summary_dict", "safe_cell"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """``text``, with a leading ``'`` if a spreadsheet would run it as a formula.

    Example:
        >>> safe_cell("@SUM(A1)"), safe_cell("bob")
        ("'@SUM(A1)", 'bob')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def grades_csv(records: Sequence[StudentRecord], exercise_ids: Sequence[str], track: str = "pytorch") -> str:
    """The gradebook as CSV text (see the module docstring); its last column says the track graded."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "total", *exercise_ids, "status", "track"])
    for r in records:
        scores = {e.exercise: e.score for e in r.exercises}
        writer.writerow([safe_cell(r.student), fmt_points(r.score),
                         *(fmt_points(scores.get(ex, 0.0)) for ex in exercise_ids), r.status, track])
    return buf.getvalue()


def summary_dict(records: Sequence[StudentRecord], stats: ClassStats, *, batch: dict[str, Any],
                 exercises: Sequence[dict[str, Any]], fresh: set[str],
                 similarity: "SimilarityReport | None" = None) -> dict[str, Any]:
    """``summary.json``: the batch's settings, counts, statistics and one entry per student.

    ``batch`` holds seed, grader version, target, executor, times; ``fresh``
    the students graded by this run (the others were reused). ``similarity``:
    the listed pairs, highest score first, as ``{"exercise", "a", "b",
    "score", "flagged"}`` (empty, with ``similarity_settings.enabled`` false,
    when it was turned off).
    """
    return {
        "similarity": similarity.summary() if similarity is not None else [],
        "similarity_settings": ({"enabled": True, **similarity.settings.as_dict()} if similarity is not None
                                else {"enabled": False}),
        **batch,
        "exercises": list(exercises),
        "max_score": sum(float(e["max_score"]) for e in exercises),
        "protections": list(stats.protections),
        "protections_partial": list(stats.protections_partial),
        "counts": {"students": stats.n_students, "graded_now": len(fresh),
                   "reused": stats.n_students - len(fresh), "refused": stats.n_refused, "faults": stats.n_faults},
        "scores_percent": {"mean": stats.mean, "median": stats.median, "min": stats.minimum, "max": stats.maximum,
                           "stdev": stats.stdev},
        "histogram": [{"low": b.low, "high": b.high, "count": b.count} for b in stats.histogram],
        "faults": [{"student": r.student, "message": r.message} for r in records if r.status == "fault"],
        "refused": [{"student": r.student, "message": r.message} for r in records if r.status == "refused"],
        "checks": [{"exercise": c.exercise, "check": c.check, "title": c.title, "passed": c.passed,
                    "failed": c.failed, "skipped": c.skipped, "errors": c.errors, "pass_rate": c.pass_rate,
                    "top_messages": [{"message": m.message, "example": m.example, "count": m.count}
                                     for m in c.messages]}
                   for c in stats.checks],
        "students": [{"student": r.student, "status": r.status, "score": r.score, "max_score": r.max_score,
                      "percent": r.percent, "message": r.message, "graded_now": r.student in fresh,
                      "duration": r.duration,
                      "exercises": {e.exercise: e.score for e in r.exercises},
                      "results": f"{r.student}/results.json", "report": f"{r.student}/report.html"}
                     for r in records],
    }
