"""What exercises exist: id, title, file, checks and points.

Each track (``--track``: ``pytorch``, the default, or ``gluon``) has its own catalog. Each
exercise is declared in one module of its track's declarations,
``grader/tracks/<track>/declarations/<topic>/<name>.py``: its ``EXERCISE`` (id,
title, public checks and points, known-mistake hints inside the checks), its
``HIDDEN`` checks (graded by `grade batch` and `grade ci`, not by `grade
exercise`; the catalog appends them to the exercise, marked ``hidden``) and its
``MUTANTS`` (known-bad submissions, see :mod:`grader.mutants`). A student release
strips ``HIDDEN`` and ``MUTANTS`` from those modules. Adding an exercise needs
its stub, its solution and that module, nothing else.

Example:
    >>> ex = find("model_construction/mlp")
    >>> ex.path, ex.max_score > 0, ex.track
    ('model_construction/mlp.py', True, 'pytorch')
    >>> Catalog("gluon").find("model_construction/mlp").track
    'gluon'
"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any
from functools import lru_cache
from types import ModuleType

from grader.checks.base import Check
from grader.tracks import get_track

__all__ = ["Catalog", "Exercise", "all_exercises", "declaration_modules", "find", "mutants_of", "select", "topics",
           "UnknownExercise", "DECLARATIONS"]


class UnknownExercise(KeyError):
    """An exercise or topic id that the catalog does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``id`` is ``<topic>/<module>``; its file is ``<topic>/<module>.py``; ``track``
    is the framework it is graded in (set by the catalog that declares it)."""

    id: str
    title: str
    checks: tuple[Check, ...]
    track: str = "pytorch"

    def __post_init__(self) -> None:
        if self.id.count("/") != 1:
            raise ValueError(f"exercise id must be '<topic>/<module>', got {self.id!r}")
        ids = [c.id for c in self.checks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"exercise {self.id!r} declares a check id twice: {ids}")
        for check in self.checks:
            if not check.points > 0:
                raise ValueError(f"check {check.id!r} of {self.id!r} must have positive points, got {check.points!r}")

    @property
    def topic(self) -> str:
        return self.id.split("/")[0]

    @property
    def module(self) -> str:
        return self.id.replace("/", ".")

    @property
    def path(self) -> str:
        return f"{self.id}.py"

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.checks))

    def public(self) -> "Exercise":
        """The exercise with its public checks only (what `grade exercise` grades)."""
        return dataclasses.replace(self, checks=tuple(c for c in self.checks if not is_hidden(c)))


def is_hidden(check: Any) -> bool:
    """Whether ``check`` runs only in instructors' grading (batch, ci)."""
    return bool(getattr(check, "hidden", False))


def as_hidden(check: Any) -> Any:
    """``check`` marked hidden (a wrapper's inner check is marked: wrappers read its flag)."""
    if dataclasses.is_dataclass(check) and any(f.name == "inner" for f in dataclasses.fields(check)):
        return dataclasses.replace(check, inner=as_hidden(check.inner))
    return dataclasses.replace(check, hidden=True)


DECLARATIONS = get_track("pytorch").declarations


@lru_cache(maxsize=None)
def _declared(track: str) -> tuple[Exercise, ...]:
    """Every exercise of ``track``'s declaration modules, topic by topic (hidden checks included, last)."""
    found: list[Exercise] = []
    hidden: dict[str, tuple[Any, ...]] = {}
    for module in declaration_modules(get_track(track).declarations):
        exercise = getattr(module, "EXERCISE", None)
        if not isinstance(exercise, Exercise):
            raise ValueError(f"{module.__name__} declares no EXERCISE")
        declared = [c.id for c in exercise.checks if is_hidden(c)]
        if declared:
            raise ValueError(f"{exercise.id}: checks {declared} are marked hidden in EXERCISE; declare hidden "
                             f"checks in the module's HIDDEN, which a student release leaves out")
        found.append(exercise)
        hidden[exercise.id] = tuple(getattr(module, "HIDDEN", ()))
    ids = [e.id for e in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"an exercise id is declared twice: {ids}")
    return tuple(dataclasses.replace(e, checks=e.checks + tuple(as_hidden(c) for c in hidden[e.id]), track=track)
                 for e in found)


