"""Build specs: small expression trees that say what object to build.

The judge writes a spec once; the worker evaluates it against the student's
module and the judge evaluates it against the reference, so both sides build
the same thing. A spec is plain JSON, and its ``repr`` reads as Python, which
is how a failing case is shown to the student.

Example:
    >>> spec = ex.MLP(in_features=3, hidden=5)
    >>> spec
    MLP(in_features=3, hidden=5)
    >>> nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    >>> Spec.from_json(spec.to_json()) == spec
    True
"""
from __future__ import annotations

import json
from typing import Any, Callable

from grader.sandbox.specs import Kind, MissingName, NotCallableName, SpecError
from grader.sandbox.specs import evaluate as evaluate_plain

__all__ = ["Spec", "ex", "nn", "factory", "shared", "handle", "tensor", "torch_attr", "namedtuple_value",
           "ordered_dict", "lift", "evaluate", "SpecError", "MissingName", "NotCallableName"]


def lift(value: Any) -> Any:
    """Public name of :func:`_lift`: a Python value (or nested specs) as a spec node.

    Example:
        >>> lift([1, "a"])["kind"]
        'list'
    """
    return _lift(value)


def _lift(value: Any) -> Any:
    """Turn Python values (and nested lists/dicts of specs) into JSON spec nodes."""
    if isinstance(value, Spec):
        return value.node
    if isinstance(value, (list, tuple)):
        return {"kind": "list" if isinstance(value, list) else "tuple",
                "items": [_lift(v) for v in value]}
    if isinstance(value, dict):
        return {"kind": "dict", "items": {str(k): _lift(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"kind": "value", "value": value}
    raise SpecError(f"cannot put {type(value).__name__} in a spec")


class Spec:
    """A node of a build spec, with Python-like sugar to write it."""

    __slots__ = ("node",)

    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def __call__(self, *args: Any, **kwargs: Any) -> "Spec":
        return Spec({"kind": "call", "fn": self.node, "args": [_lift(a) for a in args],
                     "kwargs": {k: _lift(v) for k, v in kwargs.items()}})

    def __getitem__(self, key: int | str | slice) -> "Spec":
        if isinstance(key, slice):
            return Spec({"kind": "slice", "of": self.node, "start": key.start, "stop": key.stop})
        return Spec({"kind": "index", "of": self.node, "key": key})

    def attr(self, name: str) -> "Spec":
        """An attribute of the object: ``spec.attr("parameters")()`` is ``obj.parameters()``."""
        return Spec({"kind": "getattr", "of": self.node, "name": name})

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
        return render(self.node)


def render(node: dict[str, Any]) -> str:
    """Python-looking text of a spec node."""
    kind = node.get("kind")
    if kind == "attr":
        return node["name"]
    if kind == "nn":
        return f"nn.{node['name']}"
    if kind == "value":
        return repr(node["value"])
    if kind == "list":
        return "[" + ", ".join(render(i) for i in node["items"]) + "]"
    if kind == "tuple":
        items = [render(i) for i in node["items"]]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {render(v)}" for k, v in node["items"].items()) + "}"
    if kind == "call":
        parts = [render(a) for a in node["args"]]
        parts += [f"{k}={render(v)}" for k, v in node["kwargs"].items()]
        return f"{render(node['fn'])}({', '.join(parts)})"
    if kind == "index":
        return f"{render(node['of'])}[{node['key']!r}]"
    if kind == "slice":
        start = "" if node["start"] is None else node["start"]
        stop = "" if node["stop"] is None else node["stop"]
        return f"{render(node['of'])}[{start}:{stop}]"
    if kind == "factory":
        return f"lambda: {render(node['spec'])}"
    if kind == "handle":
        return f"<object {node['id']}>"
    if kind == "shared":
        return node["name"]
    if kind == "getattr":
        return f"{render(node['of'])}.{node['name']}"
    if kind == "torch":
        return f"torch.{node['name']}"
    if kind == "tensor":
        value = node["value"]
        shape = tuple(getattr(value, "shape", ()))
        return f"<tensor {shape}>"
    if kind == "namedtuple":
        items = ", ".join(f"{f}={render(v)}" for f, v in zip(node["fields"], node["items"]))
        return f"{node['type']}({items})"
    if kind == "ordereddict":
        return "OrderedDict(" + render({"kind": "dict", "items": node["items"]}) + ")"
    return f"<{kind}>"


class _Namespace:
    def __init__(self, kind: str) -> None:
        self._kind = kind

    def __getattr__(self, name: str) -> Spec:
        if name.startswith("__"):
            raise AttributeError(name)
        return Spec({"kind": self._kind, "name": name})


#: Names of the exercise's own module: ``ex.MLP(3, 4)``.
ex = _Namespace("attr")
#: Names of ``torch.nn``: ``nn.Linear(3, 4)``.
nn = _Namespace("nn")


def factory(spec: Spec, *, counter: str = "factory") -> Spec:
    """A zero-argument callable that builds ``spec`` anew at each call, counting calls."""
    return Spec({"kind": "factory", "spec": spec.node, "counter": counter})


def shared(name: str, spec: Spec) -> Spec:
    """The same object wherever ``name`` appears in one evaluation: ``MySequential(a, a)``."""
    return Spec({"kind": "shared", "name": name, "spec": spec.node})


def tensor(value: Any) -> Spec:
    """A tensor literal (sent as data; each evaluation gets its own copy)."""
    return Spec({"kind": "tensor", "value": value})


def torch_attr(name: str) -> Spec:
    """A name of the ``torch`` package, dotted: ``torch_attr("optim.SGD")``."""
    return Spec({"kind": "torch", "name": name})


def namedtuple_value(type_name: str, fields: tuple[str, ...], items: list[Any]) -> Spec:
    """A namedtuple instance of a type created on the fly with these fields."""
    return Spec({"kind": "namedtuple", "type": type_name, "fields": list(fields), "items": [_lift(i) for i in items]})


def ordered_dict(items: dict[str, Any]) -> Spec:
    """A ``collections.OrderedDict``."""
    return Spec({"kind": "ordereddict", "items": {k: _lift(v) for k, v in items.items()}})


def handle(ident: int) -> Spec:
    """An object already built in the session, by its handle."""
    return Spec({"kind": "handle", "id": ident})


def evaluate(node: dict[str, Any], *, namespace: Any, objects: dict[int, Any],
             counters: dict[str, int]) -> Any:
    """Evaluate a spec node: ``namespace`` is the exercise module (student's or reference).

    ``counters`` counts factory calls by counter name. The plain nodes are the worker core's
    (:func:`grader.sandbox.specs.evaluate`); these are PyTorch's. Exceptions raised by the
    exercise's own code propagate unchanged; malformed specs raise SpecError.
    """
    import collections

    import torch
    import torch.nn as torch_nn

    memo: dict[str, Any] = {}

    def check_call(n: dict[str, Any], fn: Any) -> None:
        if n["fn"].get("kind") == "attr" and (isinstance(fn, torch_nn.Module) or not callable(fn)):
            raise NotCallableName(n["fn"]["name"], fn, with_arguments=bool(n["args"] or n["kwargs"]))

    def factory_node(n: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
        inner, name = n["spec"], n.get("counter", "factory")
        counters.setdefault(name, 0)

        def make() -> Any:
            counters[name] = counters.get(name, 0) + 1
            return ev(inner)

        return make

    def torch_node(n: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
        obj: Any = torch
        for part in n["name"].split("."):
            obj = getattr(obj, part)
        return obj

    def shared_node(n: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
        if n["name"] not in memo:
            memo[n["name"]] = ev(n["spec"])
        return memo[n["name"]]

    kinds: dict[str, Kind] = {
        "nn": lambda n, ev: getattr(torch_nn, n["name"]),
        "index": lambda n, ev: ev(n["of"])[n["key"]],
        "slice": lambda n, ev: ev(n["of"])[n["start"]:n["stop"]],
        "factory": factory_node,
        "torch": torch_node,
        "tensor": lambda n, ev: n["value"].clone(),
        "namedtuple": lambda n, ev: collections.namedtuple(n["type"], n["fields"])(*[ev(i) for i in n["items"]]),
        "ordereddict": lambda n, ev: collections.OrderedDict((k, ev(v)) for k, v in n["items"].items()),
        "shared": shared_node,
    }
    return evaluate_plain(node, namespace=namespace, objects=objects, kinds=kinds, check_call=check_call)


Factory = Callable[[], Any]
