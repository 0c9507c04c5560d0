"""File operations every track answers the same way, relative to the worker's scratch folder (its
working directory): whether a path exists, a folder's entries, removing a file (so that a check never
reads a file an earlier case left). They run in the confined worker, on the judge's paths.

Example:
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); path = os.path.join(d, "w.params")
    >>> op_exists(None, path), op_remove(None, path)
    ({'exists': False}, {'removed': False})
    >>> _ = open(path, "w").write("x")
    >>> op_listdir(None, d), op_remove(None, path), op_exists(None, path)
    ({'entries': ['w.params']}, {'removed': True}, {'exists': False})
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["NEUTRAL_FILE_OPS", "op_exists", "op_listdir", "op_remove"]


def op_exists(session: "Session | None", path: str) -> dict[str, Any]:
    """Whether ``path`` exists."""
    return {"exists": os.path.exists(path)}


def op_remove(session: "Session | None", path: str) -> dict[str, Any]:
    """Delete the file ``path`` if it exists (``removed`` says whether it did; ``problem`` why not)."""
    try:
        os.remove(path)
        return {"removed": True}
    except FileNotFoundError:
        return {"removed": False}
    except OSError as exc:
        return {"removed": False, "problem": str(exc)}


def op_listdir(session: "Session | None", path: str = ".") -> dict[str, Any]:
    """The sorted entries of the folder ``path`` (``[]`` and a ``problem`` when it cannot be read)."""
    try:
        return {"entries": sorted(os.listdir(path))}
    except OSError as exc:
        return {"entries": [], "problem": str(exc)}


NEUTRAL_FILE_OPS: dict[str, Callable[..., dict[str, Any]]] = {
    "exists": op_exists, "listdir": op_listdir, "remove": op_remove}
