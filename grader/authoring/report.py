"""The terminal report of `grade selftest`: one table per exercise, then a summary.

Example:
    >>> from rich.console import Console
    >>> render_selftest(report, Console())  # doctest: +SKIP
"""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.authoring.selftest import ExerciseAudit, SelftestReport
from grader.results import CheckResult

__all__ = ["render_selftest"]

_OK, _BAD = "[green]", "[bold red]"


def render_selftest(report: SelftestReport, console: Console) -> None:
    """Print a table per exercise (solution, stub, each mutant, untested checks) and a summary."""
    for audit in report.audits:
        console.print(_table(audit))
    _summary(report, console)


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _checks(results: tuple[CheckResult, ...], feedback: bool = False) -> str:
    if not feedback:
        return ", ".join(escape(c.check) for c in results)
    return "\n".join(f"{escape(c.check)} ({c.status.value}): {escape(_short(c.feedback))}" for c in results)


def _table(audit: ExerciseAudit) -> Table:
    ex = audit.exercise
    hidden = [c.id for c in ex.checks if getattr(c, "hidden", False)]
    mark = _OK + "sound[/]" if audit.sound else _BAD + "NOT SOUND[/]"
    table = Table(title=f"{escape(ex.id)}: {escape(ex.title)} — {mark}", title_justify="left", show_lines=False,
                  caption=f"checks: {', '.join(escape(c) + (' (hidden)' if c in hidden else '') for c in audit.check_ids)}",
                  caption_justify="left")
    table.add_column("graded", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("checks failed / details")

    sol = audit.solution
    if audit.solution_failures:
        table.add_row("solution", f"{sol.score:g}/{sol.max_score:g}", _BAD + "not full[/]",
                      _checks(audit.solution_failures, feedback=True))
    else:
        table.add_row("solution", f"{sol.score:g}/{sol.max_score:g}", _OK + "full[/]", "")

    stub = audit.stub
    if not audit.stub_present:
        table.add_row("stub", "-", _BAD + "missing[/]", f"no exercises/{escape(ex.path)}")
    elif audit.stub_points:
        table.add_row("stub", f"{stub.score:g}/{stub.max_score:g}", _BAD + "gives points[/]",
                      _checks(audit.stub_points))
    else:
        table.add_row("stub", f"{stub.score:g}/{stub.max_score:g}", _OK + "zero[/]", "")

    if not audit.mutants:
        table.add_row("mutants", "-", _BAD + "none[/]", "declare MUTANTS in its declaration module")
    for v in audit.mutants:
        label = f"mutant {escape(v.mutant.slug)}"
        what = f"[dim]{escape(v.mutant.bug) or '(no docstring)'}[/]"
        score = f"{v.result.score:g}/{v.result.max_score:g}"
        if v.caught:
            table.add_row(label, score, _OK + "caught[/]", f"{_checks_named(v.failed)}\n{what}")
        else:
            table.add_row(label, score, _BAD + "NOT CAUGHT[/]", what)
        if v.faults:
            table.add_row("", "", _BAD + "grader fault[/]", _checks(v.faults, feedback=True))
        if v.caught and v.unmet:
            table.add_row("", "", "[yellow]not as declared[/]", escape("\n".join(v.unmet)))
    if audit.untested:
        table.add_row("untested", "", _BAD + "no mutant fails[/]", ", ".join(escape(c) for c in audit.untested))
    for who, c in audit.faults:
        if who in ("solution", "stub") and not (who == "solution" and c in audit.solution_failures):
            table.add_row(who, "", _BAD + "grader fault[/]", _checks((c,), feedback=True))
    return table


def _checks_named(ids: tuple[str, ...]) -> str:
    return "fails " + ", ".join(escape(c) for c in ids)


def _summary(report: SelftestReport, console: Console) -> None:
    sound = [a for a in report.audits if a.sound]
    console.print(f"\n{len(report.audits)} exercise(s), {report.mutant_count} mutant(s), "
                  f"{sum(len(a.check_ids) for a in report.audits)} check(s); seed {report.seed}, "
                  f"examples scale {report.examples_scale:g}, {report.duration:.1f} s.")
    for path in report.strays:
        console.print(f"[yellow]warning:[/] {escape(str(path))} belongs to no exercise of the catalog.")
    if report.sound:
        console.print(f"{_OK}Sound:[/] every solution scores full, every stub scores zero, every mutant is caught "
                      "and every check fails on at least one mutant.")
        return
    console.print(f"{_BAD}Not sound:[/] {len(report.audits) - len(sound)} exercise(s) with defects:")
    for audit in report.audits:
        for problem in audit.problems:
            console.print(f"  {escape(audit.exercise.id)}: {escape(problem)}")
    track = report.audits[0].exercise.track if report.audits else "pytorch"
    flag = "" if track == "pytorch" else f" --track {track}"
    console.print(f"Reproduce with `grade selftest … --seed {report.seed}{flag}`.")
