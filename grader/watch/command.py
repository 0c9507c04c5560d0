"""The ``grade watch`` command: grade TARGET once, then again on every save, until Ctrl-C.

Example:
    $ grade watch model_construction/mlp --submission my_work
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["watch"]


@click.command("watch")
@click.argument("target", default="all")
@click.option("--submission", "-s", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with <topic>/<module>.py or .ipynb files (default: ./exercises).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed of every run (default: a fresh one, printed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
def watch(target: str, submission: Path | None, seed: int | None, timeout: float, memory_mb: int) -> None:
    """Grade TARGET (an exercise, a topic or `all`), then re-grade on every save of a .py or
    .ipynb file, printing a compact verdict and the checks that newly pass or fail.

    One warm judge and worker pool serve every run, with one seed, so a change in a verdict
    comes from a change in your code. Stop with Ctrl-C (exit status 0).
    """
    from grader.sandbox.forkserver import ForkServer

    server = ForkServer()
    from grader.catalog import select
    from grader.usage import usage_errors
    from grader.paths import default_submission
    from grader.settings import run_settings
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits
    from grader.watch.session import WatchSession, watch_loop

    with usage_errors(server):
        chosen = select(target)
        root = (submission or default_submission()).resolve()
        if not root.is_dir():
            raise click.UsageError(f"submission folder {root} does not exist")
        seed, options = run_settings(seed, include_hidden=False,
                                     limits=Limits(timeout=timeout, memory=memory_mb * 1024**2))
    with WorkerPool(server) as pool:
        session = WatchSession(root=root, exercises=chosen, pool=pool, seed=seed, options=options)
        try:
            watch_loop(session, lambda line: click.echo(line))
        except KeyboardInterrupt:
            click.echo("stopped watching.")
    sys.exit(0)
