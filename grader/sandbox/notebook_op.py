"""The operation that reports how a notebook's run went (the worker imported it as a module), whatever
the framework: every track's operations (``OPS``) include :data:`NOTEBOOK_OPS`.

Example:
    >>> import types
    >>> from grader.sandbox.session import Session
    >>> mod = types.SimpleNamespace(__grader_notebook_stop__={"cell": 3, "line": 1, "type": "ValueError",
    ...                                                      "message": "boom"})
    >>> op_notebook(Session(mod, None))["stopped"]["cell"]
    3
    >>> op_notebook(Session(types.SimpleNamespace(), None))
    {'stopped': None}
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["NOTEBOOK_OPS", "op_notebook"]


def op_notebook(session: "Session") -> dict[str, Any]:
    """Where the imported notebook's "Run All" stopped (cell, line, exception), or None; plain data
    only, written by :mod:`grader.notebooks.finder` before any student cell ran."""
    stop = getattr(session.namespace, "__grader_notebook_stop__", None)
    if not isinstance(stop, dict):
        return {"stopped": None}
    return {"stopped": {"cell": int(stop.get("cell", 0)), "line": int(stop.get("line", 0)),
                        "type": str(stop.get("type", ""))[:200], "message": str(stop.get("message", ""))[:1000]}}


NOTEBOOK_OPS = {"notebook": op_notebook}
