"""What to build, for the Gluon track: the worker core's spec nodes (:mod:`grader.sandbox.specs`:
``value``, ``list``, ``tuple``, ``dict``, ``attr``, ``call``, ``getattr``, ``handle``), with

- ``gluon``: a name under ``mxnet.gluon`` (``{"kind": "gluon", "name": "nn.Dense"}``,
  ``{"kind": "gluon", "name": "Trainer"}``);
- ``mx``: a name under the ``mxnet`` package (``{"kind": "mx", "name": "init.Xavier"}``, ``"cpu"``,
  ``"gpu"``, ``"nd.ones"``), so that the judge builds initializers, contexts and trainers;
- ``namedtuple``: a namedtuple of a class made on the spot (``{"kind": "namedtuple", "type": "Batch",
  "fields": ["X", "y"], "items": [node, node]}``): what the codec cannot bring (it decodes a namedtuple
  as a plain tuple subclass), for a function that must keep a batch's container type.

A name that MXNet lacks is the grader's fault: :class:`~grader.sandbox.specs.SpecError`.

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
    >>> evaluate({"kind": "call", "fn": {"kind": "mx", "name": "cpu"}, "args": [{"kind": "value", "value": 1}],
    ...           "kwargs": {}}, namespace=mod, objects={}, counters={})
    cpu(1)
    >>> type(evaluate({"kind": "call", "fn": {"kind": "mx", "name": "init.Xavier"}, "args": [], "kwargs": {}},
    ...               namespace=mod, objects={}, counters={})).__name__
    'Xavier'
    >>> evaluate({"kind": "namedtuple", "type": "Batch", "fields": ["X", "y"],
    ...           "items": [{"kind": "value", "value": 1}, {"kind": "value", "value": 2}]},
    ...          namespace=mod, objects={}, counters={})
    Batch(X=1, y=2)
    >>> evaluate({"kind": "mx", "name": "init.NoSuchInit"}, namespace=mod, objects={}, counters={})
    Traceback (most recent call last):
    ...
    grader.sandbox.specs.SpecError: mxnet has no init.NoSuchInit
"""
from __future__ import annotations

import collections
from typing import Any, Callable

from grader.sandbox.specs import NotCallableName, SpecError
from grader.sandbox.specs import evaluate as evaluate_plain

__all__ = ["evaluate", "resolve"]


def resolve(root: Any, dotted: str) -> Any:
    """``root.a.b.c`` for ``dotted = "a.b.c"``; SpecError when a part is missing or private."""
    obj = root
    for part in str(dotted).split("."):
        if not part or part.startswith("_"):
            raise SpecError(f"{root.__name__} has no {dotted} (an empty or private part)")
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SpecError(f"{root.__name__} has no {dotted}") from None
    return obj


def _gluon(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    from mxnet import gluon

    return resolve(gluon, node["name"])


def _mx(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    import mxnet

    return resolve(mxnet, node["name"])


def _namedtuple(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    try:
        cls = collections.namedtuple(str(node["type"]), [str(f) for f in node["fields"]])
    except (ValueError, TypeError) as exc:
        raise SpecError(f"not a namedtuple: {exc}") from None
    return cls(*[ev(item) for item in node["items"]])


KINDS = {"gluon": _gluon, "mx": _mx, "namedtuple": _namedtuple}


def _then(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    obj = ev(node["of"])
    for call in node["calls"]:
        getattr(obj, str(call["name"]))(*[ev(a) for a in call["args"]],
                                         **{k: ev(v) for k, v in call["kwargs"].items()})
    return obj


def _array(node: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
    return node["value"].copy()  # decoded as the module's array kind; each evaluation gets its own


def _check_call(node: dict[str, Any], fn: Any) -> None:
    from mxnet import gluon

    if node["fn"].get("kind") == "attr" and (isinstance(fn, gluon.Block) or not callable(fn)):
        raise NotCallableName(node["fn"]["name"], fn, with_arguments=bool(node["args"] or node["kwargs"]))


def evaluate(node: dict[str, Any], *, namespace: Any, objects: dict[int, Any], counters: dict[str, int]) -> Any:
    """Evaluate ``node`` against ``namespace`` (the exercise module); ``objects`` holds what earlier
    requests built, by handle; ``counters`` counts the calls of ``factory`` nodes by name. Besides
    :data:`KINDS`: ``then`` (an object after calls of its methods, ``{"of", "calls": [{"name", "args",
    "kwargs"}]}``), ``factory`` (a zero-argument callable building ``spec`` anew each call), ``shared``
    (the same object wherever its ``name`` appears in this evaluation), ``array`` (a copy of an
    array the judge sent), ``index`` and ``slice`` (``net[0]``, ``net[1:]``). The module's own exceptions propagate unchanged."""
    memo: dict[str, Any] = {}

    def factory(n: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
        name = str(n.get("counter", "factory"))
        counters.setdefault(name, 0)

        def make() -> Any:
            counters[name] = counters.get(name, 0) + 1
            return ev(n["spec"])

        return make

    def shared(n: dict[str, Any], ev: Callable[[dict[str, Any]], Any]) -> Any:
        if n["name"] not in memo:
            memo[n["name"]] = ev(n["spec"])
        return memo[n["name"]]

    kinds = {**KINDS, "then": _then, "array": _array, "factory": factory, "shared": shared,
             "index": lambda n, ev: ev(n["of"])[n["key"]], "slice": lambda n, ev: ev(n["of"])[n["start"]:n["stop"]]}
    return evaluate_plain(node, namespace=namespace, objects=objects, kinds=kinds, check_call=_check_call)
