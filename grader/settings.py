"""The settings of one run of `grade exercise`, `grade ci`, `grade watch` or a notebook's ``check``:
the seed and the grading options, which in a student release come from the release.

Example:
    >>> seed, options = run_settings(5, include_hidden=False)
    >>> seed, options.include_hidden
    (5, False)
"""
from __future__ import annotations

from typing import Any

from grader.engine import GradeOptions, new_seed
from grader.release import manifest

__all__ = ["run_settings"]


def run_settings(seed: int | None, *, include_hidden: bool, **options: Any) -> tuple[int, Any]:
    """The seed and :class:`grader.engine.GradeOptions` of a run of `grade exercise` or `grade ci`:
    in a student release, the release's seed and recordings; else ``seed`` (a fresh one if None).

    Example:
        >>> seed, options = run_settings(5, include_hidden=False)
        >>> seed, options.include_hidden, options.expected
        (5, False, None)
    """
    release = manifest.current_release()  # looked up at call time (a test may stand in a release)
    if release is None:
        return (new_seed() if seed is None else seed), GradeOptions(include_hidden=include_hidden, **options)
    if release.seed_problem(seed):
        raise manifest.SeedNotRecorded(release.seed_problem(seed))
    return release.seed, GradeOptions(include_hidden=include_hidden, expected=release.expected, **options)
