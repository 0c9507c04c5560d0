"""Build specs of the Gluon track, written on the judge's side (no MXNet here): the exercise's
names (``ex``), ``mxnet.gluon.nn`` (``nn``), ``mxnet`` (``mx``), objects by handle; their text
reads as the Gluon code a student can paste.

The worker evaluates them (:mod:`grader.tracks.gluon.worker.specs`): ``gluon`` nodes name
``mxnet.gluon.<name>``, ``mx`` nodes ``mxnet.<name>``.

Example:
    >>> nn.Sequential()
    nn.Sequential()
    >>> ex.MLP(8, 3), mx.init.Xavier(), nn.Dense(4, activation="relu")
    (MLP(8, 3), mx.init.Xavier(), nn.Dense(4, activation='relu'))
    >>> handle(2).attr("collect_params")()
    <object 2>.collect_params()
    >>> print("net = " + repr(then(ex.MySequential(), ("add", nn.Dense(4)), ("add", nn.Dense(2)))))
    net = MySequential()
    net.add(nn.Dense(4))
    net.add(nn.Dense(2))
    >>> ex.stack(factory(nn.Dense(3)), 2)
    stack(lambda: nn.Dense(3), 2)
"""
from __future__ import annotations

from typing import Any

from grader.sandbox.spec_builder import Namespace, lift
from grader.sandbox.spec_builder import Spec as BaseSpec

__all__ = ["Spec", "ex", "nn", "mx", "handle", "context", "then", "factory", "shared", "array", "gluon_name",
           "namedtuple"]


class _Dotted(Namespace):
    """``mx.init.Xavier``: a dotted name under one package."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _DottedSpec({"kind": self._kind, "name": self._prefix + name})


class Spec(BaseSpec):
    """A spec node with the Gluon track's kinds: ``gluon`` (``nn.Dense``) and ``mx`` (``mx.init.Xavier``)."""

    __slots__ = ()
    renderers = {
        "gluon": lambda node, text: str(node.get("text") or node["name"]),
        "mx": lambda node, text: f"mx.{node['name']}",
        "then": lambda node, text: "\n".join(
            [text(node["of"])] + [f"{node.get('var', 'net')}.{c['name']}("
                                  + ", ".join([text(a) for a in c["args"]]
                                              + [f"{k}={text(v)}" for k, v in c["kwargs"].items()]) + ")"
                                  for c in node["calls"]]),
        "factory": lambda node, text: f"lambda: {text(node['spec'])}",
        "shared": lambda node, text: str(node["name"]),
        "array": lambda node, text: str(node.get("name") or f"<array {tuple(getattr(node['value'], 'shape', ()))}>"),
        "namedtuple": lambda node, text: f"{node['type']}(" + ", ".join(
            f"{f}={text(i)}" for f, i in zip(node["fields"], node["items"])) + ")",
    }


class _DottedSpec(Spec):
    """A name that may go on with more dotted parts (``mx.init`` then ``.Xavier``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Spec:
        if name.startswith("__") or name == "node":
            raise AttributeError(name)
        node = self.node
        return _DottedSpec({"kind": node["kind"], "name": f"{node['name']}.{name}"})


#: Names of the exercise's own module: ``ex.MLP(8, 3)``.
ex = Namespace("attr", Spec)
#: Names of ``mxnet.gluon.nn``: ``nn.Dense(4)``.
nn = Namespace("gluon", Spec, prefix="nn.")
#: Names of ``mxnet``: ``mx.init.Xavier()``, ``mx.cpu(1)``.
mx = _Dotted("mx", Spec)


def handle(ident: int) -> Spec:
    """An object already built in the session, by its handle."""
    return Spec({"kind": "handle", "id": ident})


def context(text: str) -> Spec:
    """An MXNet context from its text: ``context("cpu(1)")`` is ``mx.cpu(1)``.

    Example:
        >>> context("gpu(2)")
        mx.gpu(2)
    """
    kind, _, rest = text.partition("(")
    return getattr(mx, kind)(int(rest.rstrip(")") or 0))


def then(spec: Spec, *calls: tuple[Any, ...], var: str = "net") -> Spec:
    """``spec``'s object after calling some of its methods in order (``("add", block)``); the
    calls' results are dropped (``add`` returns None). Its text is the statements (``var`` names
    the object in them), so show it as ``net = ...``."""
    items = []
    for name, *args in calls:
        kwargs = args.pop() if args and isinstance(args[-1], dict) else {}
        items.append({"name": name, "args": [lift(a) for a in args], "kwargs": {k: lift(v) for k, v in kwargs.items()}})
    return Spec({"kind": "then", "of": spec.node, "calls": items, "var": var})


def factory(spec: Spec, *, counter: str = "factory") -> Spec:
    """A zero-argument callable that builds ``spec`` anew at each call, counting its calls under ``counter``."""
    return Spec({"kind": "factory", "spec": spec.node, "counter": counter})


def shared(name: str, spec: Spec) -> Spec:
    """The same object wherever ``name`` appears in one evaluation (a block added twice)."""
    return Spec({"kind": "shared", "name": name, "spec": spec.node})


def array(value: Any, name: str = "") -> Spec:
    """An array literal (sent as data; each evaluation gets its own copy, of the array API the module
    uses); ``name`` is how the case shows it (``X``).

    Example:
        >>> import numpy
        >>> ex.materialize(handle(1), array(numpy.zeros((2, 3), "float32"), "X"))
        materialize(<object 1>, X)
    """
    return Spec({"kind": "array", "value": value, "name": name})


def gluon_name(name: str) -> Spec:
    """A name under ``mxnet.gluon``: ``gluon_name("Trainer")`` is ``gluon.Trainer``.

    Example:
        >>> gluon_name("Trainer")(handle(1).attr("collect_params")(), "sgd")
        gluon.Trainer(<object 1>.collect_params(), 'sgd')
    """
    return Spec({"kind": "gluon", "name": name, "text": f"gluon.{name}"})


def namedtuple(type_name: str, fields: list[str], *items: Any) -> Spec:
    """An instance of a namedtuple class the worker makes on the spot (``collections.namedtuple(type_name,
    fields)``), holding ``items``: what a function that must keep a batch's container type receives.

    Example:
        >>> namedtuple("Batch", ["X", "y"], array(None, "X"), 7)
        Batch(X=X, y=7)
    """
    if len(items) != len(fields):
        raise ValueError(f"namedtuple {type_name}: {len(fields)} field(s), {len(items)} item(s)")
    return Spec({"kind": "namedtuple", "type": type_name, "fields": list(fields), "items": [lift(i) for i in items]})
