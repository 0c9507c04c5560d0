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
"""
from __future__ import annotations

from typing import Any

from grader.sandbox.spec_builder import Namespace
from grader.sandbox.spec_builder import Spec as BaseSpec

__all__ = ["Spec", "ex", "nn", "mx", "handle", "context"]


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
        "gluon": lambda node, text: str(node["name"]),
        "mx": lambda node, text: f"mx.{node['name']}",
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
