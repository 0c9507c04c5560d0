"""``check("model_construction/mlp")`` from a Jupyter cell: grade the notebook's code in the
confined worker, never in the kernel, and show the report inline.

The code is written as a topic notebook ``<topic>.ipynb`` (one per topic graded) in a fresh
temporary submission folder and graded by the same engine as ``grade exercise`` (public checks;
a student release's recorded expected values). The report shows as HTML in Jupyter and Colab
(:meth:`CheckReport._repr_html_`, from a Jinja2 template) and as text elsewhere.

Example:
    >>> from grader.results import RunResult
    >>> from grader.notebooks.source import from_history
    >>> report = CheckReport(RunResult(seed=1, grader_version="0", submission="s", exercises=()),
    ...                      from_history(["", "x = 1"]))
    >>> "input history" in repr(report), "<div" in report._repr_html_()
    (True, True)
"""
from __future__ import annotations

import dataclasses
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.notebooks.source import CheckSource, kernel_source
from grader.results import RunResult

__all__ = ["CheckReport", "check", "grade_source"]


@dataclass(frozen=True)
class CheckReport:
    """A run and the source it graded; shows itself as HTML (Jupyter) or text."""

    run: RunResult
    source: CheckSource

    def text(self) -> str:
        from rich.console import Console

        from grader.render import render_terminal

        console = Console(record=True, width=100, file=io.StringIO(), color_system=None, force_jupyter=False)
        render_terminal(self.run, console)
        return f"Graded {self.source.label}.\n\n" + console.export_text()

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        import jinja2

        from grader.render._format import STATUS_LABELS, exercise_notes, fmt_points

        env = jinja2.Environment(loader=jinja2.PackageLoader("grader.notebooks", "templates"),
                                 autoescape=True, trim_blocks=True, lstrip_blocks=True)
        env.filters["points"] = fmt_points
        return env.get_template("check.html.j2").render(run=self.run, source=self.source, notes=exercise_notes,
                                                       labels={s.value: t for s, t in STATUS_LABELS.items()})


def grade_source(source: CheckSource, target: str, *, seed: int | None = None, timeout: float = 60.0,
                 pool: Any = None, track: str | None = None) -> RunResult:
    """Grade ``source`` for ``target`` (an exercise id, a topic or ``all``) like ``grade exercise``:
    the installation, seed and references come from :func:`grader.app.root.compose`; ``pool``
    (kept open) or one started for this call (closed after it)."""
    from grader.app.root import compose

    with compose("check", seed=seed, pool=pool, track=track) as run:
        from grader.sandbox.limits import Limits

        chosen = run.catalog.select(target)
        options = run.options(limits=Limits(timeout=timeout))
        with tempfile.TemporaryDirectory(prefix="grade-check-") as tmp:
            root = Path(tmp) / "notebook"
            root.mkdir()
            for topic in dict.fromkeys(e.topic for e in chosen):
                (root / f"{topic}.ipynb").write_text(json.dumps(source.notebook), encoding="utf-8")
            return relabel(run.grade(root, chosen, options=options), source.name)


def relabel(run: RunResult, name: str) -> RunResult:
    """``run`` with the graded copy's file (``<topic>.ipynb``) named as the student knows it, and
    no note about which copy was graded (the report's first line says what was).

    Example:
        >>> from grader.results import CheckResult, ExerciseResult, Location, Status
        >>> c = CheckResult("m/a", "f", "t", Status.FAILED, 0.0, 1.0, location=Location("m.ipynb", 2, cell=3))
        >>> run = RunResult(1, "0", "s", (ExerciseResult("m/a", "A", (c,), source="Graded m.ipynb."),))
        >>> str(relabel(run, "work.ipynb").checks[0].location), relabel(run, "work.ipynb").exercises[0].source
        ('work.ipynb, cell 3, line 2', '')
    """
    def check(c: Any) -> Any:
        moved = c.location and c.location.path.endswith(".ipynb") and "/" not in c.location.path
        return dataclasses.replace(c, location=dataclasses.replace(c.location, path=name)) if moved else c

    return dataclasses.replace(run, exercises=tuple(
        dataclasses.replace(e, source="", checks=tuple(check(c) for c in e.checks),
                            message=e.message.replace(f"{e.exercise.split('/')[0]}.ipynb", name))
        for e in run.exercises))


def check(target: str = "all", *, path: str | Path | None = None, seed: int | None = None,
          timeout: float = 60.0, show: bool = True, track: str | None = None) -> CheckReport | None:
    """Grade the code this notebook holds now for ``target`` and show the report inline.

    The saved notebook is graded when its path is known (or given as ``path``), else the
    kernel's input history; the report says which. With ``show=False`` the report is returned
    instead of shown. ``track``: ``"gluon"`` for an MXNet Gluon notebook (a student release knows its own).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python, no IPython installed
        def get_ipython() -> None:  # type: ignore[misc]
            return None
    source = kernel_source(get_ipython(), path)
    report = CheckReport(grade_source(source, target, seed=seed, timeout=timeout, track=track), source)
    if not show:
        return report
    try:
        from IPython.display import display
    except ImportError:
        print(report.text())
        return None
    display(report)
    return None
