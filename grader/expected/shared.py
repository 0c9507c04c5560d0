"""Reference answers computed once per batch and shared by the students' gradings.

Every student of a batch is graded under one seed, so their checks draw the same
cases and send the reference the same requests. :class:`SharedReferences` wraps
the live references of a job process and keeps, per exercise, a
:class:`ReferenceStore`: every answer the live reference gave (and every
judge-side derived value), under the content key of :mod:`grader.expected.trace`
(the operation, its arguments and the history of the objects it touches: the
key a release's recordings use). The first student's grading fills it; the
next students' requests are answered from it, as fresh copies.

A :class:`SharedReference` (one exercise, one student) answers from the store
while it can. On the first request the store does not hold (the student's
answers led the check elsewhere, hypothesis shrinks towards a failing case...),
or when a check asks for a live object (``obj``), it *goes live*: it starts the
live reference runtime, replays the requests answered so far in their order
(so the live objects are in the state the answers describe, under the same
handle numbers: a handle is the count of objects created), and from then on
answers live, adding what it learns to the store. The answers are the same as
without the store, so the results are too.

Example:
    >>> class Live:
    ...     calls = 0
    ...     def __init__(self): self.objects = []
    ...     def request(self, op, **args):
    ...         Live.calls += 1
    ...         if op == "build":
    ...             self.objects.append(args["size"])
    ...             return {"handle": len(self.objects)}
    ...         return {"output": self.objects[args["handle"] - 1] * 2}
    ...     def obj(self, handle): return self.objects[handle - 1]
    >>> store = ReferenceStore()
    >>> first = SharedReference(store, Live)
    >>> h = first.request("build", size=3)["handle"]; first.request("forward", handle=h)
    {'output': 6}
    >>> second = SharedReference(store, Live)
    >>> h = second.request("build", size=3)["handle"]; second.request("forward", handle=h), Live.calls
    ({'output': 6}, 2)
    >>> second.obj(h), Live.calls  # a live object: a live runtime replays the build and the forward first
    (3, 4)
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from grader.checks.base import GraderFault
from grader.expected.trace import Traces

__all__ = ["ReferenceStore", "SharedReference", "SharedReferences", "sharing_enabled"]


def sharing_enabled(environ: dict[str, str] | None = None) -> bool:
    """Whether a batch shares reference answers between students (``GRADE_SHARED_REFERENCES=0``
    turns it off, to compare).

    Example:
        >>> sharing_enabled({}), sharing_enabled({"GRADE_SHARED_REFERENCES": "0"})
        (True, False)
    """
    return (os.environ if environ is None else environ).get("GRADE_SHARED_REFERENCES", "1") != "0"


@dataclass
class ReferenceStore:
    """The answers and derived values of one exercise's reference, by content key, and counts."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)
    cases: dict[str, Any] = field(default_factory=dict)  # what each check drew (grader.checks.explore)
    hits: int = 0
    misses: int = 0


class SharedReference:
    """One session of an exercise's reference: answers from ``store``, else from ``live()``, a
    fresh live reference runtime started on the first miss (see the module docstring)."""

    def __init__(self, store: ReferenceStore, live: Callable[[], Any]) -> None:
        self.store = store
        self._make_live = live
        self.live: Any = None
        self.traces = Traces()
        self._history: list[tuple[str, Any, Any]] = []  # what a live runtime must replay, in order
        self._handles = 0

    @property
    def drawn_cases(self) -> dict[str, Any]:
        """The cases the exercise's checks drew for earlier students, kept with their answers."""
        return self.store.cases

    def begin_case(self) -> None:
        """A check's case begins (see :meth:`grader.expected.trace.Traces.begin_case`)."""
        self.traces.begin_case()

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        key, mentioned = self.traces.key(op, args)
        if self.live is None and key in self.store.answers:
            self.store.hits += 1
            answer = copy.deepcopy(self.store.answers[key])
            self._history.append(("request", op, copy.deepcopy(args)))
            if "handle" in answer:
                self._handles += 1
                answer["handle"] = self._handles
        else:
            self.store.misses += 1
            answer = self._go_live().request(op, **args)
            if "handle" in answer:
                self._handles += 1
                self._same_handle(answer["handle"])
            self.store.answers.setdefault(key, copy.deepcopy(answer))
        self.traces.touched(mentioned, key)
        if "handle" in answer:
            self.traces.created(answer["handle"], key)
        return answer

    def obj(self, handle: int) -> Any:
        """The live reference object behind ``handle`` (the session goes live)."""
        return self._go_live().obj(handle)

    def derive(self, handle: int, label: str, fn: Callable[[Any], Any], *, inputs: Any = None,
               mutates: bool = False) -> Any:
        key, mentioned = self.traces.key(f"derive:{label}", {"handle": handle, "inputs": inputs})
        if self.live is None and key in self.store.derived:
            self.store.hits += 1
            value = copy.deepcopy(self.store.derived[key])
            if mutates:  # the live objects must change as they would have
                self._history.append(("derive", handle, fn))
        else:
            self.store.misses += 1
            value = fn(self._go_live().obj(handle))
            self.store.derived.setdefault(key, copy.deepcopy(value))
        if mutates:
            self.traces.touched(mentioned, key)
        return value

    def close(self) -> None:
        """End the live runtime this session started, if it holds a process (the Gluon track's)."""
        close = getattr(self.live, "close", None)
        if callable(close):
            close()

    def _go_live(self) -> Any:
        if self.live is not None:
            return self.live
        self.live = self._make_live()
        created = 0
        for kind, first, second in self._history:
            if kind == "request":
                answer = self.live.request(first, **second)
                if "handle" in answer:
                    created += 1
                    if answer["handle"] != created:
                        raise GraderFault(f"the shared reference answers are out of step with the live "
                                          f"reference (handle {answer['handle']}, expected {created})")
            else:
                second(self.live.obj(first))
        self._history.clear()
        return self.live

    def _same_handle(self, handle: Any) -> None:
        if handle != self._handles:
            raise GraderFault(f"the shared reference answers are out of step with the live reference "
                              f"(handle {handle}, expected {self._handles})")


class SharedReferences:
    """The references of a batch's job process: ``live`` (:class:`grader.engine.References`)
    behind one :class:`ReferenceStore` per exercise, shared by every student it grades."""

    controls = True  # fresh runners may play both sides of a control run, as live ones do

    def __init__(self, live: Any) -> None:
        self.live = live
        self.stores: dict[str, ReferenceStore] = {}

    @property
    def root(self) -> Any:
        return self.live.root

    def runner(self, exercise: Any, pool: Any = None) -> SharedReference:
        store = self.stores.setdefault(exercise.id, ReferenceStore())
        if not store.answers and not store.derived:
            probe = self.live.runner(exercise, pool)  # a reference that cannot be imported is a grader fault now
            close = getattr(probe, "close", None)
            if callable(close):
                close()
        return SharedReference(store, lambda: self.live.runner(exercise, pool))
