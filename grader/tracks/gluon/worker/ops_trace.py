"""Watching a forward from inside: ``trace`` records each descendant block's output in call order, and
``derive`` computes what a known mistake would have given (the judge's hints).

- ``trace`` (``handle``, ``inputs``, ``seed=None``): a forward hook on every descendant block (each
  object once, under its first structural name; the top block itself is not traced), removed
  afterwards; answers ``calls``: ``[{"name", "type", "output", "frame"}]`` in call order (a block
  called twice appears twice; ``output`` is a copy of the first array of what the block returned, taken
  when it returned, so a later in-place change does not show; ``frame`` the student's innermost line
  on the stack, when the session may name lines). At most :data:`MAX_CALLS` calls. A hook that sees a
  ``Symbol`` is not a call: a ``HybridBlock`` (``Dense`` and its ``act`` child) infers deferred shapes by
  running its children symbolically during the first forward.
- ``derive`` (``handle``, ``code``, ``inputs``, ``seed=None``): evaluates ``code``, the Python source
  of a lambda the judge sends (``"lambda net, X: net.output(net.hidden(X))"``), with ``mx``, ``nd``,
  ``np``, ``npx``, ``autograd``, ``gluon``, ``nn`` and ``init`` in scope, and answers its ``value`` on
  ``(object, *inputs)``; any exception answers ``{"value": None}`` (a mistake that does not apply).
  The judge asks it of the reference's worker only.

Example (in the Gluon environment):
    >>> from mxnet import nd
    >>> from mxnet.gluon import nn
    >>> from grader.tracks.gluon.worker.ops import Session
    >>> net = nn.Sequential(); net.add(nn.Dense(3), nn.Dense(2)); net.initialize()
    >>> s = Session(None, None); s.objects[1] = net
    >>> [(c["name"], c["type"], c["output"].shape) for c in op_trace(s, 1, [nd.ones((4, 5))])["calls"]]
    [('0', 'Dense', (4, 3)), ('1', 'Dense', (4, 2))]
    >>> op_derive(s, 1, "lambda net, X: net[0](X).shape", [nd.ones((4, 5))])
    {'value': (4, 3)}
    >>> op_derive(s, 1, "lambda net, X: net.hidden(X)", [nd.ones((4, 5))])
    {'value': None}
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import mxnet

from grader.tracks.gluon.worker.arrays import plain
from grader.tracks.gluon.worker.blocks import named_blocks, reseed_for
from grader.tracks.gluon.worker.frames import innermost_submission_frame
from grader.tracks.gluon.worker.inputs import first_array, reseed, settle

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["TRACE_OPS", "op_trace", "op_derive", "MAX_CALLS"]

MAX_CALLS = 64


def _symbolic(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_symbolic(v) for v in value[:8])
    return isinstance(value, mxnet.symbol.Symbol)


def op_trace(session: "Session", handle: int, inputs: list[Any], seed: int | None = None) -> dict[str, Any]:
    """A forward with hooks on every descendant block (see the module's docstring)."""
    block = session.objects[handle]
    reseed_for(block, seed)
    calls: list[dict[str, Any]] = []
    root = session.root if session.locate else None

    def recorder(name: str, sub: Any) -> Callable[..., None]:
        def hook(_block: Any, _inputs: Any, output: Any) -> None:
            if _symbolic(output):
                return  # a HybridBlock's shape inference for a deferred initialization, not a call
            if len(calls) < MAX_CALLS:
                found = first_array(output)
                calls.append({"name": name, "type": type(sub).__name__,
                              "output": found.copy() if found is not None else plain(output),
                              "frame": innermost_submission_frame(root)})
        return hook

    hooks = []
    with session.student("forward"):
        try:
            for name, sub in named_blocks(block):
                hooks.append(sub.register_forward_hook(recorder(name, sub)))
            settle(block(*inputs))
        finally:
            for h in hooks:
                h.detach()
    return {"calls": calls}


def _scope() -> dict[str, Any]:
    import mxnet as mx
    from mxnet import autograd, gluon, init, nd, np, npx
    from mxnet.gluon import nn

    return {"mx": mx, "nd": nd, "np": np, "npx": npx, "autograd": autograd, "gluon": gluon, "nn": nn, "init": init}


def op_derive(session: "Session", handle: int, code: str, inputs: list[Any], seed: int | None = None) -> dict[str, Any]:
    """``eval(code)(object, *inputs)`` (see the module's docstring); None when anything raises."""
    reseed(seed)
    try:
        fn = eval(compile(code, "<derive>", "eval"), _scope())  # noqa: S307 - the judge's own source
        value = fn(session.objects[handle], *inputs)
        settle(value)
        return {"value": plain(value)}
    except Exception:  # noqa: BLE001 - a mistake that does not apply to this object
        return {"value": None}


TRACE_OPS: dict[str, Callable[..., dict[str, Any]]] = {"trace": op_trace, "derive": op_derive}
