"""The output folder of a batch, written so that a killed batch can be resumed.

Layout::

    DIR/.batch.json               the batch's seed, target and grader (written first)
    DIR/<student>/results.json    Gradescope format
    DIR/<student>/report.html     the student's report
    DIR/<student>/.grade.json     the student's record and grade key (written last)
    DIR/index.html, grades.csv, summary.json   the class (written at the end)

Every file is written atomically (a temporary file, then ``os.replace``), and
a student's ``.grade.json`` only after both of their files: a student counts
as done exactly when it exists. A re-run reuses a student when that manifest's
key equals the new key and the student was not a grader fault (faults are
always graded again: they may have been transient).

Example:
    >>> import pathlib, tempfile
    >>> from grader.batch.model import StudentOutcome, StudentRecord
    >>> store = OutputStore(pathlib.Path(tempfile.mkdtemp()))
    >>> rec = StudentRecord(student="ann", key="k1", status="graded", score=1.0, max_score=2.0)
    >>> store.save(StudentOutcome(rec, "{}\\n", "<!DOCTYPE html>"))
    >>> store.reusable("ann", "k1") == rec, store.reusable("ann", "k2")
    (True, None)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.batch.model import FAULT, StudentOutcome, StudentRecord
from grader.render._atomic import atomic_write_text

__all__ = ["OutputStore", "RESERVED_NAMES", "RESULTS_FILE", "REPORT_FILE", "MANIFEST_FILE"]

RESULTS_FILE = "results.json"
REPORT_FILE = "report.html"
MANIFEST_FILE = ".grade.json"
BATCH_FILE = ".batch.json"
RESERVED_NAMES = frozenset({"index.html", "grades.csv", "summary.json", BATCH_FILE})
"""Names in ``DIR`` that belong to the class, so no student may be called that."""
_FORMAT = 1


class OutputStore:
    """Reads and writes one batch's output folder ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def student_dir(self, student: str) -> Path:
        """``DIR/<student>``."""
        return self.root / student

    def reusable(self, student: str, key: str) -> StudentRecord | None:
        """The stored record if it can stand for a new grading with ``key``; else None."""
        folder = self.student_dir(student)
        try:
            data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                return None
            record = StudentRecord.from_json(data["record"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if record.key != key or record.student != student or record.status == FAULT:
            return None
        if not ((folder / RESULTS_FILE).is_file() and (folder / REPORT_FILE).is_file()):
            return None
        return record

    def save(self, outcome: StudentOutcome) -> None:
        """Write a student's results, report, then manifest, each atomically."""
        folder = self.student_dir(outcome.record.student)
        atomic_write_text(folder / RESULTS_FILE, outcome.results_json)
        atomic_write_text(folder / REPORT_FILE, outcome.report_html)
        manifest = {"format": _FORMAT, "record": outcome.record.to_json()}
        atomic_write_text(folder / MANIFEST_FILE, json.dumps(manifest, indent=1, sort_keys=True) + "\n")

    def read_batch(self) -> dict[str, Any]:
        """What :meth:`write_batch` stored last time (empty if nothing readable)."""
        try:
            data = json.loads((self.root / BATCH_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_batch(self, meta: dict[str, Any]) -> None:
        """Store the batch's seed and settings before any student is graded."""
        atomic_write_text(self.root / BATCH_FILE, json.dumps(meta, indent=1, sort_keys=True) + "\n")

    def write_text(self, name: str, text: str) -> Path:
        """Write a class-level file ``DIR/<name>`` atomically."""
        return atomic_write_text(self.root / name, text)
