"""``grade selftest``: prove exercises sound (solutions full, stubs zero, every check catches a mutant).

Composed by :func:`grader.app.root.compose`: the live references of ``--solutions`` (or the
project's), the given or a fresh seed, one worker pool. Exit status: 0 sound, 1 not, 2 usage error.

Example:
    >>> from grader.app.root import WIRING
    >>> WIRING["selftest"].include_hidden
    True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["run_selftest_command"]


def run_selftest_command(*, target: str, examples_scale: float, seed: int | None, timeout: float, memory_mb: int,
                         solutions: Path | None, stubs: Path | None, mutants: Path | None, console: Any,
                         track: str | None = None) -> int:
    """Selftest ``target``, print the report; returns the exit status."""
    from grader.app.root import compose

    with compose("selftest", seed=seed, solutions=solutions, track=track) as run:
        from grader.authoring.report import render_selftest
        from grader.authoring.selftest import run_selftest
        from grader.sandbox.limits import Limits

        chosen = run.catalog.select(target)
        if not run.source.folder.is_dir():
            raise click.UsageError(f"solutions folder {run.source.folder} does not exist")
        console.print(f"selftest of {target}: {len(chosen)} exercise(s), seed {run.seed}")
        options = run.options(limits=Limits(timeout=timeout, memory=memory_mb * 1024**2),
                              examples_scale=examples_scale)
        with console.status(f"selftest {target} (seed {run.seed})…") as status:
            report = run_selftest(chosen, seed=run.seed, options=options, solutions=run.source.folder, stubs=stubs,
                                  mutants=mutants, pool=run.pool, on_step=status.update, check_strays=target == "all",
                                  references=run.references)
    render_selftest(report, console)
    return 0 if report.sound else 1
