"""The body of ``grade ci``: grade every check (public and hidden), write the CI files, pick the exit status.

In a student release (``grade release``), the release's recorded expected values
are replayed for its seed, as ``grade exercise`` does there; ``--seed`` must then
be that seed or absent.

Files written to ``--out`` (default ``grade-results/``), each atomically:
``junit.xml`` (:mod:`grader.ci.junit`), ``results.json`` (Gradescope format, as
``grade exercise --json``), ``summary.md`` (:mod:`grader.ci.summary`, also
appended to ``$GITHUB_STEP_SUMMARY`` when that is set) and ``report.html`` (as
``grade exercise --html``). When ``$GITHUB_OUTPUT`` is set, the step outputs
``score``, ``max_score``, ``percent`` and ``verdict`` are appended to it.

Exit status (see :mod:`grader.ci.threshold`): 0 at or above ``--min-score``,
1 below it, 2 usage error, 3 grader fault.

Example:
    $ grade ci --submission exercises --out grade-results --min-score 60%
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from grader.ci.junit import write_junit
from grader.ci.summary import append_step_summary, summary_markdown
from grader.ci.threshold import EXIT_USAGE, Verdict, format_min_score, verdict
from grader.render._atomic import atomic_write_text
from grader.render._format import fmt_points, percent
from grader.results import RunResult

__all__ = ["CiOutputs", "hidden_checks", "write_outputs", "run_ci_command"]


@dataclass(frozen=True)
class CiOutputs:
    """Where ``grade ci`` wrote its files; ``step_summary`` is None outside GitHub Actions."""

    junit: Path
    results: Path
    summary: Path
    report: Path
    step_summary: Path | None = None


def hidden_checks(exercises: Iterable[object]) -> frozenset[str]:
    """The names (``"<exercise> :: <check>"``) of the hidden checks of ``exercises``.

    Example:
        >>> from grader.catalog import select
        >>> isinstance(hidden_checks(select("model_construction/mlp")), frozenset)
        True
    """
    return frozenset(f"{ex.id} :: {c.id}" for ex in exercises for c in ex.checks  # type: ignore[attr-defined]
                     if getattr(c, "hidden", False))


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it (what a log reader wants).

    Example:
        >>> _shown(Path.cwd() / "grade-results" / "report.html")
        'grade-results/report.html'
    """
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def write_outputs(run: RunResult, out: Path, *, min_score: float | None, hidden: frozenset[str] = frozenset(),
                  target: str = "all", submission_arg: str | None = None, path_prefix: str = "",
                  step_summary: str | None = None) -> CiOutputs:
    """Write junit.xml, results.json, summary.md and report.html into ``out``; append the summary
    to ``step_summary`` (default ``$GITHUB_STEP_SUMMARY``, nothing when unset or empty).

    Example:
        >>> import pathlib, tempfile
        >>> run = RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=())
        >>> outs = write_outputs(run, pathlib.Path(tempfile.mkdtemp()), min_score=0.0, step_summary="")
        >>> sorted(p.name for p in (outs.junit, outs.results, outs.summary, outs.report))
        ['junit.xml', 'report.html', 'results.json', 'summary.md']
    """
    from grader.render import write_gradescope_json, write_html

    out = Path(out)
    report = write_html(run, out / "report.html")
    markdown = summary_markdown(run, min_score=min_score, hidden=hidden, target=target,
                                submission_arg=submission_arg, report=_shown(report))
    return CiOutputs(
        junit=write_junit(run, out / "junit.xml", path_prefix=path_prefix),
        results=write_gradescope_json(run, out / "results.json"),
        summary=atomic_write_text(out / "summary.md", markdown),
        report=report,
        step_summary=append_step_summary(markdown, step_summary),
    )


def _github_output(run: RunResult, outcome: Verdict) -> None:
    """Append the step outputs to ``$GITHUB_OUTPUT`` (GitHub Actions), if set."""
    target = os.environ.get("GITHUB_OUTPUT", "")
    if not target:
        return
    lines = [f"score={fmt_points(run.score)}", f"max_score={fmt_points(run.max_score)}",
             f"percent={fmt_points(round(percent(run.score, run.max_score), 2))}", f"verdict={outcome.value}"]
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def _path_prefix(root: Path) -> str:
    """What to put before a path relative to the submission to make it relative to the current folder.

    Example:
        >>> _path_prefix(Path.cwd() / "exercises"), _path_prefix(Path.cwd())
        ('exercises/', '')
    """
    shown = _shown(root)
    return "" if shown == "." else shown.rstrip("/") + "/"


def run_ci_command(*, target: str, submission: Path | None, min_score: float | None, seed: int | None, timeout: float,
                   memory_mb: int, out: Path, require_sandbox: bool, verbose: bool, console: Console,
                   track: str | None = None) -> int:
    """Grade, print the terminal report, write the CI files; returns the exit status.

    The installation, seed, references and worker pool come from :func:`grader.app.root.compose`."""
    from grader.app.root import compose

    with compose("ci", seed=seed, track=track) as composed:
        from grader.render import render_terminal
        from grader.sandbox.limits import Limits
        from grader.sandbox.policy import SandboxPolicy, SandboxUnavailable

        root = composed.submission(submission)
        chosen = composed.catalog.select(target)
        options = composed.options(sandbox=SandboxPolicy(require=require_sandbox),
                                   limits=Limits(timeout=timeout, memory=memory_mb * 1024**2))
        console.print(Text(f"grading {target} in {_shown(root)} (seed {composed.seed}, every check, public and "
                           f"hidden)"))

        def progress(result) -> None:  # type: ignore[no-untyped-def]
            console.print(Text(f"  graded {result.exercise}: {fmt_points(result.score)}/"
                               f"{fmt_points(result.max_score)}"))

        try:
            run = composed.grade(root, chosen, options=options, on_exercise=progress)
        except SandboxUnavailable as exc:
            click.echo(f"Error: {exc}", err=True)
            return EXIT_USAGE
    console.print()
    render_terminal(run, console, verbose=verbose)
    outcome = verdict(run, min_score)
    outputs = write_outputs(run, out, min_score=min_score, hidden=hidden_checks(chosen), target=target,
                            submission_arg=str(submission) if submission is not None else None,
                            path_prefix=_path_prefix(root))
    _github_output(run, outcome)
    console.print()
    for label, path in (("JUnit XML", outputs.junit), ("results.json", outputs.results),
                        ("summary", outputs.summary), ("HTML report", outputs.report)):
        console.print(Text(f"{label}: {_shown(path)}"))
    if outputs.step_summary:
        console.print(Text("summary appended to $GITHUB_STEP_SUMMARY"))
    pct = fmt_points(round(percent(run.score, run.max_score), 2))
    lines = {
        Verdict.PASSED: (("passed: every check" if min_score is None
                          else f"passed: {pct}% of the points, {format_min_score(min_score)} needed" if min_score > 0
                          else f"graded: {pct}% of the points (--min-score 0)"), "bold green"),
        Verdict.BELOW: ((f"not every check passed: {pct}% of the points (exit 1; --min-score sets a lower pass mark)"
                         if min_score is None else
                         f"below the threshold: {pct}% of the points, {format_min_score(min_score)} needed (exit 1)"),
                        "bold red"),
        Verdict.FAULT: (f"grader fault in {len(run.faults)} check(s): not your fault, please report it with "
                        f"the seed {run.seed} (exit 3)", "bold magenta"),
    }
    text, style = lines[outcome]
    console.print(Text(text, style=style))
    sys.stdout.flush()
    return outcome.exit_code
