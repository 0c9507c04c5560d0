"""The parameter operations: read a block's parameters by structural name (``state``) and set them
(``assign``), both as ``save_parameters`` names them (:mod:`~grader.tracks.gluon.worker.blocks`).

- ``state`` (``handle``, ``values=False``, ``grads=False``) answers ``names`` (each parameter once,
  under its first name), ``shapes`` (a deferred dimension as 0), ``dtypes``, ``grad_req``,
  ``initialized`` (holds values), ``deferred`` (``initialize()`` called, values wait for the first
  forward), ``contexts``, ``values`` (initialized ones, when asked), ``grads`` (None where there is no
  gradient, when asked), ``lists`` (blocks kept in plain lists, tuples or dicts anywhere in the tree),
  ``children`` (the top block's ``[name, type]`` in registration order), ``is_block`` and ``type``.
- ``assign`` (``handle``, ``values``) sets each given parameter that exists, has values and has the
  same shape; answers ``missing`` (the block's names not given), ``unexpected`` (given names the block
  lacks), ``shape_mismatch`` (``name: [block's shape, given shape]``) and ``uninitialized`` (given
  names whose parameter holds no values yet: the judge runs a forward first).

Example (in the Gluon environment):
    >>> import numpy
    >>> from mxnet import nd
    >>> from mxnet.gluon import nn
    >>> from grader.tracks.gluon.worker.ops import Session
    >>> s = Session(None, None); s.objects[1] = nn.Dense(2, in_units=3); s.objects[1].initialize()
    >>> answer = op_assign(s, 1, {"weight": nd.ones((2, 3)), "bias": nd.ones(4), "extra": nd.ones(1)})
    >>> answer
    {'missing': [], 'unexpected': ['extra'], 'shape_mismatch': {'bias': [[2], [4]]}, 'uninitialized': []}
    >>> state = op_state(s, 1, values=True)
    >>> state["values"]["weight"].asnumpy().tolist(), state["grad_req"], state["initialized"]
    ([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], {'weight': 'write', 'bias': 'write'}, {'weight': True, 'bias': True})
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import mxnet
from mxnet import gluon

from grader.tracks.gluon.worker.blocks import (children, contexts, deferred, dtype_name, grad_of, has_data,
                                               plain_containers, shape, structural_params, value_of)

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["PARAM_OPS", "op_state", "op_assign"]


def op_state(session: "Session", handle: int, values: bool = False, grads: bool = False) -> dict[str, Any]:
    """The parameters of a stored block by structural name (see the module's docstring)."""
    block = session.objects[handle]
    with session.student("state"):
        params = structural_params(block)
        answer: dict[str, Any] = {
            "type": type(block).__name__, "is_block": isinstance(block, gluon.Block),
            "names": [n for n, _ in params], "shapes": {n: shape(p) for n, p in params},
            "dtypes": {n: dtype_name(p) for n, p in params}, "grad_req": {n: str(p.grad_req) for n, p in params},
            "initialized": {n: has_data(p) for n, p in params}, "deferred": {n: deferred(p) for n, p in params},
            "contexts": {n: contexts(p) for n, p in params},
            "lists": plain_containers(block), "children": [[n, type(c).__name__] for n, c in children(block)]}
        if values:
            answer["values"] = {n: value_of(p) for n, p in params if has_data(p)}
        if grads:
            answer["grads"] = {n: grad_of(p) for n, p in params}
    return answer


def _like(value: Any, target: Any) -> Any:
    """``value`` as the kind of array ``target`` is (``np`` or ``nd``), same dtype."""
    if isinstance(target, mxnet.np.ndarray) and not isinstance(value, mxnet.np.ndarray):
        value = value.as_np_ndarray()
    elif not isinstance(target, mxnet.np.ndarray) and isinstance(value, mxnet.np.ndarray):
        value = value.as_nd_ndarray()
    return value.astype(target.dtype, copy=False) if value.dtype != target.dtype else value


def op_assign(session: "Session", handle: int, values: dict[str, Any]) -> dict[str, Any]:
    """Set each parameter of a stored block from ``values`` (structural name -> array) where the names
    and shapes match (see the module's docstring); a parameter listed under several names is set once
    per name given, so give each once."""
    block = session.objects[handle]
    with session.student("assign"):
        params = dict(structural_params(block))
        mismatch: dict[str, list[list[int]]] = {}
        waiting = []
        for name, value in values.items():
            param = params.get(name)
            if param is None:
                continue
            given = [int(d) for d in value.shape]
            if not has_data(param):
                waiting.append(name)
            elif shape(param) != given:
                mismatch[name] = [shape(param), given]
            else:
                param.set_data(_like(value, param.list_data()[0]))
    return {"missing": [n for n in params if n not in values], "unexpected": [n for n in values if n not in params],
            "shape_mismatch": mismatch, "uninitialized": waiting}


PARAM_OPS: dict[str, Callable[..., dict[str, Any]]] = {"state": op_state, "assign": op_assign}
