"""The body of ``grade watch``: grade TARGET once, then again on every save, until Ctrl-C.

Composed by :func:`grader.app.root.compose` (as ``grade exercise``: public checks; in a
student release, the recorded expected values for the release's seed). One warm pool and
one seed serve every run. Exit status: 0 when stopped with Ctrl-C, 2 usage error.

Example:
    $ grade watch model_construction/mlp --submission my_work

Through ``grade`` in a test: a usage error (exit status 2) comes before anything is watched:
    >>> from click.testing import CliRunner
    >>> from grader.cli import main
    >>> result = CliRunner().invoke(main, ["watch", "--timeout", "0"])
    >>> result.exit_code, "Invalid value for '--timeout'" in result.output
    (2, True)
    >>> "Ctrl-C" in CliRunner().invoke(main, ["watch", "--help"]).output
    True
"""
from __future__ import annotations

from pathlib import Path

import click

__all__ = ["run_watch"]


def run_watch(*, target: str, submission: Path | None, seed: int | None, timeout: float, memory_mb: int,
              track: str | None = None) -> int:
    """Watch and re-grade until Ctrl-C; returns the exit status."""
    from grader.app.root import compose

    with compose("watch", seed=seed, track=track) as run:
        from grader.sandbox.limits import Limits
        from grader.watch.session import WatchSession, watch_loop

        chosen = run.catalog.select(target)
        root = run.submission(submission)
        session = WatchSession(root=root, exercises=chosen, pool=run.pool, seed=run.seed,
                               options=run.options(limits=Limits(timeout=timeout, memory=memory_mb * 1024**2)),
                               references=run.references)
        try:
            watch_loop(session, lambda line: click.echo(line))
        except KeyboardInterrupt:
            click.echo("stopped watching.")
    return 0
