"""Where the project's folders are: the shipped stubs, the references, the reports.

Example:
    >>> project_root().joinpath("grader").is_dir()
    True
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "default_solutions", "default_submission"]


def project_root() -> Path:
    """The folder that holds ``grader/``, ``exercises/`` and ``solutions/``."""
    return Path(__file__).resolve().parent.parent


def default_solutions() -> Path:
    """The reference solutions: ``$GRADE_SOLUTIONS`` or ``<project>/solutions``."""
    return Path(os.environ.get("GRADE_SOLUTIONS", project_root() / "solutions")).resolve()


def default_submission() -> Path:
    """``./exercises`` when the current folder has one, else the project's stubs."""
    here = Path.cwd() / "exercises"
    return (here if here.is_dir() else project_root() / "exercises").resolve()
