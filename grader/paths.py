"""Where the project's folders are: the shipped stubs, the references, the reports.

Each track has its own stubs and solutions (:class:`grader.tracks.Track`: PyTorch's are
``exercises/`` and ``solutions/``, Gluon's ``gluon/exercises/`` and ``gluon/solutions/``).

Example:
    >>> project_root().joinpath("grader").is_dir()
    True
    >>> default_solutions("gluon").relative_to(project_root()).as_posix()
    'gluon/solutions'
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.tracks import Track

__all__ = ["project_root", "default_solutions", "default_submission", "track_stubs"]


def project_root() -> Path:
    """The folder that holds ``grader/``, ``exercises/`` and ``solutions/``."""
    return Path(__file__).resolve().parent.parent


def _track(name: str) -> "Track":
    from grader.tracks import get_track

    return get_track(name)


def track_stubs(track: str = "pytorch") -> Path:
    """The project's stubs of ``track``.

    Example:
        >>> track_stubs().name
        'exercises'
    """
    return (project_root() / _track(track).stubs).resolve()


def default_solutions(track: str = "pytorch") -> Path:
    """The reference solutions of ``track``: ``$GRADE_SOLUTIONS`` (PyTorch's) or ``$GRADE_GLUON_SOLUTIONS``
    (Gluon's), else the project's folder."""
    variable = "GRADE_SOLUTIONS" if track == "pytorch" else f"GRADE_{track.upper()}_SOLUTIONS"
    folder = project_root() / _track(track).solutions
    return Path(os.environ.get(variable, folder)).resolve()


def default_submission(track: str = "pytorch") -> Path:
    """``./exercises`` when the current folder has one, else the project's stubs of ``track``; in the
    project's own folder, ``./exercises`` is the PyTorch stubs, so another track takes its own (a
    student release has only its own track's, in ``exercises/``)."""
    here = (Path.cwd() / "exercises").resolve()
    own = track_stubs(track)
    if here.is_dir() and (here == own or not own.is_dir()
                          or here not in {track_stubs(name) for name in _known() if name != track}):
        return here
    return own if own.is_dir() or not here.is_dir() else here


def _known() -> tuple[str, ...]:
    from grader.tracks import track_names

    return track_names()
