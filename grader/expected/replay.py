"""A reference runner that answers from a recording: expected values without the reference code.

Example:
    >>> from grader.expected.store import Recording
    >>> r = ReplayReference(Recording("t/e", seed=1))
    >>> r.request("build", spec={"kind": "attr", "name": "MLP"}, seed=1)
    Traceback (most recent call last):
    ...
    grader.expected.replay.ReferenceUnavailable: no recorded reference answer for this build request
"""
from __future__ import annotations

from typing import Any, Callable

from grader.checks.base import GraderFault
from grader.expected.cases import CaseBook
from grader.expected.store import Recording
from grader.expected.trace import Traces, UnknownHandle
from grader.sandbox import codec

__all__ = ["ReplayReference", "ReferenceUnavailable"]


class ReferenceUnavailable(GraderFault):
    """The recording has no answer for a request (a path the release did not record)."""


class ReplayReference:
    """Answers reference requests from a :class:`Recording`; there are no live objects."""

    recording_mode = False

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.traces = Traces()
        self.casebook = CaseBook(recording, verify=True)
        self._next = 0

    def _key(self, op: str, args: dict[str, Any]) -> tuple[str, list[int]]:
        try:
            return self.traces.key(op, args)
        except UnknownHandle:
            raise ReferenceUnavailable(f"no recorded reference answer for this {op} request") from None

    def begin_case(self) -> None:
        """A check's case begins (see :meth:`grader.expected.trace.Traces.begin_case`)."""
        self.traces.begin_case()

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        key, mentioned = self._key(op, args)
        if key not in self.recording.answers:
            raise ReferenceUnavailable(f"no recorded reference answer for this {op} request")
        answer = codec.decode(codec.encode(self.recording.answers[key]))  # a fresh copy per request
        self.traces.touched(mentioned, key)
        if "handle" in answer:
            self._next += 1
            answer["handle"] = self._next
            self.traces.created(self._next, key)
        return answer

    def obj(self, handle: int) -> Any:
        raise ReferenceUnavailable("the reference's objects are not part of a student release")

    def derive(self, handle: int, label: str, fn: Callable[[Any], Any], *, inputs: Any = None,
               mutates: bool = False) -> Any:
        key, mentioned = self._key(f"derive:{label}", {"handle": handle, "inputs": inputs})
        if key not in self.recording.derived:
            raise ReferenceUnavailable(f"no recorded value for {label}")
        if mutates:
            self.traces.touched(mentioned, key)
        return codec.decode(codec.encode(self.recording.derived[key]))
