"""What to build, for the Gluon track: the same JSON spec nodes as the PyTorch track's specs
(``value``, ``list``, ``tuple``, ``dict``, ``attr``, ``call``, ``getattr``, ``handle``), with
``gluon`` for a name under ``mxnet.gluon`` (``{"kind": "gluon", "name": "nn.Dense"}``).

Example:
    >>> import types
    >>> mod = types.SimpleNamespace(pair=lambda a, b=0: (a, b))
    >>> node = {"kind": "call", "fn": {"kind": "attr", "name": "pair"},
    ...         "args": [{"kind": "value", "value": 1}], "kwargs": {"b": {"kind": "value", "value": 2}}}
    >>> evaluate(node, namespace=mod, objects={})
    (1, 2)
    >>> evaluate({"kind": "attr", "name": "MLP"}, namespace=mod, objects={})
    Traceback (most recent call last):
    ...
    grader.tracks.gluon.worker.specs.MissingName: MLP
"""
from __future__ import annotations

from typing import Any

__all__ = ["evaluate", "SpecError", "MissingName"]


class SpecError(ValueError):
    """A spec that cannot be evaluated (a grader fault, never the student's)."""


class MissingName(AttributeError):
    """The exercise's module does not define a name the spec uses."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return self.name


def evaluate(node: dict[str, Any], *, namespace: Any, objects: dict[int, Any]) -> Any:
    """Evaluate ``node`` against ``namespace`` (the exercise module); ``objects`` holds what earlier
    requests built, by handle. The module's own exceptions propagate unchanged."""
    kind = node.get("kind")
    if kind == "value":
        return node["value"]
    if kind in ("list", "tuple"):
        items = [evaluate(i, namespace=namespace, objects=objects) for i in node["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {k: evaluate(v, namespace=namespace, objects=objects) for k, v in node["items"].items()}
    if kind == "attr":
        try:
            return getattr(namespace, node["name"])
        except AttributeError:
            raise MissingName(node["name"]) from None
    if kind == "gluon":
        from mxnet import gluon

        obj: Any = gluon
        for part in str(node["name"]).split("."):
            obj = getattr(obj, part)
        return obj
    if kind == "call":
        fn = evaluate(node["fn"], namespace=namespace, objects=objects)
        args = [evaluate(a, namespace=namespace, objects=objects) for a in node["args"]]
        kwargs = {k: evaluate(v, namespace=namespace, objects=objects) for k, v in node["kwargs"].items()}
        return fn(*args, **kwargs)
    if kind == "getattr":
        return getattr(evaluate(node["of"], namespace=namespace, objects=objects), node["name"])
    if kind == "handle":
        return objects[node["id"]]
    raise SpecError(f"unknown spec node {kind!r}")
