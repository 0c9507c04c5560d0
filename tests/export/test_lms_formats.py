"""Canvas and Moodle files against the layouts their importers read, with rosters that do not match the class."""
from __future__ import annotations

import csv
import io
import re

from pathlib import Path

import pytest

from grader.export.graded import ExportError, GradedClass, GradedStudent
from grader.export.lms import CANVAS_IDENTITY, export_canvas, export_moodle
from grader.export.roster import match_roster, parse_roster

CLASS = GradedClass(Path("graded"), (("model_construction/mlp", "MLP", 10.0), ("parameters/init", "Init", 5.5)), (
    GradedStudent("ann", "graded", 12.5, 15.5, {"model_construction/mlp": 10.0, "parameters/init": 2.5}),
    GradedStudent("bob", "graded", 0.0, 15.5, {"model_construction/mlp": 0.0, "parameters/init": 0.0}),
    GradedStudent("cat", "refused", 0.0, 15.5),
    GradedStudent("dan", "fault", 7.0, 15.5, {"model_construction/mlp": 7.0, "parameters/init": 0.0}),
    GradedStudent("zed", "graded", 15.5, 15.5, {"model_construction/mlp": 10.0, "parameters/init": 5.5}),
), seed=42, grader_version="0.1.0")

# As Canvas's "Export Entire Gradebook" writes it (with a read-only total column and the Points Possible row).
CANVAS_ROSTER = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Lab 1 (48213),Current Score
    Points Possible,,,,,10,(read only)
"Lee, Ann",1001,S-1,ann,Sec A,,
"Ray, Bob",1002,S-2,BOB,Sec A,,
"Cho, Cat",1003,S-3,cat,Sec B,,
"Dun, Dan",1004,S-4,dan,Sec B,,
"=HYPERLINK(""http://x"")",1005,S-5,eve,Sec B,,
"""

# As Moodle's "Export to plain text file" writes it.
MOODLE_ROSTER = """First name,Last name,ID number,Institution,Department,Email address,Last downloaded from this course
Ann,Lee,S-1,,,ann@uni.example,
Bob,Ray,S-2,,,bob@uni.example,
Eve,Sun,S-5,,,eve@uni.example,
"""


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _canvas_import(text: str) -> tuple[list[str], dict[str, str], list[list[str]]]:
    """Read the file the way Canvas's GradebookImporter does: header checks, Points Possible row, students."""
    header, *rows = _rows(text)
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1]
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    assert "Section" in header[4], "the last student-information column must be Section"
    points = [r for r in rows if "Points Possible" in r[0]]
    assert len(points) == 1 and rows[0] is points[0], "the Points Possible row comes right after the header"
    return header, dict(zip(header[5:], points[0][5:])), rows[1:]


def test_canvas_with_a_canvas_roster() -> None:
    match = match_roster(parse_roster(CANVAS_ROSTER), [s.student for s in CLASS.students])
    assert match.key == "SIS Login ID"
    out = export_canvas(CLASS, match, assignment="Lab 1 (48213)")
    header, points, students = _canvas_import(out.text)
    assert header == [*CANVAS_IDENTITY, "Lab 1 (48213)"] and points == {"Lab 1 (48213)": "15.5"}
    by_login = {r[3]: r for r in students}
    assert by_login["ann"] == ["Lee, Ann", "1001", "S-1", "ann", "Sec A", "12.5"]
    assert by_login["BOB"][5] == "0", "a graded 0 is a 0"
    assert by_login["cat"][5] == "" and by_login["dan"][5] == "", "refused and faulted: empty, never 0"
    assert by_login["eve"] == ["'=HYPERLINK(\"http://x\")", "1005", "S-5", "eve", "Sec B", ""]
    assert len(students) == 5 and "zed" not in out.text
    assert (out.missing, out.unknown, out.refused, out.faults) == (
        ['=HYPERLINK("http://x") (eve)'], ["zed"], ["cat"], ["dan"])


def test_canvas_per_exercise_and_a_new_assignment() -> None:
    out = export_canvas(CLASS, None, assignment="DLC", per_exercise=True)
    header, points, students = _canvas_import(out.text)
    assert header[5:] == ["DLC", "DLC: model_construction/mlp", "DLC: parameters/init"]
    assert points == {"DLC": "15.5", "DLC: model_construction/mlp": "10", "DLC: parameters/init": "5.5"}
    assert [r[0] for r in students] == ["ann", "bob", "cat", "dan", "zed"], "no roster: one row per submission"
    assert students[0][3] == "ann" and students[0][5:] == ["12.5", "10", "2.5"]
    assert students[2][5:] == ["", "", ""] and students[3][5:] == ["", "", ""]
    assert not re.search(r"\(\d+\)$", header[6]), "an exercise column never looks like a Canvas assignment id"


def test_moodle_by_email_with_a_moodle_roster() -> None:
    roster = parse_roster(MOODLE_ROSTER)
    match = match_roster(roster, [s.student for s in CLASS.students])
    assert match.key == "Email address", "ann@uni.example matches the submission ann"
    out = export_moodle(CLASS, match, assignment="Lab 1")
    header, *rows = _rows(out.text)
    assert header == ["Email address", "Lab 1", "Lab 1 (feedback)"]
    assert rows[0][:2] == ["ann@uni.example", "12.5"] and "12.5/15.5 points" in rows[0][2]
    assert rows[1][:2] == ["bob@uni.example", "0"]
    assert rows[2] == ["eve@uni.example", "", ""], "no submission: empty grade and feedback"
    assert out.missing == ["Eve Sun (eve@uni.example)"] and out.unknown == ["cat", "dan", "zed"]


def test_moodle_idnumber_links_and_per_exercise() -> None:
    roster = parse_roster(MOODLE_ROSTER.replace("S-2", "bob"))
    match = match_roster(roster, ["ann", "bob"], key="ID number")
    assert [s for _, s in match.rows] == [None, "bob", None]
    out = export_moodle(CLASS, match, assignment="Lab", identity="idnumber", per_exercise=True,
                        feedback_url="https://lms.example/graded/")
    header, *rows = _rows(out.text)
    assert header == ["ID number", "Lab", "Lab (feedback)", "Lab: model_construction/mlp", "Lab: parameters/init"]
    assert rows[1] == ["bob", "0", "https://lms.example/graded/bob/report.html", "0", "0"]
    assert rows[0] == ["S-1", "", "", "", ""]


def test_roster_problems_are_usage_errors() -> None:
    with pytest.raises(ExportError, match="none of the columns"):
        match_roster(parse_roster("Name,Grade\nAnn,1\n"), ["ann"])
    with pytest.raises(ExportError, match="not a column"):
        match_roster(parse_roster(MOODLE_ROSTER), ["ann"], key="Login")
    with pytest.raises(ExportError, match="two roster rows match"):
        match_roster(parse_roster("Username\nann\nANN\n"), ["ann"])
    with pytest.raises(ExportError, match="no 'Username' column"):
        export_moodle(CLASS, match_roster(parse_roster(MOODLE_ROSTER), ["ann"]), assignment="L", identity="username")
    with pytest.raises(ExportError, match="empty"):
        parse_roster("")

