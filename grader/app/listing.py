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


def run_list(console: Any) -> int:
    """Print the table of exercises; returns the exit status (0)."""
    from grader.app.root import compose

    with compose("list"):
        from rich.table import Table

        from grader.catalog import all_exercises, is_hidden

        table = Table(title="Exercises", show_lines=False)
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
        console.print(f"{len(all_exercises())} exercises, {total:g} points. "
                      "Grade one with `grade exercise <id>`, a topic with `grade exercise <topic>`, "
                      "or everything with `grade exercise all`.")
    return 0
