"""Progress of a batch: a rich progress bar on a terminal, plain lines otherwise.

Both say, per student graded, the count, and the bar adds the rate and the
time left; grader faults and refusals are printed as they happen.

Example:
    >>> import io
    >>> from rich.console import Console
    >>> from grader.batch.model import StudentRecord
    >>> out = io.StringIO()
    >>> p = PlainProgress(Console(file=out, width=100))
    >>> p.start(total=2, reused=1)
    >>> p.advance(StudentRecord("bob", "k", "graded", 3.0, 4.0, duration=1.25))
    >>> p.finish()
    >>> print(out.getvalue(), end="")
    grading 2 students (1 reused from an earlier run)
    [1/2] bob: 3/4 (1.2 s)
"""
from __future__ import annotations

import time
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from grader.batch.model import FAULT, REFUSED, StudentRecord
from grader.render._format import fmt_points

__all__ = ["BatchProgress", "PlainProgress", "BarProgress", "SilentProgress", "progress_for"]


class BatchProgress(Protocol):
    """What the batch runner reports to."""

    def start(self, *, total: int, reused: int) -> None:
        """``total`` students will be graded now; ``reused`` were done by an earlier run."""
        ...

    def advance(self, record: StudentRecord) -> None:
        """One student is done."""
        ...

    def finish(self) -> None:
        """The batch is over (stop the bar)."""
        ...


def _line(record: StudentRecord) -> Text:
    """One student's line: score, or what went wrong (never parsed as markup).

    Example:
        >>> _line(StudentRecord("[b]x", "k", "refused", 0.0, 4.0, message="Submission refused: bad zip.")).plain
        '[b]x: refused — Submission refused: bad zip.'
    """
    text = Text(record.student)
    if record.status == REFUSED:
        text.append(f": refused — {record.message}", style="yellow")
    elif record.status == FAULT:
        first = record.message.splitlines()[0] if record.message else ""
        text.append(f": GRADER FAULT (not the student's fault) — {first}", style="bold magenta")
    else:
        text.append(f": {fmt_points(record.score)}/{fmt_points(record.max_score)} ({record.duration:.1f} s)")
    return text


class SilentProgress:
    """Reports nothing (library use)."""

    def start(self, *, total: int, reused: int) -> None:
        pass

    def advance(self, record: StudentRecord) -> None:
        pass

    def finish(self) -> None:
        pass


class PlainProgress:
    """One line per student, for logs and pipes."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.total = 0
        self.done = 0

    def start(self, *, total: int, reused: int) -> None:
        self.total, self.done = total, 0
        extra = f" ({reused} reused from an earlier run)" if reused else ""
        self.console.print(Text(f"grading {total} student{'s' if total != 1 else ''}{extra}"))

    def advance(self, record: StudentRecord) -> None:
        self.done += 1
        self.console.print(Text(f"[{self.done}/{self.total}] ") + _line(record))

    def finish(self) -> None:
        pass


class _RateColumn(ProgressColumn):
    """Students per second (or seconds per student when slower than one a second)."""

    def render(self, task: Any) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("– students/s", style="dim")
        if speed >= 1:
            return Text(f"{speed:.1f} students/s", style="cyan")
        return Text(f"{1 / speed:.1f} s/student", style="cyan")


class BarProgress:
    """A rich progress bar with count, rate and time left; faults and refusals printed above it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), _RateColumn(), TimeElapsedColumn(),
                                  TextColumn("eta"), TimeRemainingColumn(), console=console, transient=False)
        self._task: Any = None
        self._t0 = 0.0

    def start(self, *, total: int, reused: int) -> None:
        if reused:
            self.console.print(Text(f"{reused} student{'s' if reused != 1 else ''} reused from an earlier run"))
        self._progress.start()
        self._task = self._progress.add_task("grading", total=total)
        self._t0 = time.monotonic()

    def advance(self, record: StudentRecord) -> None:
        if record.status in (FAULT, REFUSED):
            self._progress.console.print(_line(record))
        self._progress.update(self._task, advance=1, description=f"grading ({record.student})")

    def finish(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, description="graded")
        self._progress.stop()


def progress_for(console: Console) -> BatchProgress:
    """A bar on a terminal, plain lines otherwise."""
    return BarProgress(console) if console.is_terminal else PlainProgress(console)
