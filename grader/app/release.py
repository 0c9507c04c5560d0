"""``grade release``: build and verify the student release (stubs, grader, public checks, recordings).

Composed by :func:`grader.app.root.compose`: refused inside a student release; the given or a
fresh seed (the one whose cases are recorded); one worker pool for recording and replaying.
Exit status: 0 built and verified, 1 verification failed, 2 usage error.

Example:
    >>> from grader.app.root import WIRING
    >>> WIRING["release"].in_release
    'refused'
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["run_release_command"]


def run_release_command(*, out: Path, target: str, seed: int | None, force: bool, timeout: float, notebooks: bool,
                        console: Any, track: str | None = None) -> int:
    """Build the release of ``target`` in ``out``, print what was verified; returns the exit status."""
    from grader.app.root import compose

    with compose("release", seed=seed, track=track) as run:
        from grader.release.build import ReleaseError, build_release
        from grader.sandbox.limits import Limits

        chosen = run.catalog.select(target)
        options = run.options(limits=Limits(timeout=timeout))
        with console.status(f"building the release of {target} (seed {run.seed})…") as status:
            try:
                report = build_release(out, exercises=chosen, seed=run.seed, pool=run.pool, force=force,
                                       options=options, notebooks=notebooks, step=status.update)
            except ReleaseError as exc:
                status.stop()
                raise click.UsageError(str(exc)) from None
    points = sum(e.max_score for e in report.exercises)
    console.print(f"Release in {report.out}: {len(report.exercises)} exercise(s), {points:g} points of public "
                  f"checks, seed {report.seed}; expected values recorded from {report.submissions} submissions "
                  f"(solutions, stubs, mutants): {report.recorded_bytes / 1024:.0f} KiB.")
    for line in report.mismatches:
        console.print(f"[red]replay differs[/red]: {line}")
    for leak in report.leaks:
        console.print(f"[red]solution code inside[/red]: {leak.found_in} has {leak.line!r} ({leak.solution})")
    if report.feedback_differs:
        console.print(f"{len(report.feedback_differs)} check(s) replay with other feedback text than live "
                      f"(same verdict): {', '.join(report.feedback_differs[:5])}")
    if report.ok:
        console.print("Verified: replaying every recorded submission gives the live verdicts; no solution line "
                      "inside. Students install it with `pip install -e .` in that folder.")
    return 0 if report.ok else 1
