"""What a Gluon block is made of, read the way ``save_parameters`` reads it: its descendant blocks and
parameters by structural name (``hidden.weight``, ``0.1.bias``; never the global ``dense0_weight``
prefixes), each parameter once under its first name, and the blocks it keeps where Gluon cannot see
them (a plain list, tuple or dict attribute: the classic registration mistake).

MXNet 1.9.1 facts this module relies on:

- ``Block._collect_params_with_prefix()`` is what ``save_parameters`` writes (a shared parameter
  under each of its names); ``Block._children`` maps each child's structural name to the block.
- A deferred dimension reads 0 in ``nd`` mode and -1 after ``npx.set_np()``; both read 0 here.
- A parameter has data once ``param._data`` is set: after ``initialize()`` for a known shape, after
  the first forward for a deferred one (then ``param._deferred_init`` holds the initializer and
  contexts, and ``data()`` raises ``DeferredInitializationError``); never initialized, both are empty.
- ``grad()`` raises for ``grad_req='null'`` (a constant, a frozen parameter): no gradient then.

Example (in the Gluon environment):
    >>> from mxnet.gluon import nn
    >>> net = nn.Sequential(); shared = nn.Dense(4)
    >>> net.add(nn.Dense(8), shared, shared)
    >>> [name for name, _ in structural_params(net)]
    ['0.weight', '0.bias', '1.weight', '1.bias']
    >>> [shape(p) for _, p in structural_params(net)]
    [[8, 0], [8], [4, 0], [4]]
    >>> [name for name, _ in named_blocks(net)]
    ['0', '1']
    >>> class Bad(nn.Block):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = [nn.Dense(2), nn.Dense(3)]
    >>> plain_containers(Bad())
    [{'attr': 'layers', 'count': 2, 'unregistered': 2, 'container': 'list', 'block_type': 'Bad'}]
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy
from mxnet import gluon

from grader.tracks.gluon.worker.inputs import reseed

__all__ = ["structural_params", "named_blocks", "children", "shape", "has_data", "deferred", "reseed_for", "contexts",
           "value_of", "grad_of", "plain_containers", "MAX_ITEMS"]

#: how many items of a plain container are looked at
MAX_ITEMS = 256


def structural_params(block: Any) -> list[tuple[str, Any]]:
    """(name, parameter) as ``save_parameters`` names them, each parameter once under its first name;
    ``[]`` for what is not a block."""
    if not isinstance(block, gluon.Block):
        return []
    seen: set[int] = set()
    out = []
    for name, param in block._collect_params_with_prefix().items():
        if id(param) not in seen:
            seen.add(id(param))
            out.append((name, param))
    return out


def children(block: Any) -> list[tuple[str, Any]]:
    """The block's registered children in registration order, by structural name."""
    if not isinstance(block, gluon.Block):
        return []
    return [(str(name), child) for name, child in block._children.items()]


def named_blocks(block: Any) -> Iterator[tuple[str, Any]]:
    """Every descendant block (not ``block`` itself), depth first in registration order, each object
    once under its first structural name."""
    seen = {id(block)}

    def walk(prefix: str, parent: Any) -> Iterator[tuple[str, Any]]:
        for name, child in children(parent):
            if id(child) in seen or not isinstance(child, gluon.Block):
                continue
            seen.add(id(child))
            yield prefix + name, child
            yield from walk(prefix + name + ".", child)

    yield from walk("", block)


def shape(param: Any) -> list[int]:
    """The parameter's shape, a deferred (or unknown) dimension as 0 (nd reads 0, np reads -1)."""
    return [max(int(d), 0) for d in (param.shape or ())]


def has_data(param: Any) -> bool:
    """Whether the parameter holds values (initialized, deferred initialization done)."""
    return param._data is not None


def deferred(param: Any) -> bool:
    """Whether ``initialize()`` was called but the values wait for the first forward."""
    return param._data is None and bool(param._deferred_init)


def contexts(param: Any) -> list[str]:
    """The contexts the parameter lives on (or will, when deferred); ``[]`` when never initialized."""
    try:
        return [str(c) for c in param.list_ctx()]
    except (RuntimeError, AssertionError):
        return []


def _on(param: Any, ctx: Any | None) -> Any:
    listed = param.list_ctx()
    return ctx if ctx is not None and ctx in listed else listed[0]


def value_of(param: Any, ctx: Any | None = None) -> Any:
    """A copy of the parameter's values (on ``ctx`` when it lives there, else its first context)."""
    return param.data(_on(param, ctx)).copy()


def grad_of(param: Any, ctx: Any | None = None) -> Any | None:
    """A copy of the parameter's gradient, or None (``grad_req='null'``, no data, no gradient buffer)."""
    if param.grad_req == "null" or not has_data(param) or param._grad is None:
        return None
    return param.grad(_on(param, ctx)).copy()


def dtype_name(param: Any) -> str:
    """The parameter's dtype name (``float32``)."""
    return numpy.dtype(param.dtype).name


def plain_containers(block: Any) -> list[dict[str, Any]]:
    """Attributes of ``block`` and of every descendant that are a plain list, tuple or dict holding Gluon
    blocks (``attr`` is structural: ``net.layers``): ``count`` blocks held, ``unregistered`` of them not
    registered anywhere in the tree (what Gluon cannot see); ``block_type`` is the owner's type."""
    out = []
    tree = [("", block), *((name + ".", b) for name, b in named_blocks(block))]
    registered = {id(b) for _, b in tree}
    for prefix, owner in tree:
        if not isinstance(owner, gluon.Block):
            continue
        for attr, value in list(vars(owner).items()):
            if attr.startswith("_") or not isinstance(value, (list, tuple, dict)):
                continue
            items = list(value.values())[:MAX_ITEMS] if isinstance(value, dict) else list(value)[:MAX_ITEMS]
            held = [item for item in items if isinstance(item, gluon.Block)]
            if held:
                out.append({"attr": prefix + attr, "count": len(held),
                            "unregistered": sum(id(item) not in registered for item in held),
                            "container": type(value).__name__, "block_type": type(owner).__name__})
    return out


def reseed_for(obj: Any, seed: int | None) -> None:
    """Before calling ``obj`` (a forward): seed MXNet's and NumPy's generators with ``seed`` only when the call
    draws values the grader relies on, a deferred initialization still pending (its values are drawn at
    this first forward). MXNet's seed costs about 1 ms, more than a small forward, and nothing else of a
    forward draws from it for the grader: a random layer in a student's forward draws from generators
    whose state follows from the worker's requests, which the judge sends in one order for a seed."""
    if seed is not None and isinstance(obj, gluon.Block) and any(deferred(p) for _, p in structural_params(obj)):
        reseed(seed)
