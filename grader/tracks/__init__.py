"""Tracks: one framework's side of the grader, behind the framework-neutral worker core.

The worker core (:mod:`grader.sandbox`: framing, codec, confinement, fork server, worker
loop) imports no framework. A :class:`Track` names what a framework brings: the module of
operations its worker imports by name, what the fork server imports before it forks, the
modules the judge imports to use it (its array codec, its judge-side file operations), and
where its exercises are declared. Tracks are known by name and imported lazily, so reading
this registry imports no framework either.

Example:
    >>> track = get_track()
    >>> track.name, track.ops
    ('pytorch', 'grader.tracks.pytorch.worker.ops')
    >>> track.stubs, track.solutions
    ('exercises', 'solutions')
    >>> get_track("fortran")
    Traceback (most recent call last):
    ...
    KeyError: "no track named 'fortran' (known: gluon, pytorch)"
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["Track", "TRACKS", "DEFAULT_TRACK", "get_track", "track_names"]

#: track name -> the package whose ``TRACK`` describes it (imported only when asked for)
TRACKS: dict[str, str] = {"pytorch": "grader.tracks.pytorch", "gluon": "grader.tracks.gluon"}
#: the track every command grades unless told otherwise (``--track``)
DEFAULT_TRACK = "pytorch"


@dataclass(frozen=True)
class Track:
    """What a framework brings to the grader, as module names (nothing is imported here).

    ``ops`` is the worker's operations module: :mod:`grader.sandbox.worker` imports it by name
    and asks its ``Session(namespace, root)`` to ``run(op, args)`` each request (see there for
    the optional hooks). ``preload`` is what the fork server imports before it forks (besides
    the worker loop and ``ops``), ``preload_many`` what it also imports for a run of many
    exercises (once in the server rather than in each worker that needs it); ``environment`` holds variables set for the fork server and
    its workers. ``judge`` lists the modules the judge imports before it talks to such a worker
    (they register the array codec and judge-side operations). ``declarations`` is the package
    holding the exercise declarations; ``references`` is ``module:Class``, the reference runtime:
    ``Class(module, root)`` answers the workers' requests on a reference solution module;
    ``label`` is what reports call the track (default: its name). ``error_hints`` is
    ``module:function``, ``function(err, hints) -> hints``: the hints a student's exception gets in
    this track, from the shared ones (where the engine itself reports it: an exception at import).
    ``stubs`` and ``solutions`` name the folders of the students' stubs and of the reference
    solutions. ``python`` is the interpreter the fork server (and so every worker) runs; without
    it, ``interpreter`` names a ``module:function`` that returns one (a track whose framework
    lives in an environment of its own finds or builds it there), else it is the judge's own
    (:meth:`executable`).

    Example:
        >>> t = Track("echo", ops="tests.echo_ops")
        >>> t.preload, t.judge, t.stubs
        ((), (), 'exercises')
        >>> t.load()  # nothing to import on the judge's side
        >>> t.executable() == sys.executable, t.foreign
        (True, False)
        >>> Track("other", ops="o", python="/envs/mx/bin/python").executable()
        '/envs/mx/bin/python'
    """

    name: str
    ops: str
    label: str = ""
    preload: tuple[str, ...] = ()
    preload_many: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    judge: tuple[str, ...] = ()
    declarations: str = ""
    references: str = ""
    stubs: str = "exercises"
    solutions: str = "solutions"
    python: str | None = None
    interpreter: str = ""
    error_hints: str = ""

    @property
    def title(self) -> str:
        """What reports call the track: its ``label``, else its name."""
        return self.label or self.name

    @property
    def foreign(self) -> bool:
        """Whether the track's workers run in another interpreter than the judge's."""
        return bool(self.python or self.interpreter)

    def executable(self) -> str:
        """The Python the track's fork server runs: ``python``, else what ``interpreter`` returns
        (imported and called now: it may build an environment), else the judge's own."""
        if self.python:
            return self.python
        if self.interpreter:
            module, _, name = self.interpreter.partition(":")
            return str(getattr(importlib.import_module(module), name)())
        return sys.executable

    def reference_runner(self) -> Any:
        """The class of the track's reference runtime (imported now).

        Example:
            >>> get_track().reference_runner().__name__
            'ReferenceRunner'
        """
        module, _, name = self.references.partition(":")
        return getattr(importlib.import_module(module), name)

    def hints_for(self, err: Any, hints: tuple[str, ...]) -> tuple[str, ...]:
        """The hints of a student's exception ``err`` in this track (``error_hints``; else ``hints`` as they are).

        Example:
            >>> get_track().hints_for(None, ("a hint",))
            ('a hint',)
        """
        if not self.error_hints:
            return tuple(hints)
        module, _, name = self.error_hints.partition(":")
        return tuple(getattr(importlib.import_module(module), name)(err, hints))

    def load(self) -> None:
        """Import the judge-side modules of the track (each registers what it brings, once)."""
        for name in self.judge:
            importlib.import_module(name)


def track_names() -> tuple[str, ...]:
    """The known tracks, the default first.

    Example:
        >>> track_names()
        ('pytorch', 'gluon')
    """
    return (DEFAULT_TRACK, *sorted(set(TRACKS) - {DEFAULT_TRACK}))


def get_track(name: str = DEFAULT_TRACK) -> Track:
    """The track called ``name``; KeyError when there is none.

    Example:
        >>> get_track("pytorch").declarations
        'grader.tracks.pytorch.declarations'
    """
    try:
        package = TRACKS[name]
    except KeyError:
        raise KeyError(f"no track named {name!r} (known: {', '.join(sorted(TRACKS))})") from None
    track = importlib.import_module(package).TRACK
    if not isinstance(track, Track):
        raise TypeError(f"{package}.TRACK is a {type(track).__name__}, not a Track")
    return track
