"""A watch session: one warm worker pool and judge, one seed, and the last verdict of every
exercise; each save re-grades only what it may change and prints a compact verdict with what
changed since the last run.

Example:
    >>> from grader.results import CheckResult, ExerciseResult, Location, Status
    >>> bad = CheckResult("m/a", "forward", "t", Status.FAILED, 0.0, 3.0, location=Location("m/a.py", 7))
    >>> print(verdict_line(ExerciseResult("m/a", "A", (bad,))))
    ✗ m/a  0/3  failing: forward (m/a.py:7)
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from grader.catalog import Exercise
from grader.engine import GradeOptions, grade
from grader.render._format import fmt_points
from grader.results import ExerciseResult
from grader.watch.changes import affected, delta, is_source

__all__ = ["WatchSession", "verdict_line", "watch_loop"]


def verdict_line(result: ExerciseResult) -> str:
    """One line per exercise: mark, id, points, failing checks (the first one's place)."""
    failing = [c for c in result.checks if not c.passed]
    line = f"{'✓' if not failing else '✗'} {result.exercise}  {fmt_points(result.score)}/{fmt_points(result.max_score)}"
    if failing:
        where = next((str(c.location) for c in failing if c.location), "")
        line += "  failing: " + ", ".join(c.check for c in failing) + (f" ({where})" if where else "")
    return line


@dataclass
class WatchSession:
    """Grades ``exercises`` of the submission ``root`` with a warm ``pool`` and a fixed ``seed``;
    ``references`` are the command's (:mod:`grader.app.root`; None: the project's solutions)."""

    root: Path
    exercises: tuple[Exercise, ...]
    pool: Any
    seed: int
    options: GradeOptions
    last: dict[str, ExerciseResult] = field(default_factory=dict)
    references: Any = None

    def regrade(self, exercises: Iterable[Exercise]) -> list[str]:
        """Grade ``exercises`` now; the compact verdict and what changed, as lines to print."""
        chosen = tuple(exercises)
        t0 = time.perf_counter()
        run = grade(self.root, chosen, seed=self.seed, options=self.options, pool=self.pool,
                    references=self.references)
        before = [self.last[e.exercise] for e in run.exercises if e.exercise in self.last]
        changes = delta(before, run.exercises).lines()
        self.last.update({e.exercise: e for e in run.exercises})
        total = sum(e.score for e in self.last.values())
        most = sum(e.max_score for e in self.last.values())
        lines = [f"[{time.strftime('%H:%M:%S')}] graded {len(chosen)} exercise(s) in {time.perf_counter() - t0:.2f} s"]
        lines += [verdict_line(e) for e in run.exercises]
        lines += changes or (["  no check changed"] if before else [])
        lines.append(f"total {fmt_points(total)}/{fmt_points(most)} (seed {self.seed}); watching {self.root} …")
        return lines

    def on_changes(self, changed: Iterable[str]) -> list[str]:
        """Re-grade what the changed files (relative paths) may change; [] when nothing."""
        chosen = affected(self.exercises, changed, self.root)
        return self.regrade(chosen) if chosen else []


def watch_loop(session: WatchSession, emit: Callable[[str], None], *, stop: threading.Event | None = None,
               debounce_ms: int = 50, step_ms: int = 10) -> None:
    """Print the first verdict, then re-grade on every save until ``stop`` is set (or Ctrl-C,
    which propagates as KeyboardInterrupt)."""
    import watchfiles

    root = session.root

    def wanted(_change: Any, path: str) -> bool:
        try:
            return is_source(str(Path(path).resolve().relative_to(root)))
        except ValueError:
            return False

    first = True  # the first verdict comes once the watcher runs, so no save is missed
    for changes in watchfiles.watch(root, watch_filter=wanted, debounce=debounce_ms, step=step_ms,
                                    stop_event=stop, rust_timeout=100, yield_on_timeout=True):
        if first:
            lines, first = session.regrade(session.exercises), False
        else:
            lines = session.on_changes(sorted({str(Path(p).resolve().relative_to(root)) for _, p in changes}))
        for line in lines:
            emit(line)
