"""Class statistics, message grouping, grades.csv (spreadsheet-safe) and summary.json."""
from __future__ import annotations

import csv
import io

from grader.batch.gradebook import grades_csv, summary_dict
from grader.batch.model import CheckSummary, ExerciseSummary, StudentRecord
from grader.batch.stats import class_stats
from grader.batch.summarise import normalise_message, summarise
from grader.results import CheckResult, ExerciseResult, RunResult, Status


def _record(student: str, statuses: dict[str, str], *, status: str = "graded") -> StudentRecord:
    checks = tuple(CheckSummary("t/e", check, check, s, float(s == "passed"), 1.0,
                                message="" if s == "passed" else f"{check} differs by #", example="x")
                   for check, s in statuses.items())
    score = sum(c.score for c in checks)
    exercise = ExerciseSummary("t/e", "E", score, float(len(checks)),
                               "error" if "error" in statuses.values() else "failed")
    return StudentRecord(student, "k", status, score, float(len(checks)), exercises=(exercise,), checks=checks,
                         protections=("rlimits",))


def test_messages_group_across_students_and_numbers() -> None:
    a = normalise_message("Greatest absolute difference: 0.25 at (0, 1)\nmore", student="ann")
    b = normalise_message("Greatest absolute difference: 1.5e-3 at (0, 1)", student="bob")
    assert a == b
    assert normalise_message("File not found (expected in ann/).", student="ann") == \
        normalise_message("File not found (expected in bob/).", student="bob")


def test_summarise_keeps_the_hint_and_marks_faults() -> None:
    bad = CheckResult("t/e", "fwd", "forward", Status.FAILED, 0.0, 2.0, feedback="Compared net(X).\nMismatch",
                      hints=("The ReLU is missing.",))
    fault = CheckResult("t/e", "grad", "grads", Status.ERROR, 0.0, 1.0, feedback="Grader fault: boom")
    run = RunResult(seed=1, grader_version="0.1.0", submission="ann",
                    exercises=(ExerciseResult("t/e", "E", (bad, fault)),))
    record = summarise(run, student="ann", key="k")
    assert record.status == "fault" and "t/e :: grad" in record.message
    assert record.checks[0].message == "Compared net(X). — hint: The ReLU is missing."
    assert record.exercises[0].status == "error"


def test_stats_separate_faults_and_refusals_from_failures() -> None:
    records = [_record("a", {"fwd": "passed", "grad": "passed"}),
               _record("b", {"fwd": "failed", "grad": "passed"}),
               _record("c", {"fwd": "failed", "grad": "error"}, status="fault"),
               _record("d", {"fwd": "failed", "grad": "failed"}, status="refused")]
    stats = class_stats(records)
    assert (stats.n_students, stats.n_graded, stats.n_refused, stats.n_faults) == (4, 3, 1, 1)
    fwd, grad = stats.checks
    assert (fwd.passed, fwd.failed, fwd.errors) == (1, 2, 0)  # the refused student is not counted
    assert (grad.passed, grad.failed, grad.errors) == (2, 0, 1)  # a fault is not a failure
    assert fwd.messages[0].count == 2 and fwd.messages[0].message == "fwd differs by #"
    assert stats.hardest_checks == (fwd,)
    assert sum(b.count for b in stats.histogram) == 4
    assert stats.protections == ("rlimits",)


def test_grades_csv_imports_as_a_gradebook_and_defuses_formulas() -> None:
    records = [_record("=HYPERLINK(\"x\")", {"fwd": "passed"}), _record("bob", {"fwd": "failed"})]
    rows = list(csv.reader(io.StringIO(grades_csv(records, ["t/e", "t/missing"]))))
    assert rows[0] == ["student", "total", "t/e", "t/missing", "status", "track"]
    assert rows[1] == ["'=HYPERLINK(\"x\")", "1", "1", "0", "graded", "pytorch"]
    assert rows[2] == ["bob", "0", "0", "0", "graded", "pytorch"]
    gluon = list(csv.reader(io.StringIO(grades_csv(records, ["t/e"], "gluon"))))
    assert [row[-1] for row in gluon] == ["track", "gluon", "gluon"]


def test_summary_lists_faults_apart_from_refusals() -> None:
    records = [_record("a", {"fwd": "passed"}), _record("c", {"fwd": "error"}, status="fault"),
               _record("d", {"fwd": "failed"}, status="refused")]
    summary = summary_dict(records, class_stats(records), batch={"seed": 3}, fresh={"a"},
                           exercises=[{"id": "t/e", "title": "E", "max_score": 1.0}])
    assert [f["student"] for f in summary["faults"]] == ["c"]
    assert [r["student"] for r in summary["refused"]] == ["d"]
    assert summary["counts"] == {"students": 3, "graded_now": 1, "reused": 2, "refused": 1, "faults": 1}
    assert summary["seed"] == 3 and summary["students"][0]["report"] == "a/report.html"
