"""A Markdown summary of a CI run, for GitHub's job summary page.

Title with the score and the verdict against ``--min-score``, the seed, a table
per exercise, then every failed check (and grader fault) with its feedback in a
fenced block, trimmed, and the command that reproduces the run locally. The
text comes from the Jinja2 template ``grader/render/templates/ci_summary.md.j2``.

GitHub shows what a step *appends* to the file named by ``$GITHUB_STEP_SUMMARY``;
:func:`append_step_summary` does that (and nothing outside GitHub Actions).

Example:
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> bad = CheckResult("ex/a", "forward", "forward matches", Status.FAILED, 0.0, 3.0,
    ...                   feedback="Shapes differ.")
    >>> run = RunResult(seed=7, grader_version="0.1.0", submission="s",
    ...                 exercises=(ExerciseResult("ex/a", "A", (bad,)),))
    >>> text = summary_markdown(run, min_score=0.5)
    >>> text.splitlines()[0]
    '## ❌ Grade: 0/3 (0%)'
    >>> "grade exercise ex/a --seed 7" in text and "Shapes differ." in text
    True
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import jinja2

from grader.ci.threshold import Verdict, format_min_score, verdict
from grader.render._atomic import atomic_write_text
from grader.render._format import FAULT_NOTE, check_details, fmt_points, percent
from grader.results import CheckResult, RunResult, Status

__all__ = ["summary_markdown", "write_summary", "append_step_summary", "fence", "md_cell", "trim_head"]

_TEMPLATE = "ci_summary.md.j2"
MAX_LISTED = 50
"""At most this many failed checks get a section; the rest are counted (GitHub caps a summary at 1 MiB)."""


def fence(text: str, info: str = "text") -> str:
    """``text`` in a fenced code block whose fence is longer than any backtick run inside.

    Example:
        >>> print(fence("a ``` b"))
        ````text
        a ``` b
        ````
    """
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"


def md_cell(text: str) -> str:
    """Text that stays inside one cell of a Markdown table (one line, no ``|``, no HTML).

    Example:
        >>> md_cell("a | b\\n<c>")
        'a \\\\| b &lt;c&gt;'
    """
    one_line = " ".join(str(text).split())
    return one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def trim_head(text: str, *, max_lines: int = 40, max_chars: int = 3000) -> str:
    """The beginning of ``text`` (feedback says the essential first), noting what was cut.

    Example:
        >>> trim_head("a\\nb\\nc", max_lines=2)
        'a\\nb\\n… (1 more line: see the HTML report)'
        >>> trim_head("x" * 10, max_chars=4)
        'xxxx\\n… (6 more characters: see the HTML report)'
    """
    text = text.rstrip("\n")
    lines = text.splitlines()
    if len(lines) > max_lines:
        more = len(lines) - max_lines
        return "\n".join(lines[:max_lines]) + f"\n… ({more} more line{'s' if more != 1 else ''}: see the HTML report)"
    if len(text) > max_chars:
        return text[:max_chars] + f"\n… ({len(text) - max_chars} more characters: see the HTML report)"
    return text


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The Jinja2 environment of the Markdown template (no HTML autoescaping: Markdown).

    Example:
        >>> _environment().autoescape
        False
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent.parent / "render" / "templates")),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["points"] = fmt_points
    env.filters["cell"] = md_cell
    env.filters["fence"] = fence
    return env


def _reproduce(target: str, seed: int, submission_arg: str | None) -> str:
    """The ``grade exercise`` command that re-runs ``target`` with this seed.

    Example:
        >>> _reproduce("model_construction/mlp", 5, None)
        'grade exercise model_construction/mlp --seed 5'
        >>> _reproduce("all", 5, "my work")
        "grade exercise all --submission 'my work' --seed 5"
    """
    import shlex

    sub = f" --submission {shlex.quote(submission_arg)}" if submission_arg else ""
    return f"grade exercise {shlex.quote(target)}{sub} --seed {seed}"


def _listed(check: CheckResult, run: RunResult, hidden: Collection[str], submission_arg: str | None) -> dict[str, Any]:
    return {"check": check, "details": trim_head(check_details(check)), "hidden": check.name in hidden,
            "reproduce": _reproduce(check.exercise, run.seed, submission_arg)}


def _icon(outcome: Verdict, min_score: float | None) -> str:
    """The title's mark: a neutral one when no threshold is set (the job is green whatever the score).

    Example:
        >>> _icon(Verdict.PASSED, 0.0), _icon(Verdict.PASSED, 0.5), _icon(Verdict.BELOW, 0.5)
        ('📝', '✅', '❌')
    """
    if outcome is Verdict.FAULT:
        return "⚠️"
    if outcome is Verdict.BELOW:
        return "❌"
    return "✅" if min_score is None or min_score > 0 else "📝"


def summary_markdown(run: RunResult, *, min_score: float | None = 0.0, hidden: Collection[str] = (),
                     target: str = "all", submission_arg: str | None = None, report: str | None = None,
                     max_listed: int = MAX_LISTED) -> str:
    """The summary as Markdown.

    ``hidden`` holds the names (``"<exercise> :: <check>"``) of hidden checks, which
    ``grade exercise`` does not run locally; ``target`` and ``submission_arg`` (as the
    student typed it, or None for the default) make the reproduce command; ``report``
    names the HTML report.

    Example:
        >>> from grader.results import RunResult
        >>> run = RunResult(seed=2, grader_version="0.1.0", submission="s", exercises=())
        >>> "no minimum score" in summary_markdown(run)
        True
    """
    outcome = verdict(run, min_score)
    checks = run.checks
    problems = [c for c in checks if c.status in (Status.FAILED, Status.ERROR)]
    listed = [_listed(c, run, hidden, submission_arg) for c in problems[:max_listed]]
    exercises = [{"result": e, "passed": sum(1 for c in e.checks if c.passed), "total": len(e.checks)}
                 for e in run.exercises]
    return _environment().get_template(_TEMPLATE).render(
        run=run, verdict=outcome.value, Verdict=Verdict, icon=_icon(outcome, min_score),
        percent=fmt_points(round(percent(run.score, run.max_score), 2)),
        min_score=min_score, threshold=format_min_score(min_score),
        n_checks=len(checks), n_passed=sum(1 for c in checks if c.passed),
        n_skipped=sum(1 for c in checks if c.status is Status.SKIPPED),
        n_hidden=sum(1 for c in checks if c.name in hidden),
        exercises=exercises, listed=listed, omitted=len(problems) - len(listed),
        faults=len(run.faults), fault_note=FAULT_NOTE,
        reproduce=_reproduce(target, run.seed, submission_arg), report=report,
    )


def write_summary(run: RunResult, path: Path, **options: Any) -> Path:
    """Write :func:`summary_markdown` (same keyword options) to ``path`` atomically.

    Example:
        >>> import pathlib, tempfile
        >>> from grader.results import RunResult
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "summary.md"
        >>> run = RunResult(seed=2, grader_version="0.1.0", submission="s", exercises=())
        >>> write_summary(run, p).read_text(encoding="utf-8").startswith("## ")
        True
    """
    return atomic_write_text(Path(path), summary_markdown(run, **options))


def append_step_summary(markdown: str, path: str | os.PathLike[str] | None = None) -> Path | None:
    """Append ``markdown`` to ``path`` (default ``$GITHUB_STEP_SUMMARY``); None when there is no such file.

    Appending is GitHub's convention: every step may add to the job's summary.

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "step.md"
        >>> _ = p.write_text("earlier\\n")
        >>> append_step_summary("## Grade\\n", p).read_text()
        'earlier\\n## Grade\\n'
        >>> append_step_summary("x", "") is None
        True
    """
    target = os.environ.get("GITHUB_STEP_SUMMARY", "") if path is None else str(path)
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return Path(target)
