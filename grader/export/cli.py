"""The body of ``grade export``: read the batch and the roster, write the file, list the mismatches.

The file goes to ``--out`` (or standard output); the lists go to standard
error, so that ``grade export canvas graded/ > canvas.csv`` works. Exit
status 0 when the file was written (mismatches are listed, not errors), 2 on
a usage error.

Example:
    $ grade export moodle graded/ --roster moodle.csv --moodle-id email --out moodle.csv

A usage error is raised before anything is read or written:
    >>> import shutil, tempfile
    >>> graded = Path(tempfile.mkdtemp())
    >>> try:
    ...     run_export("csv", graded, roster=None, roster_key=None, assignment="A", out=None,
    ...                per_exercise=True, moodle_id="email", feedback_url=None)
    ... except click.UsageError as exc:
    ...     print(exc)
    --roster and --per-exercise are for canvas and moodle; csv is grades.csv as is
    >>> shutil.rmtree(graded)
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.export.graded import ExportError, read_graded
from grader.export.lms import Export, export_canvas, export_moodle
from grader.export.roster import match_roster, parse_roster
from grader.render._atomic import atomic_write_text

__all__ = ["run_export", "FORMATS"]

FORMATS = ("canvas", "moodle", "csv")


def _make(fmt: str, graded_dir: Path, roster: Path | None, roster_key: str | None, assignment: str,
          per_exercise: bool, moodle_id: str, feedback_url: str | None) -> Export:
    if fmt == "csv":
        if roster is not None or per_exercise:
            raise ExportError("--roster and --per-exercise are for canvas and moodle; csv is grades.csv as is")
        read_graded(graded_dir)
        try:
            return Export((graded_dir / "grades.csv").read_text(encoding="utf-8"))
        except OSError as exc:
            raise ExportError(f"{graded_dir / 'grades.csv'} cannot be read ({exc.strerror or exc})") from None
    graded = read_graded(graded_dir)
    match = None
    if roster is not None:
        try:
            text = roster.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportError(f"the roster {roster} cannot be read ({exc})") from None
        match = match_roster(parse_roster(text), [s.student for s in graded.students], roster_key)
    if fmt == "canvas":
        return export_canvas(graded, match, assignment=assignment, per_exercise=per_exercise)
    return export_moodle(graded, match, assignment=assignment, identity=moodle_id, per_exercise=per_exercise,
                         feedback_url=feedback_url)


def _list(console: Console, title: str, names: list[str], style: str) -> None:
    if names:
        console.print(Text(f"{title} ({len(names)}):", style=style))
        for name in names:
            console.print(Text(f"  {name}"))


def run_export(fmt: str, graded_dir: Path, *, roster: Path | None, roster_key: str | None, assignment: str,
               out: Path | None, per_exercise: bool, moodle_id: str, feedback_url: str | None) -> int:
    """Write the export and list the mismatches on standard error; returns the exit status.

    Composed by :func:`grader.app.root.compose` (nothing is graded: no pool, no seed)."""
    from grader.app.root import compose

    err = Console(stderr=True, width=120) if not sys.stderr.isatty() else Console(stderr=True)
    with compose("export"):
        try:
            result = _make(fmt, Path(graded_dir), roster, roster_key, assignment, per_exercise, moodle_id,
                           feedback_url)
        except ExportError as exc:
            raise click.UsageError(str(exc)) from None
    if out is None:
        sys.stdout.write(result.text)
    else:
        atomic_write_text(out, result.text)
    _list(err, "In the roster, no submission: empty cell, not 0", result.missing, "yellow")
    _list(err, "Submissions not in the roster: left out", result.unknown, "yellow")
    _list(err, "Refused submissions: empty cell, not 0 (each report says why)", result.refused, "yellow")
    _list(err, "GRADER FAULTS: empty cell, not 0 (run grade batch again)", result.faults, "bold magenta")
    rows = max(0, result.text.count("\n") - (2 if fmt == "canvas" else 1))
    err.print(Text(f"{fmt}: {rows} student rows" + (f" -> {out}" if out is not None else "")))
    return 0
