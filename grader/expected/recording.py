"""A reference runner that answers live and writes down every answer under its content key.

Example (inside `grade release`)::

    recording = Recording(exercise.id, seed)
    reference = RecordingReference(live_runner, recording)
    ... grade with ``reference`` ...
    recording.save(bundle / "grader" / "expected_values")

A stand-in live runtime shows what is written down (a handle is not: a replay makes its own):
    >>> class Live:
    ...     def request(self, op, **args):
    ...         return {"handle": 1, "type": "MLP"} if op == "build" else {"output": 2.5}
    ...     def obj(self, handle):
    ...         return [1, 2, 3]
    >>> recording = Recording("model_construction/mlp", seed=7)
    >>> reference = RecordingReference(Live(), recording)
    >>> reference.request("build", spec={"kind": "attr", "name": "MLP"}, seed=7)
    {'handle': 1, 'type': 'MLP'}
    >>> reference.request("forward", handle=1, args=[])
    {'output': 2.5}
    >>> list(recording.answers.values())
    [{'handle': None, 'type': 'MLP'}, {'output': 2.5}]
    >>> reference.derive(1, "length", len), list(recording.derived.values())
    (3, [3])
"""
from __future__ import annotations

from typing import Any, Callable

from grader.expected.cases import CaseBook
from grader.expected.store import Recording
from grader.expected.trace import Traces

__all__ = ["RecordingReference"]


class RecordingReference:
    """Wraps a live reference runtime (the track's, e.g. PyTorch's ``ReferenceRunner``); records requests, answers, derived values and cases."""

    recording_mode = True

    def __init__(self, live: Any, recording: Recording) -> None:
        self.live = live
        self.recording = recording
        self.traces = Traces()
        self.casebook = CaseBook(recording, verify=False)

    def close(self) -> None:
        """End the live runtime's process, if it holds one (the Gluon track's)."""
        close = getattr(self.live, "close", None)
        if callable(close):
            close()

    def begin_case(self) -> None:
        """A check's case begins (see :meth:`grader.expected.trace.Traces.begin_case`)."""
        self.traces.begin_case()

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        key, mentioned = self.traces.key(op, args)
        answer = self.live.request(op, **args)
        self.traces.touched(mentioned, key)
        stored = dict(answer)
        if "handle" in answer:
            self.traces.created(answer["handle"], key)
            stored["handle"] = None
        self.recording.answers[key] = stored
        return answer

    def obj(self, handle: int) -> Any:
        return self.live.obj(handle)

    def derive(self, handle: int, label: str, fn: Callable[[Any], Any], *, inputs: Any = None,
               mutates: bool = False) -> Any:
        key, mentioned = self.traces.key(f"derive:{label}", {"handle": handle, "inputs": inputs})
        value = fn(self.live.obj(handle))
        if mutates:
            self.traces.touched(mentioned, key)
        self.recording.derived[key] = value
        return value
