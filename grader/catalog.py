"""What exercises exist: id, title, file, checks and points.

Each exercise is declared in one module,
``grader/tracks/pytorch/declarations/<topic>/<name>.py``: its ``EXERCISE`` (id,
title, public checks and points, known-mistake hints inside the checks), its
``HIDDEN`` checks (graded by `grade batch` and `grade ci`, not by `grade
exercise`; the catalog appends them to the exercise, marked ``hidden``) and its
``MUTANTS`` (known-bad submissions, see :mod:`grader.mutants`). A student release
strips ``HIDDEN`` and ``MUTANTS`` from those modules. Adding an exercise needs
its stub, its solution and that module, nothing else.

Example:
    >>> ex = find("model_construction/mlp")
    >>> ex.path, ex.max_score > 0
    ('model_construction/mlp.py', True)
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

__all__ = ["Exercise", "all_exercises", "declaration_modules", "find", "mutants_of", "select", "topics",
           "UnknownExercise", "DECLARATIONS"]


class UnknownExercise(KeyError):
    """An exercise or topic id that the catalog does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``id`` is ``<topic>/<module>``; its file is ``<topic>/<module>.py``."""

    id: str
    title: str
    checks: tuple[Check, ...]

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


@lru_cache(maxsize=1)
def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise of every declaration module, topic by topic (hidden checks included, last)."""
    found: list[Exercise] = []
    hidden: dict[str, tuple[Any, ...]] = {}
    for module in declaration_modules():
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
    return tuple(dataclasses.replace(e, checks=e.checks + tuple(as_hidden(c) for c in hidden[e.id]))
                 for e in found)


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


def mutants_of(exercise_id: str) -> tuple[Any, ...]:
    """The mutants declared for ``exercise_id`` (its module's ``MUTANTS``; none in a student release).

    Example:
        >>> len(mutants_of("model_construction/mlp")) >= 3
        True
    """
    find(exercise_id)  # an unknown id raises UnknownExercise
    for module in declaration_modules():
        if module.EXERCISE.id == exercise_id:
            return tuple(getattr(module, "MUTANTS", ()))
    return ()


def topics() -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.topic for e in all_exercises()))


def find(exercise_id: str) -> Exercise:
    for ex in all_exercises():
        if ex.id == exercise_id:
            return ex
    raise UnknownExercise(f"unknown exercise {exercise_id!r}; `grade list` shows them all")


def select(target: str) -> tuple[Exercise, ...]:
    """Exercises named by ``target``: ``all``, a topic, or an exercise id."""
    if target == "all":
        return all_exercises()
    if "/" in target.strip("/"):
        return (find(target.strip("/").removesuffix(".py").removesuffix(".ipynb")),)
    chosen = tuple(e for e in all_exercises() if e.topic == target.strip("/"))
    if not chosen:
        raise UnknownExercise(f"unknown exercise or topic {target!r}; topics: {', '.join(topics())}; "
                              f"`grade list` shows every exercise")
    return chosen
