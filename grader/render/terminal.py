"""Render a :class:`~grader.results.RunResult` to a rich console.

Everything that comes from checks or from student code is printed as
:class:`rich.text.Text`, never parsed as rich markup, so ``[bold]`` in feedback
stays literal.

Example:
    >>> import io
    >>> from rich.console import Console
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> c = CheckResult(exercise="ex", check="c1", title="works", status=Status.PASSED,
    ...                 score=1.0, max_score=1.0)
    >>> run = RunResult(seed=7, grader_version="0.1.0", submission="sub",
    ...                 exercises=(ExerciseResult("ex", "Example", (c,)),))
    >>> console = Console(record=True, width=80, file=io.StringIO())
    >>> render_terminal(run, console)
    >>> "seed: 7" in console.export_text()
    True
"""
from __future__ import annotations

import textwrap

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from grader.render._format import (
    FAULT_NOTE,
    STATUS_LABELS,
    STATUS_MARKS,
    exercise_notes,
    fmt_points,
    truncate_output,
)
from grader.results import CheckResult, ExerciseResult, RunResult, Status

__all__ = ["render_terminal"]

_STYLES: dict[Status, str] = {
    Status.PASSED: "green",
    Status.FAILED: "red",
    Status.ERROR: "bold magenta",
    Status.SKIPPED: "dim",
}

_INDENT = "      "


def _block(text: str, indent: str = _INDENT, style: str = "") -> Text:
    """Preformatted text, indented, as a markup-free :class:`Text`.

    Example:
        >>> _block("a\\n[b]", indent="  ").plain
        '  a\\n  [b]'
    """
    return Text(textwrap.indent(text.rstrip("\n"), indent, lambda _line: True), style=style)


def _render_check(check: CheckResult, console: Console) -> None:
    """Print one check line and, unless it passed, its details.

    Example:
        >>> import io
        >>> from grader.results import Status
        >>> c = CheckResult("ex", "c1", "t", Status.SKIPPED, 0.0, 1.0, feedback="earlier failure")
        >>> console = Console(record=True, width=80, file=io.StringIO())
        >>> _render_check(c, console)
        >>> "earlier failure" in console.export_text()
        True
    """
    style = _STYLES[check.status]
    line = Text("  ")
    line.append(STATUS_MARKS[check.status], style=style)
    line.append(" ")
    line.append(check.check, style="bold")
    line.append(f"  {check.title}  ")
    line.append(f"({fmt_points(check.score)}/{fmt_points(check.max_score)})", style=style)
    if check.status is not Status.PASSED:
        line.append(f"  [{STATUS_LABELS[check.status]}]", style=style)
    console.print(line)
    if check.status is Status.PASSED:
        return
    if check.status is Status.ERROR:
        console.print(_block("grader fault — not your fault", style="magenta"))
    if check.feedback:
        console.print(_block(check.feedback))
    if check.failing_case:
        console.print(_block("smallest failing case:", style="bold"))
        console.print(_block(check.failing_case, indent=_INDENT + "  "))
    if check.location is not None:
        console.print(_block(f"at {check.location}", style="cyan"))
        if check.location.source:
            console.print(_block(check.location.source.strip(), indent=_INDENT + "  "))
    for hint in check.hints:
        text = Text(_INDENT)
        text.append("hint:", style="yellow")
        text.append(" " + hint)
        console.print(text)


def _render_exercise(exercise: ExerciseResult, console: Console, verbose: bool) -> None:
    """Print one exercise: header, message, checks, and (verbose) worker output.

    Example:
        >>> import io
        >>> console = Console(record=True, width=80, file=io.StringIO())
        >>> _render_exercise(ExerciseResult("ex", "Example", (), message="hi"), console, False)
        >>> console.export_text().splitlines()[0]
        'ex — Example  0/0'
    """
    header = Text()
    header.append(exercise.exercise, style="bold")
    header.append(f" — {exercise.title}  ")
    style = "green" if exercise.passed else "red"
    header.append(f"{fmt_points(exercise.score)}/{fmt_points(exercise.max_score)}", style=style)
    console.print(header)
    for note in exercise_notes(exercise):
        console.print(_block(note, indent="  ", style="dim"))
    if exercise.message:
        console.print(_block(exercise.message, indent="  ", style="italic"))
    for check in exercise.checks:
        _render_check(check, console)
    if verbose and exercise.output:
        console.print(_block("worker output:", indent="  ", style="dim"))
        console.print(_block(truncate_output(exercise.output), indent="  │ ", style="dim"))
    console.print()


_KINDS = (("Landlock", "Landlock"), ("seccomp", "seccomp"), ("namespace", "namespaces"), ("session", "own session"),
          ("die with it", "subreaper"), ("limit", "limits"), ("core dumps", "limits"))


def protections_line(protections: tuple[str, ...], *, verbose: bool = False) -> str:
    """The confinement in one short line: how many protections and their kinds (the full list with
    ``verbose``, and always in the HTML report).

    Example:
        >>> protections_line(("memory limit (RLIMIT_AS, +3072 MiB)", "Landlock ABI 7: file system limited to ...",
        ...                   "seccomp: no sockets, no exec"))
        '3 active (limits, Landlock, seccomp); -v or the HTML report lists them'
        >>> protections_line(())
        'none'
    """
    if not protections:
        return "none"
    if verbose:
        return ", ".join(protections)
    kinds = [next((kind for needle, kind in _KINDS if needle in p), "other") for p in protections]
    return f"{len(protections)} active ({', '.join(dict.fromkeys(kinds))}); -v or the HTML report lists them"


def render_terminal(run: RunResult, console: Console, *, verbose: bool = False) -> None:
    """Print the whole run: every exercise and check, then the totals and the seed.

    ``verbose`` adds each exercise's (truncated) worker output.

    Example:
        >>> import io
        >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
        >>> c = CheckResult("ex", "c1", "t", Status.ERROR, 0.0, 1.0, feedback="boom")
        >>> run = RunResult(seed=3, grader_version="0.1.0", submission="s",
        ...                 exercises=(ExerciseResult("ex", "Ex", (c,)),))
        >>> console = Console(record=True, width=100, file=io.StringIO())
        >>> render_terminal(run, console)
        >>> "not your fault" in console.export_text()
        True
    """
    for exercise in run.exercises:
        _render_exercise(exercise, console, verbose)

    checks = run.checks
    n_passed = sum(1 for c in checks if c.passed)
    total = Text("total: ", style="bold")
    total.append(f"{fmt_points(run.score)}/{fmt_points(run.max_score)}",
                 style="bold green" if run.passed else "bold red")
    total.append(f"   checks passed: {n_passed}/{len(checks)}")
    console.print(total)
    again = f"--seed {run.seed}" + ("" if run.track == "pytorch" else f" --track {run.track}")
    console.print(Text(f"seed: {run.seed} — re-run with {again} to reproduce"
                       + ("" if run.track == "pytorch" else f" (track: {run.track})")))
    console.print(Text(f"protections: {protections_line(run.protections, verbose=verbose)}"))

    faults = run.faults
    if faults:
        names = "\n".join(f"  ! {c.name}" for c in faults)
        body = Text(f"{len(faults)} check(s) ended in a grader fault:\n{names}\n\n{FAULT_NOTE}")
        console.print()
        console.print(Panel(body, title="grader faults — not your fault",
                            border_style="magenta", expand=False))
