"""A framework-free test track: its operations module imports no framework, and its arrays
(``array.array``) cross the boundary through the codec's array hook as dtype, shape and bytes.

Used by ``test_core_without_framework.py`` to run a worker behind the core in an interpreter
where ``import torch`` fails. The module is both the track's operations module (the worker
imports it by name) and its judge-side module (it registers the array codec on both sides).
"""
from __future__ import annotations

import array
import os
import sys
from pathlib import Path
from typing import Any

from grader.sandbox import codec
from grader.tracks import Track

__all__ = ["TRACK", "Session"]

TRACK = Track("echo", ops=__name__, judge=(__name__,))


def _encode(a: array.array) -> dict[str, Any]:
    return codec.array_payload(a.typecode, [len(a)], a.tobytes())


def _decode(meta: dict[str, Any]) -> array.array:
    typecode = str(meta["dtype"])
    if typecode not in array.typecodes:
        raise codec.CodecError(f"unknown typecode {typecode!r}")
    out = array.array(typecode)
    _shape, raw = codec.array_data(meta, out.itemsize)
    out.frombytes(raw or b"")
    return out


codec.register("array", array.array, _encode, _decode)


class Session:
    """Answers ``echo`` (its value back, arrays doubled) and ``frameworks`` (what the worker
    process has imported, and whether ``import torch`` works there)."""

    def __init__(self, namespace: Any, root: Path | None) -> None:
        self.root = root

    def run(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        if op == "echo":
            value = args["value"]
            doubled = [array.array(v.typecode, [2 * x for x in v]) if isinstance(v, array.array) else v
                       for v in value]
            return {"echo": doubled, "pid": os.getpid()}
        if op == "frameworks":
            try:
                import torch  # noqa: F401
                importable = True
            except ImportError:
                importable = False
            return {"torch_modules": sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")),
                    "torch_importable": importable}
        return {"error": {"type": "KeyError", "message": f"no operation {op!r}", "stage": op, "frames": [],
                          "missing_name": None}}
