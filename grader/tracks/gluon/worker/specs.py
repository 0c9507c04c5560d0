"""What to build, for the Gluon track: the worker core's spec nodes (:mod:`grader.sandbox.specs`:
``value``, ``list``, ``tuple``, ``dict``, ``attr``, ``call``, ``getattr``, ``handle``), with
``gluon`` for a name under ``mxnet.gluon`` (``{"kind": "gluon", "name": "nn.Dense"}``).

Example:
    >>> import types
    >>> mod = types.SimpleNamespace(pair=lambda a, b=0: (a, b))
    >>> node = {"kind": "call", "fn": {"kind": "attr", "name": "pair"},
    ...         "args": [{"kind": "value", "value": 1}], "kwargs": {"b": {"kind": "value", "value": 2}}}
    >>> evaluate(node, namespace=mod, objects={}, counters={})
    (1, 2)
    >>> evaluate({"kind": "attr", "name": "MLP"}, namespace=mod, objects={}, counters={})
    Traceback (most recent call last):
    ...
    grader.sandbox.specs.MissingName: MLP
"""
from __future__ import annotations

from typing import Any, Callable

from grader.sandbox.specs import evaluate as evaluate_plain

__all__ = ["evaluate"]


def _gluon(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    from mxnet import gluon

    obj: Any = gluon
    for part in str(node["name"]).split("."):
        obj = getattr(obj, part)
    return obj


def evaluate(node: dict[str, Any], *, namespace: Any, objects: dict[int, Any], counters: dict[str, int]) -> Any:
    """Evaluate ``node`` against ``namespace`` (the exercise module); ``objects`` holds what earlier
    requests built, by handle. The module's own exceptions propagate unchanged."""
    return evaluate_plain(node, namespace=namespace, objects=objects, kinds={"gluon": _gluon})
