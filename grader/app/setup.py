"""``grade setup gluon [--env PATH]``: build (or repair) the managed environment of a track that
runs in an interpreter of its own.

Composed by :func:`grader.app.root.compose` (no worker pool: nothing is graded). Today only the
Gluon track has one (:mod:`grader.tracks.gluon.env`: MXNet 1.9.1 with NumPy < 1.24, which the
judge's NumPy cannot share). Exit status 0 when the environment is ready, 1 when it could not be
built (the message says why, and what to run).

Example:
    >>> run_setup("fortran", env=None, console=None)
    Traceback (most recent call last):
    ...
    click.exceptions.UsageError: no track named 'fortran' has an environment to set up (known: gluon)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["run_setup", "TRACKS_WITH_ENV"]

TRACKS_WITH_ENV = ("gluon",)


def run_setup(track: str, *, env: Path | None, console: Any, rebuild: bool = True) -> int:
    """Build the environment of ``track`` at ``env`` (default: the track's own default), printing
    each step; ``rebuild`` runs pip again even when the environment is ready (a repair)."""
    if track not in TRACKS_WITH_ENV:
        raise click.UsageError(f"no track named {track!r} has an environment to set up "
                               f"(known: {', '.join(TRACKS_WITH_ENV)})")
    from grader.app.root import compose

    with compose("setup"):
        from grader.tracks.gluon.env import EnvError, GluonEnv, build, default_env_path, ensure

        def say(line: str) -> None:
            console.print(line, markup=False, highlight=False)

        try:
            if rebuild:
                build(GluonEnv(env.expanduser().absolute() if env else default_env_path()), progress=say)
            else:
                ensure(env.expanduser().absolute() if env else None, progress=say)
        except EnvError as exc:
            console.print(f"error: {exc}", markup=False, highlight=False)
            return 1
    return 0
