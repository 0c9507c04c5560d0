"""Writing build specs on the judge's side, whatever the framework: :class:`Spec` and its text.

A spec is a small expression tree of plain JSON nodes (:mod:`grader.sandbox.specs` evaluates
them in a worker). The judge writes one with Python-like sugar (``ex.MLP(3, 4)``), and its
``repr`` reads as Python: that is how a failing case is shown to the student. A track adds its
own node kinds by subclassing :class:`Spec` with ``renderers`` for their text (PyTorch's ``nn``,
``torch``…; Gluon's ``gluon``, ``mx``).

Example:
    >>> spec = ex.MLP(3, hidden=5)
    >>> spec, spec.attr("initialize")()
    (MLP(3, hidden=5), MLP(3, hidden=5).initialize())
    >>> Spec.from_json(spec.to_json()) == spec
    True
    >>> class Mine(Spec):
    ...     renderers = {"np": lambda node, text: f"np.{node['name']}"}
    >>> Mine({"kind": "np", "name": "ones"})((2, 3))
    np.ones((2, 3))
"""
from __future__ import annotations

import json
from typing import Any, Callable, ClassVar, Mapping

from grader.sandbox.specs import SpecError

__all__ = ["Spec", "Namespace", "lift", "render", "ex", "handle", "Renderer"]

#: How a track writes a node kind of its own as text: ``(node, text)``, ``text`` writing a child node.
Renderer = Callable[[dict[str, Any], Callable[[dict[str, Any]], str]], str]


def lift(value: Any) -> Any:
    """A Python value (or nested lists / dicts of specs) as a spec node.

    Example:
        >>> lift([1, "a"])["kind"]
        'list'
    """
    if isinstance(value, Spec):
        return value.node
    if isinstance(value, (list, tuple)):
        return {"kind": "list" if isinstance(value, list) else "tuple", "items": [lift(v) for v in value]}
    if isinstance(value, dict):
        return {"kind": "dict", "items": {str(k): lift(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"kind": "value", "value": value}
    raise SpecError(f"cannot put {type(value).__name__} in a spec")


class Spec:
    """A node of a build spec, with Python-like sugar to write it; ``renderers`` write a track's
    own node kinds as text (a subclass's)."""

    __slots__ = ("node",)
    renderers: ClassVar[Mapping[str, Renderer]] = {}

    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def __call__(self, *args: Any, **kwargs: Any) -> "Spec":
        return type(self)({"kind": "call", "fn": self.node, "args": [lift(a) for a in args],
                           "kwargs": {k: lift(v) for k, v in kwargs.items()}})

    def __getitem__(self, key: int | str | slice) -> "Spec":
        if isinstance(key, slice):
            return type(self)({"kind": "slice", "of": self.node, "start": key.start, "stop": key.stop})
        return type(self)({"kind": "index", "of": self.node, "key": key})

    def attr(self, name: str) -> "Spec":
        """An attribute of the object: ``spec.attr("parameters")()`` is ``obj.parameters()``."""
        return type(self)({"kind": "getattr", "of": self.node, "name": name})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Spec) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def to_json(self) -> str:
        return json.dumps(self.node, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Spec":
        return cls(json.loads(text))

    def __repr__(self) -> str:
        return render(self.node, self.renderers)


def render(node: dict[str, Any], renderers: Mapping[str, Renderer] | None = None) -> str:
    """Python-looking text of a spec node (a track's own kinds through ``renderers``)."""
    extra = renderers or {}

    def text(n: dict[str, Any]) -> str:
        kind = n.get("kind")
        if kind in extra:
            return extra[kind](n, text)
        if kind == "attr":
            return str(n["name"])
        if kind == "value":
            return repr(n["value"])
        if kind == "list":
            return "[" + ", ".join(text(i) for i in n["items"]) + "]"
        if kind == "tuple":
            items = [text(i) for i in n["items"]]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if kind == "dict":
            return "{" + ", ".join(f"{k!r}: {text(v)}" for k, v in n["items"].items()) + "}"
        if kind == "call":
            parts = [text(a) for a in n["args"]] + [f"{k}={text(v)}" for k, v in n["kwargs"].items()]
            return f"{text(n['fn'])}({', '.join(parts)})"
        if kind == "index":
            return f"{text(n['of'])}[{n['key']!r}]"
        if kind == "slice":
            start = "" if n["start"] is None else n["start"]
            stop = "" if n["stop"] is None else n["stop"]
            return f"{text(n['of'])}[{start}:{stop}]"
        if kind == "handle":
            return f"<object {n['id']}>"
        if kind == "getattr":
            return f"{text(n['of'])}.{n['name']}"
        return f"<{kind}>"

    return text(node)


class Namespace:
    """Names of one kind as specs: ``Namespace("attr", Spec).MLP`` is the exercise's ``MLP``;
    ``prefix`` goes before each name (``Namespace("gluon", prefix="nn.").Dense`` names ``nn.Dense``)."""

    def __init__(self, kind: str, spec: type[Spec] = Spec, prefix: str = "") -> None:
        self._kind = kind
        self._spec = spec
        self._prefix = prefix

    def __getattr__(self, name: str) -> Spec:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._spec({"kind": self._kind, "name": self._prefix + name})


#: Names of the exercise's own module: ``ex.MLP(3, 4)``.
ex = Namespace("attr")


def handle(ident: int, spec: type[Spec] = Spec) -> Spec:
    """An object already built in the session, by its handle."""
    return spec({"kind": "handle", "id": ident})
