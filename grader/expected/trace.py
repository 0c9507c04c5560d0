"""Content keys for reference requests: the operation, its arguments and the history of its objects.

A handle is a number that depends on the order of requests; a key replaces it
with the object's *trace*: the key of the request that created it, extended by
the key of every later request that mentioned it (which may have changed it).

What a file operation (:data:`FILE_OPS`: reading the scratch folder, say) answers
depends on the files earlier requests wrote, which no handle names: its key also
holds the keys of every request since the case began (:meth:`Traces.begin_case`;
a check writes what it reads within one case). Without it, reading 'saved.bin'
would have one key for every case, whatever each case saved there.

Example:
    >>> t = Traces()
    >>> k1, _ = t.key("build", {"spec": {"kind": "attr", "name": "MLP"}, "seed": 1})
    >>> t.created(5, k1)
    >>> k2, mentioned = t.key("forward", {"handle": 5, "args": []})
    >>> mentioned
    [5]
    >>> Traces().key("build", {"spec": {"kind": "attr", "name": "MLP"}, "seed": 1})[0] == k1
    True

A file read is told apart by what the case did before it:
    >>> def read_after(saved):
    ...     t = Traces(); t.begin_case()
    ...     t.key("value", {"spec": {"kind": "call", "args": [saved, "saved.bin"]}})
    ...     return t.key("safe_load", {"path": "saved.bin"})[0]
    >>> read_after(1) == read_after(1), read_after(1) == read_after(2)
    (True, False)
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from grader.sandbox import codec

__all__ = ["Traces", "UnknownHandle", "HANDLE_ARGS", "FILE_OPS"]

HANDLE_ARGS = ("handle", "model", "optimizer")

#: operations whose answer depends on the files in the worker's scratch folder (their key holds the case so far)
FILE_OPS = frozenset({"safe_load", "nd_load", "load_parameters", "save_parameters", "exists", "listdir", "remove"})


class UnknownHandle(KeyError):
    """A request names a handle this side never created."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class Traces:
    """Traces of the objects of one reference session."""

    def __init__(self) -> None:
        self._of: dict[int, str] = {}
        self._case = ""  # the keys of the requests since the case began, chained

    def begin_case(self) -> None:
        """A check's case begins: file operations from now on are keyed by this case's requests."""
        self._case = ""

    def key(self, op: str, args: dict[str, Any]) -> tuple[str, list[int]]:
        """The request's key and the handles it mentions."""
        mentioned: list[int] = []
        canon = codec.encode(self._canonical(args, mentioned, top=True))
        key = _digest(op, json.dumps(canon, sort_keys=True, separators=(",", ":")))
        if op in FILE_OPS:
            key = _digest(key, "after", self._case)
        self._case = _digest(self._case, key)
        return key, mentioned

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
