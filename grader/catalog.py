"""What exercises exist: id, title, file, checks and points.

Each topic declares its exercises in ``grader/suites/<topic>.py`` as a module
level ``EXERCISES`` list; adding an exercise needs nothing else. Hidden checks
(graded by `grade batch` and `grade ci`, not by `grade exercise`) are declared
apart, in ``grader/hidden/<topic>.py`` as a ``HIDDEN`` dict from exercise id to
checks: the catalog appends them to their exercise, marked ``hidden``, and a
student release leaves that package out.

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

from grader.checks.base import Check

__all__ = ["Exercise", "all_exercises", "find", "select", "topics", "UnknownExercise"]


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


@lru_cache(maxsize=1)
def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise of every suite, in suite order."""
    import grader.suites as suites

    found: list[Exercise] = []
    for info in sorted(pkgutil.iter_modules(suites.__path__), key=lambda i: _TOPIC_ORDER.get(i.name, 99)):
        module = importlib.import_module(f"grader.suites.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            declared = [c.id for c in exercise.checks if is_hidden(c)]
            if declared:
                raise ValueError(f"{exercise.id}: checks {declared} are marked hidden in grader/suites/; declare "
                                 f"hidden checks in grader/hidden/ so that a student release leaves them out")
            found.append(exercise)
    ids = [e.id for e in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"an exercise id is declared twice: {ids}")
    from grader.release.manifest import current_release

    release = current_release()
    if release is not None and "exercises" in release.info:  # a student release: exactly its exercises
        listed = release.info["exercises"]                      # and the public checks it was built with
        return tuple(dataclasses.replace(e, checks=tuple(c for c in e.checks if c.id in listed[e.id]))
                     for e in found if e.id in listed)
    hidden = _hidden_checks()
    unknown = sorted(set(hidden) - set(ids))
    if unknown:
        raise ValueError(f"grader/hidden/ declares checks for unknown exercises: {unknown}")
    return tuple(dataclasses.replace(e, checks=e.checks + tuple(as_hidden(c) for c in hidden.get(e.id, ())))
                 for e in found)


def _hidden_checks() -> dict[str, list[Any]]:
    """Every ``HIDDEN`` declaration of ``grader/hidden/`` (absent from a student release)."""
    try:
        import grader.hidden as hidden
    except ModuleNotFoundError:
        return {}
    out: dict[str, list[Any]] = {}
    for info in sorted(pkgutil.iter_modules(hidden.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"grader.hidden.{info.name}")
        for exercise_id, checks in getattr(module, "HIDDEN", {}).items():
            out.setdefault(exercise_id, []).extend(checks)
    return out


_TOPIC_ORDER = {"model_construction": 0, "parameters": 1, "lazy_init": 2, "custom_layers": 3,
                "read_write": 4, "devices": 5}


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
