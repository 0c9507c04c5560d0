"""Content keys for reference requests: the operation, its arguments and the history of its objects.

A handle is a number that depends on the order of requests; a key replaces it
with the object's *trace*: the key of the request that created it, extended by
the key of every later request that mentioned it (which may have changed it).

Example:
    >>> t = Traces()
    >>> k1, _ = t.key("build", {"spec": {"kind": "attr", "name": "MLP"}, "seed": 1})
    >>> t.created(5, k1)
    >>> k2, mentioned = t.key("forward", {"handle": 5, "args": []})
    >>> mentioned
    [5]
    >>> Traces().key("build", {"spec": {"kind": "attr", "name": "MLP"}, "seed": 1})[0] == k1
    True
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from grader.sandbox import codec

__all__ = ["Traces", "UnknownHandle", "HANDLE_ARGS"]

HANDLE_ARGS = ("handle", "model", "optimizer")


class UnknownHandle(KeyError):
    """A request names a handle this side never created."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Traces:
    """Traces of the objects of one reference session."""

    def __init__(self) -> None:
        self._of: dict[int, str] = {}

    def key(self, op: str, args: dict[str, Any]) -> tuple[str, list[int]]:
        """The request's key and the handles it mentions."""
        mentioned: list[int] = []
        canon = codec.encode(self._canonical(args, mentioned, top=True))
        return _digest(op, json.dumps(canon, sort_keys=True, separators=(",", ":"))), mentioned

    def created(self, handle: int, key: str) -> None:
        self._of[handle] = _digest(key, "created")

    def touched(self, handles: list[int], key: str) -> None:
        for h in handles:
            self._of[h] = _digest(self._of[h], key)

    def _trace(self, handle: Any, mentioned: list[int]) -> str:
        if not isinstance(handle, int) or handle not in self._of:
            raise UnknownHandle(handle)
        if handle not in mentioned:
            mentioned.append(handle)
        return self._of[handle]

    def _canonical(self, value: Any, mentioned: list[int], top: bool = False) -> Any:
        if isinstance(value, dict):
            if value.get("kind") == "handle" and "id" in value:
                return {"kind": "handle", "trace": self._trace(value["id"], mentioned)}
            return {k: ({"trace": self._trace(v, mentioned)} if top and k in HANDLE_ARGS and isinstance(v, int)
                        else self._canonical(v, mentioned)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._canonical(v, mentioned) for v in value)
        return value
