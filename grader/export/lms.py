"""Gradebook files for Canvas and Moodle from a batch, a roster optional.

Every row is one student of the roster (in roster order), or without a
roster one submission (in id order, the submission id standing for the
student). A student's grade cell is their total in points; it is **empty,
never 0**, when the roster student has no submission, when the submission was
refused, or when a grader fault left it without a real grade (both LMSs
read an empty cell as "no grade", which changes nothing). Submissions with
no roster row are left out. All four groups are listed in the
:class:`Export` for the instructor. Every text cell goes through
:func:`grader.batch.gradebook.safe_cell` (no spreadsheet formulas).

**Canvas** (its Gradebook "Import" of the CSV its "Export" writes): the
columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column
per assignment, then a ``Points Possible`` row under the header. Canvas reads
a header ``Title (123)`` as its assignment number 123 and any other header as
a new assignment with that title, whose points it takes from the
``Points Possible`` row: ``--assignment`` is therefore written as given, so
pass ``"Lab 3 (48213)"`` (the header of Canvas's own export) to fill an
existing assignment, or a plain title to create one. ``--per-exercise`` adds
``<title>: <exercise id>`` columns (new assignments).

**Moodle** (Grades → Import → CSV file, where each column is mapped by
hand): an identity column (``Email address``, ``ID number`` or ``Username``,
Moodle's "Map from" choices with their "Map to" ``useremail``,
``useridnumber``, ``username``), the grade column, a ``<title> (feedback)``
column (a link to the student's report, or a short summary), and with
``--per-exercise`` one grade column per exercise.

Example:
    >>> from grader.export.graded import GradedClass, GradedStudent
    >>> graded = GradedClass(Path("."), (("t/a", "A", 4.0),), (GradedStudent("ann", "graded", 3.0, 4.0, {"t/a": 3.0}),
    ...                      GradedStudent("bob", "refused", 0.0, 4.0)))
    >>> out = export_canvas(graded, None, assignment="Lab")
    >>> print(out.text, end="")
    Student,ID,SIS User ID,SIS Login ID,Section,Lab
    Points Possible,,,,,4
    ann,,,ann,,3
    bob,,,bob,,
    >>> out.refused
    ['bob']
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path  # noqa: F401 - used by the examples
from typing import Sequence
from urllib.parse import quote

from grader.batch.gradebook import safe_cell
from grader.export.graded import ExportError, GradedClass, GradedStudent
from grader.export.roster import RosterMatch
from grader.render._format import fmt_points

__all__ = ["Export", "CANVAS_IDENTITY", "MOODLE_IDENTITY", "export_canvas", "export_moodle"]

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTITY = {"email": ("Email address", ("Email address", "Email", "email")),
                   "idnumber": ("ID number", ("ID number", "ID Number", "idnumber")),
                   "username": ("Username", ("Username", "username"))}
_CANVAS_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")


@dataclass(frozen=True)
class Export:
    """The file's text and the students the instructor must look at."""

    text: str
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)


def _entries(graded: GradedClass, match: RosterMatch | None) -> list[tuple[dict[str, str], GradedStudent | None]]:
    by_id = {s.student: s for s in graded.students}
    if match is None:
        return [({"Student": s.student, "SIS Login ID": s.student, "submission": s.student}, s)
                for s in graded.students]
    return [(row, by_id[sid] if sid is not None else None) for row, sid in match.rows]


def _cells(student: GradedStudent | None, exercises: Sequence[str]) -> list[str]:
    """The total and the per-exercise cells: points, or empty without a real grade."""
    if student is None or student.status != "graded":
        return [""] * (1 + len(exercises))
    return [fmt_points(student.score), *(fmt_points(student.exercises.get(e, 0.0)) for e in exercises)]


def _export(graded: GradedClass, match: RosterMatch | None, rows: list[list[str]]) -> Export:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[safe_cell(c) for c in row] for row in rows])
    exported = {s.student for _, s in _entries(graded, match) if s is not None}
    return Export(buf.getvalue(), list(match.missing) if match else [], list(match.unknown) if match else [],
                  [s.student for s in graded.students if s.status == "refused" and s.student in exported],
                  [s.student for s in graded.students if s.status == "fault" and s.student in exported])


def _title(assignment: str) -> str:
    """The assignment's title without Canvas's ``(number)``.

    Example:
        >>> _title("Lab 3 (48213)"), _title("Lab (draft)")
        ('Lab 3', 'Lab (draft)')
    """
    m = _CANVAS_ID.match(assignment)
    return m.group(1) if m else assignment


def export_canvas(graded: GradedClass, match: RosterMatch | None, *, assignment: str,
                  per_exercise: bool = False) -> Export:
    """Canvas's gradebook CSV (see the module docstring)."""
    exercises = [e for e, _, _ in graded.exercises] if per_exercise else []
    header = [*CANVAS_IDENTITY, assignment, *(f"{_title(assignment)}: {e}" for e in exercises)]
    points = ["Points Possible", "", "", "", "", fmt_points(graded.max_score),
              *(fmt_points(m) for e, _, m in graded.exercises if e in exercises)]
    rows = [header, points]
    for row, student in _entries(graded, match):
        rows.append([row.get(c, "") for c in CANVAS_IDENTITY] + _cells(student, exercises))
    return _export(graded, match, rows)


def _feedback(student: GradedStudent | None, graded: GradedClass, feedback_url: str | None) -> str:
    if student is None:
        return ""
    if feedback_url:
        return f"{feedback_url.rstrip('/')}/{quote(student.student, safe='')}/report.html"
    if student.status != "graded":
        return ""
    full = sum(1 for e, _, m in graded.exercises if student.exercises.get(e, 0.0) >= m)
    percent = 100 * student.score / student.max_score if student.max_score else 0.0
    return (f"{fmt_points(student.score)}/{fmt_points(student.max_score)} points ({percent:.1f}%), "
            f"full marks on {full} of {len(graded.exercises)} exercises; seed {graded.seed}, "
            f"grader {graded.grader_version}" + ("" if graded.track == "pytorch" else f", track {graded.track}"))


def export_moodle(graded: GradedClass, match: RosterMatch | None, *, assignment: str, identity: str = "email",
                  per_exercise: bool = False, feedback_url: str | None = None) -> Export:
    """Moodle's CSV grade import (see the module docstring)."""
    if identity not in MOODLE_IDENTITY:
        raise ExportError(f"unknown Moodle identity {identity!r}; use one of {', '.join(MOODLE_IDENTITY)}")
    label, sources = MOODLE_IDENTITY[identity]
    if match is not None:
        source = next((c for c in sources if any(c in r for r, _ in match.rows)), None)
        if source is None:
            raise ExportError(f"the roster has no {label!r} column for --moodle-id {identity}")
    exercises = [e for e, _, _ in graded.exercises] if per_exercise else []
    rows = [[label, assignment, f"{assignment} (feedback)", *(f"{assignment}: {e}" for e in exercises)]]
    for row, student in _entries(graded, match):
        who = row.get(source, "") if match is not None else row["submission"]
        total, *parts = _cells(student, exercises)
        rows.append([who, total, _feedback(student, graded, feedback_url), *parts])
    return _export(graded, match, rows)
