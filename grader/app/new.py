"""``grade new TOPIC/NAME``: scaffold an exercise (stub, solution, mutant, check declarations).

Composed by :func:`grader.app.root.compose` (no worker pool: nothing is graded). A malformed
id, an id already in the catalog or a file that exists is a usage error (exit 2).

Example:
    >>> run_new("not-an-id", title=None, root=None, console=None)
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: ...
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["run_new"]


def run_new(exercise_id: str, *, title: str | None, root: Path | None, console: Any,
            track: str | None = None) -> int:
    """Write the new exercise's files and say what to do next; returns the exit status (0)."""
    from grader.app.root import compose

    with compose("new", track=track) as run:
        from grader.authoring.scaffold import ScaffoldError, scaffold
        from grader.paths import project_root

        target = (root or project_root()).resolve()
        try:
            written = scaffold(exercise_id, root=target, title=title, track=run.track,
                               known_ids=tuple(e.id for e in run.catalog.all_exercises()))
        except ScaffoldError as exc:
            raise click.UsageError(str(exc)) from None
    for path in written:
        console.print(f"wrote {path.relative_to(target)}")
    if target != project_root().resolve():
        console.print(f"Note: this grader reads its catalog from {project_root() / 'grader'}, not {target}.")
    flag = "" if (track or "pytorch") == "pytorch" else f" --track {track}"
    console.print(f"Next: edit the files, add mutants, then `grade selftest {exercise_id}{flag}`.")
    return 0
