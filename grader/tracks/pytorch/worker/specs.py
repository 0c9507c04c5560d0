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

from typing import Any, Callable

from grader.sandbox.spec_builder import Namespace, Renderer, lift
from grader.sandbox.spec_builder import Spec as BaseSpec
from grader.sandbox.spec_builder import render as render_plain
from grader.sandbox.specs import Kind, MissingName, NotCallableName, SpecError
from grader.sandbox.specs import evaluate as evaluate_plain

__all__ = ["Spec", "ex", "nn", "factory", "shared", "handle", "tensor", "torch_attr", "namedtuple_value",
           "ordered_dict", "lift", "evaluate", "SpecError", "MissingName", "NotCallableName"]


def _torch_renderers() -> dict[str, Renderer]:
    def tensor_text(node: dict[str, Any], text: Callable[[dict[str, Any]], str]) -> str:
        return f"<tensor {tuple(getattr(node['value'], 'shape', ()))}>"

    def namedtuple_text(node: dict[str, Any], text: Callable[[dict[str, Any]], str]) -> str:
        items = ", ".join(f"{f}={text(v)}" for f, v in zip(node["fields"], node["items"]))
        return f"{node['type']}({items})"

    return {
        "nn": lambda node, text: f"nn.{node['name']}",
        "factory": lambda node, text: f"lambda: {text(node['spec'])}",
        "shared": lambda node, text: node["name"],
        "torch": lambda node, text: f"torch.{node['name']}",
        "tensor": tensor_text,
        "namedtuple": namedtuple_text,
        "ordereddict": lambda node, text: "OrderedDict(" + text({"kind": "dict", "items": node["items"]}) + ")",
    }


class Spec(BaseSpec):
    """A node of a build spec (:class:`grader.sandbox.spec_builder.Spec`) with PyTorch's node kinds."""

    __slots__ = ()
    renderers = _torch_renderers()


_lift = lift


def render(node: dict[str, Any]) -> str:
    """Python-looking text of a spec node."""
    return render_plain(node, Spec.renderers)


#: Names of the exercise's own module: ``ex.MLP(3, 4)``.
ex = Namespace("attr", Spec)
#: Names of ``torch.nn``: ``nn.Linear(3, 4)``.
nn = Namespace("nn", Spec)


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
