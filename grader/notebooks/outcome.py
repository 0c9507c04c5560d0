"""What a notebook's run means for an exercise's report: where "Run All" stopped, and why a
name is missing when it did.

Example:
    >>> from grader.notebooks.cells import plan_notebook
    >>> from grader.notebooks.locate import Graded
    >>> from grader.results import CheckResult, Status
    >>> plan = plan_notebook({"cells": [{"cell_type": "code", "source": "import torch\\nraise ValueError('x')"}]})
    >>> run = NotebookRun(Graded("m.ipynb", "notebook", plan=plan),
    ...                   {"cell": 1, "line": 2, "type": "ValueError", "message": "x"})
    >>> print(run.stop_note())
    Run All stopped at m.ipynb, cell 1, line 2 (`raise ValueError('x')`): ValueError: x. The cells after it were not run.
    >>> failed = CheckResult("m/a", "forward", "t", Status.FAILED, 0.0, 1.0, feedback="Your module does not define `MLP`.")
    >>> explained = run.explain(failed)
    >>> "`MLP` was not yet defined" in explained.feedback, str(explained.location)
    (True, 'm.ipynb, cell 1, line 2')
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from grader.notebooks.locate import Graded
from grader.results import CheckResult, Location

__all__ = ["NotebookRun", "MISSING_PREFIX"]

MISSING_PREFIX = "Your module does not define `"


@dataclass(frozen=True)
class NotebookRun:
    """The graded notebook and where its run stopped (None: every runnable cell ran)."""

    graded: Graded
    stopped: dict[str, Any] | None = None

    def stop_location(self) -> Location | None:
        if not self.stopped or not self.graded.plan:
            return None
        cell, line = int(self.stopped.get("cell", 0)), int(self.stopped.get("line", 0))
        source = self.graded.plan.text(cell, line).strip()[:200] if line else ""
        return Location(path=self.graded.path, line=line, source=source, cell=cell)

    def stop_note(self) -> str:
        """One sentence for the exercise's message ('' when nothing stopped the run)."""
        where = self.stop_location()
        if where is None or not self.stopped:
            return ""
        place = str(where) if where.line else f"{where.path}, cell {where.cell}"
        quoted = f" (`{where.source}`)" if where.source else ""
        return (f"Run All stopped at {place}{quoted}: {self.stopped.get('type')}: {self.stopped.get('message')}. "
                f"The cells after it were not run.")

    def explain(self, result: CheckResult) -> CheckResult:
        """A missing name, when the run stopped early, says which cell raised and why, and
        points there."""
        if not self.stopped or not result.feedback.startswith(MISSING_PREFIX):
            return result
        name = result.feedback[len(MISSING_PREFIX):].split("`", 1)[0]
        feedback = f"{result.feedback} `{name}` was not yet defined when {self.stop_note()}"
        return dataclasses.replace(result, feedback=feedback, location=result.location or self.stop_location())
