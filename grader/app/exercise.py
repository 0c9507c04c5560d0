"""``grade exercise``: grade a student's folder with the public checks, show the report, write the files.

Composed by :func:`grader.app.root.compose` (in a student release: the recorded expected values,
for the release's seed). Exit status: 0 every check passed, 1 not, 2 usage error.

Example:
    >>> callable(run_exercise)
    True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["run_exercise"]


def run_exercise(*, target: str, submission: Path | None, seed: int | None, json_path: Path | None,
                 html_path: Path | None, timeout: float, memory_mb: int, verbose: bool, require_sandbox: bool,
                 console: Any, jobs: int | None = None, track: str | None = None) -> int:
    """Grade ``target`` in ``submission``, print and write the report; returns the exit status.

    The exercises are graded by ``jobs`` judge processes at once (default: one per core)."""
    from grader.app.root import compose
    from grader.sandbox.split import cores

    with compose("exercise", seed=seed, many="/" not in target, jobs=jobs or cores(), track=track) as run:
        from grader.catalog import is_hidden
        from grader.render import render_terminal, write_gradescope_json, write_html
        from grader.sandbox.limits import Limits
        from grader.sandbox.policy import SandboxPolicy, SandboxUnavailable

        chosen = run.catalog.select(target)
        root = run.submission(submission)
        options = run.options(sandbox=SandboxPolicy(require=require_sandbox),
                              limits=Limits(timeout=timeout, memory=memory_mb * 1024**2))
        with console.status(f"grading {target} (seed {run.seed})…") as status:
            def progress(result: Any) -> None:
                status.update(f"graded {result.exercise}: {result.score:g}/{result.max_score:g}")

            try:
                result = run.grade(root, chosen, options=options, on_exercise=progress)
            except SandboxUnavailable as exc:
                status.stop()
                click.echo(f"Error: {exc}", err=True)
                return 2
    render_terminal(result, console, verbose=verbose)
    hidden = [c for e in chosen for c in e.checks if is_hidden(c)]
    if hidden:
        console.print(f"Not run here: {len(hidden)} hidden check(s) ({sum(c.points for c in hidden):g} points) that "
                      f"only your instructor's grading (`grade batch`, `grade ci`) runs.")
    html = write_html(result, html_path or Path("reports") / "report.html")
    console.print(f"HTML report: {html}")
    if json_path:
        console.print(f"results.json: {write_gradescope_json(result, json_path)}")
    return 0 if result.passed else 1