@dataclass(frozen=True)
class Catalog:
    """The exercises of one track (the default track unless told).

    Example:
        >>> c = Catalog()
        >>> c.track, c.find("model_construction/mlp").id, "parameters" in c.topics()
        ('pytorch', 'model_construction/mlp', True)
        >>> len(Catalog("gluon").select("all"))
        19
    """

    track: str = "pytorch"

    def all_exercises(self) -> tuple[Exercise, ...]:
        """Every exercise, topic by topic (hidden checks included, last)."""
        return _declared(self.track)

    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.topic for e in self.all_exercises()))

    def find(self, exercise_id: str) -> Exercise:
        for ex in self.all_exercises():
            if ex.id == exercise_id:
                return ex
        flag = "" if self.track == "pytorch" else f" --track {self.track}"
        raise UnknownExercise(f"unknown exercise {exercise_id!r}; `grade list{flag}` shows them all")

    def select(self, target: str) -> tuple[Exercise, ...]:
        """Exercises named by ``target``: ``all``, a topic, or an exercise id."""
        if target == "all":
            return self.all_exercises()
        if "/" in target.strip("/"):
            return (self.find(target.strip("/").removesuffix(".py").removesuffix(".ipynb")),)
        chosen = tuple(e for e in self.all_exercises() if e.topic == target.strip("/"))
        if not chosen:
            flag = "" if self.track == "pytorch" else f" --track {self.track}"
            raise UnknownExercise(f"unknown exercise or topic {target!r}; topics: {', '.join(self.topics())}; "
                                  f"`grade list{flag}` shows every exercise")
        return chosen

    def mutants_of(self, exercise_id: str) -> tuple[Any, ...]:
        """The mutants declared for ``exercise_id`` (its module's ``MUTANTS``; none in a student release)."""
        self.find(exercise_id)  # an unknown id raises UnknownExercise
        for module in declaration_modules(get_track(self.track).declarations):
            if module.EXERCISE.id == exercise_id:
                return tuple(getattr(module, "MUTANTS", ()))
        return ()


def all_exercises(track: str = "pytorch") -> tuple[Exercise, ...]:
    """Every exercise of ``track``, topic by topic (hidden checks included, last)."""
    return Catalog(track).all_exercises()


def declaration_modules(package: str = DECLARATIONS) -> list[ModuleType]:
    """The declaration module of every exercise: ``<package>.<topic>.<name>``, in the chapter's
    topic order, and in each topic the order its ``__init__`` lists in ``ORDER`` (others after,
    by name). Each module holds one ``EXERCISE``, and may hold ``HIDDEN`` and ``MUTANTS``.

    Example:
        >>> [m.__name__.rsplit(".", 2)[-2:] for m in declaration_modules()][0]
        ['model_construction', 'mlp']
    """
    root = importlib.import_module(package)
    order = tuple(getattr(root, "TOPICS", ()))
    topic_names = sorted((i.name for i in pkgutil.iter_modules(root.__path__) if i.ispkg),
                         key=lambda name: (order.index(name) if name in order else len(order), name))
    out = []
    for topic in topic_names:
        pkg = importlib.import_module(f"{package}.{topic}")
        order = tuple(getattr(pkg, "ORDER", ()))
        names = sorted((i.name for i in pkgutil.iter_modules(pkg.__path__) if not i.name.startswith("_")),
                       key=lambda name: (order.index(name) if name in order else len(order), name))
        out += [importlib.import_module(f"{package}.{topic}.{name}") for name in names]
    return out


def mutants_of(exercise_id: str, track: str = "pytorch") -> tuple[Any, ...]:
    """The mutants declared for ``exercise_id`` (its module's ``MUTANTS``; none in a student release).

    Example:
        >>> len(mutants_of("model_construction/mlp")) >= 3
        True
    """
    return Catalog(track).mutants_of(exercise_id)


def topics(track: str = "pytorch") -> tuple[str, ...]:
    return Catalog(track).topics()


def find(exercise_id: str, track: str = "pytorch") -> Exercise:
    return Catalog(track).find(exercise_id)


def select(target: str, track: str = "pytorch") -> tuple[Exercise, ...]:
    """Exercises named by ``target``: ``all``, a topic, or an exercise id."""
    return Catalog(track).select(target)
