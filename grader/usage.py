"""Usage errors of the commands: what the user asked wrong becomes click's exit 2, after closing a fork
server that was started early (so the command's start overlaps torch's import).

Example:
    >>> class Server:
    ...     def close(self) -> None:
    ...         print("closed")
    >>> try:
    ...     with usage_errors(Server()):
    ...         raise click.UsageError("no such exercise")
    ... except click.UsageError as exc:
    ...     print(exc)
    closed
    no such exercise
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import click

__all__ = ["usage_errors"]


@contextlib.contextmanager
def usage_errors(server: Any) -> Iterator[None]:
    """Inside, what the user asked wrong (an unknown exercise, a seed the release did not record, a
    ``click.UsageError``) closes ``server`` (the fork server started early) and exits 2.

    Example::

        with usage_errors(server):
            chosen = select(target)
    """
    from grader.catalog import UnknownExercise
    from grader.release.manifest import SeedNotRecorded

    try:
        yield
    except (UnknownExercise, SeedNotRecorded, click.UsageError) as exc:
        server.close()
        if isinstance(exc, click.UsageError):
            raise
        raise click.UsageError(str(exc)) from None
