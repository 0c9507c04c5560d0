"""Evaluating build specs in a worker, whatever the framework: the plain nodes every track uses, and
the errors that tell the student's missing or misused names apart from the grader's bad specs.

A spec node is plain JSON: ``value``, ``list``, ``tuple``, ``dict``, ``attr`` (a name of the
exercise's module), ``call``, ``getattr`` and ``handle`` (an object an earlier request built) are
evaluated here; a track adds its own kinds (PyTorch's ``nn``, ``tensor``, ``shared``…; Gluon's
``gluon``) through ``kinds``, and may look at a called name first through ``check_call``.

Example:
    >>> import types
    >>> module = types.SimpleNamespace(pair=lambda a, b: (a, b))
    >>> node = {"kind": "call", "fn": {"kind": "attr", "name": "pair"},
    ...         "args": [{"kind": "value", "value": 1}, {"kind": "twice", "value": 2}], "kwargs": {}}
    >>> evaluate(node, namespace=module, objects={}, kinds={"twice": lambda n, ev: 2 * n["value"]})
    (1, 4)
    >>> evaluate({"kind": "attr", "name": "nope"}, namespace=module, objects={})
    Traceback (most recent call last):
    ...
    grader.sandbox.specs.MissingName: nope
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

__all__ = ["evaluate", "SpecError", "MissingName", "NotCallableName", "Kind"]

#: How a track evaluates a node kind of its own: ``(node, ev)``, ``ev`` evaluating a child node.
Kind = Callable[[dict[str, Any], Callable[[dict[str, Any]], Any]], Any]


class SpecError(ValueError):
    """A spec that cannot be evaluated (a grader fault, never the student's)."""


class MissingName(AttributeError):
    """The exercise module does not define a name the spec refers to."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class NotCallableName(TypeError):
    """The exercise module defines a name the spec calls, but as an object (``chimera =
    nn.Sequential(...)`` where a function ``chimera()`` is asked for, ``clone = MLP()``).

    Example:
        >>> import types
        >>> Sequential = type("Sequential", (), {"__module__": "torch.nn.modules.container"})
        >>> print(NotCallableName("chimera", Sequential(), with_arguments=False))
        `chimera` is an nn.Sequential object; the exercise asks for a function `chimera()` that returns one.
        >>> print(NotCallableName("clone", Sequential(), with_arguments=True))
        `clone` is an nn.Sequential object; the exercise asks for a function `clone(...)`, which the grader calls with its own arguments.
        >>> print(NotCallableName("MLP", 3, with_arguments=True))
        `MLP` is an object of type int; the exercise asks for the class `MLP`, which the grader builds with its own arguments.
    """

    def __init__(self, name: str, value: Any, *, with_arguments: bool) -> None:
        cls = type(value)
        framework_block = cls.__module__.startswith(("torch.nn", "mxnet.gluon"))
        what = f"an nn.{cls.__name__} object" if framework_block else f"an object of type {cls.__name__}"
        if name[:1].isupper():
            asked = f"the class `{name}`, which the grader builds with its own arguments"
        elif with_arguments:
            asked = f"a function `{name}(...)`, which the grader calls with its own arguments"
        else:
            asked = f"a function `{name}()` that returns one"
        super().__init__(f"`{name}` is {what}; the exercise asks for {asked}.")
        self.name = name


def evaluate(node: dict[str, Any], *, namespace: Any, objects: Mapping[int, Any],
             kinds: Mapping[str, Kind] | None = None,
             check_call: Callable[[dict[str, Any], Any], None] | None = None) -> Any:
    """Evaluate ``node`` against ``namespace`` (the exercise module); ``objects`` holds what earlier
    requests built, by handle. ``check_call(node, fn)`` may refuse a ``call`` node's function before
    its arguments are evaluated. The module's own exceptions propagate unchanged."""
    extra = kinds or {}

    def ev(n: dict[str, Any]) -> Any:
        kind = n.get("kind")
        if kind == "value":
            return n["value"]
        if kind == "list":
            return [ev(i) for i in n["items"]]
        if kind == "tuple":
            return tuple(ev(i) for i in n["items"])
        if kind == "dict":
            return {k: ev(v) for k, v in n["items"].items()}
        if kind == "attr":
            try:
                return getattr(namespace, n["name"])
            except AttributeError:
                raise MissingName(n["name"]) from None
        if kind == "call":
            fn = ev(n["fn"])
            if check_call is not None:
                check_call(n, fn)
            return fn(*[ev(a) for a in n["args"]], **{k: ev(v) for k, v in n["kwargs"].items()})
        if kind == "handle":
            return objects[n["id"]]
        if kind == "getattr":
            return getattr(ev(n["of"]), n["name"])
        if kind in extra:
            return extra[kind](n, ev)
        raise SpecError(f"unknown spec node {kind!r}")

    return ev(node)
