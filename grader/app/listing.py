"""``grade list``: every exercise of this installation with its checks' points.

Composed by :func:`grader.app.root.compose` (no worker pool: nothing is graded).

Example:
    >>> import io
    >>> from rich.console import Console
    >>> console = Console(file=io.StringIO(), width=200)
    >>> run_list(console)
    0
    >>> "model_construction/mlp" in console.file.getvalue()
    True
"""
from __future__ import annotations

from typing import Any

__all__ = ["run_list"]


def run_list(console: Any, track: str | None = None) -> int:
    """Print the table of exercises of ``track``; returns the exit status (0)."""
    from grader.app.root import compose

    with compose("list", track=track) as run:
        from rich.table import Table

        from grader.catalog import is_hidden
        from grader.tracks import get_track

        all_exercises = run.catalog.all_exercises
        table = Table(title=f"Exercises ({get_track(run.track).title} track)", show_lines=False)
        table.add_column("exercise", no_wrap=True)
        table.add_column("title")
        table.add_column("checks", justify="right")
        table.add_column("points", justify="right")
        table.add_column("hidden", justify="right")
        total = 0.0
        for ex in all_exercises():
            hidden = [c for c in ex.checks if is_hidden(c)]
            table.add_row(ex.id, ex.title, str(len(ex.checks)), f"{ex.max_score:g}",
                          f"{len(hidden)} ({sum(c.points for c in hidden):g} pts)" if hidden else "")
            total += ex.max_score
        console.print(table)
        flag = "" if run.track == "pytorch" else f" --track {run.track}"
        console.print(f"{len(all_exercises())} exercises, {total:g} points. "
                      f"Grade one with `grade exercise <id>{flag}`, a topic with `grade exercise <topic>{flag}`, "
                      f"or everything with `grade exercise all{flag}`.")
    return 0
