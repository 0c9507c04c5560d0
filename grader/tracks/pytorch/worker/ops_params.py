"""Operations specific to the parameters and deferred initialization checks (registered in :data:`grader.tracks.pytorch.worker.ops.OPS`).

Each operation is ``op(session, **args) -> dict`` of plain data.

- ``param_table``: every parameter and buffer with its owner module, shape and
  session-stable object number; unlike ``describe`` it also works on lazy
  modules whose parameters are still uninitialized (their shape is ``None``).
- ``apply_init``: ``net.apply(fn)``, or ``net.apply(partial(fn, **kwargs))``
  when keyword arguments are given (a spec cannot write ``functools.partial``).
- ``materialize``: one forward without gradients on the drawn input, so that a
  student's lazy modules (``nn.LazyLinear`` where the exercise asks for
  ``nn.Linear``) get their shapes before the reference's values are copied in.

Example:
    >>> import torch
    >>> from grader.tracks.pytorch.worker.ops import Session
    >>> s = Session(None, None); s.objects[1] = torch.nn.Sequential(torch.nn.LazyLinear(3))
    >>> [(p["name"], p["shape"], p["uninitialized"]) for p in op_param_table(s, 1)["parameters"]]
    [('0.weight', None, True), ('0.bias', None, True)]
    >>> _ = s.objects[1](torch.ones(2, 5))
    >>> [(p["name"], p["shape"], p["owner_type"]) for p in op_param_table(s, 1)["parameters"]]
    [('0.weight', [3, 5], 'Linear'), ('0.bias', [3], 'Linear')]
    >>> s.objects[2] = torch.nn.LazyLinear(4); uninitialized(s.objects[2])
    2
    >>> op_materialize(s, 2, [torch.ones(1, 6)])
    {'uninitialized': 0}
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable

import torch

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["PARAM_OPS", "op_param_table", "op_apply_init", "op_materialize", "uninitialized"]


def uninitialized(obj: Any) -> int:
    """How many parameters and buffers of ``obj`` have no shape yet (0 for what is not a module)."""
    if not isinstance(obj, torch.nn.Module):
        return 0
    lazy = torch.nn.parameter.UninitializedTensorMixin
    return sum(isinstance(t, lazy) for t in [*obj.parameters(), *obj.buffers()])


def _tensor_row(session: "Session", name: str, t: torch.Tensor, owners: dict[str, torch.nn.Module]) -> dict[str, Any]:
    lazy = isinstance(t, torch.nn.parameter.UninitializedTensorMixin)
    owner_name = name.rsplit(".", 1)[0] if "." in name else ""
    owner = owners.get(owner_name)
    return {"name": name, "shape": None if lazy else [int(s) for s in t.shape], "uninitialized": lazy,
            "object": session.number("object", id(t), t), "requires_grad": bool(t.requires_grad),
            "owner": owner_name, "owner_type": type(owner).__name__ if owner is not None else "",
            "owner_is_linear": isinstance(owner, torch.nn.Linear)}


def op_param_table(session: "Session", handle: int) -> dict[str, Any]:
    """Parameters and buffers (duplicates kept, as ``remove_duplicate=False`` lists them),
    and every submodule with its type and object number."""
    module = session.objects[handle]
    if not isinstance(module, torch.nn.Module):
        return {"is_module": False, "type": type(module).__name__, "parameters": [], "buffers": [], "modules": []}
    with session.student("describe"):
        owners = dict(module.named_modules(remove_duplicate=False))
        params = [_tensor_row(session, n, p, owners) for n, p in module.named_parameters(remove_duplicate=False)]
        buffers = [_tensor_row(session, n, b, owners) for n, b in module.named_buffers(remove_duplicate=False)]
        modules = [{"name": n, "type": type(m).__name__, "object": session.number("object", id(m), m)}
                   for n, m in owners.items()]
    return {"is_module": True, "type": type(module).__name__, "parameters": params, "buffers": buffers,
            "modules": modules}


def op_apply_init(session: "Session", handle: int, fn: dict[str, Any],
                  kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """``net.apply(fn)`` (``fn`` is a spec, typically ``ex.init_normal``); with ``kwargs``,
    ``net.apply(functools.partial(fn, **kwargs))``."""
    module = session.objects[handle]
    with session.student("call"):
        func: Callable[..., Any] = session.eval_spec(fn)
        if kwargs:
            func = functools.partial(func, **kwargs)
        returned = module.apply(func)
    return {"returned": type(returned).__name__}


def op_materialize(session: "Session", handle: int, args: list[Any],
                   kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """One forward on ``args`` without gradients when the object has uninitialized parameters
    (a dry run, as ``LazyLinear`` needs); returns how many are still uninitialized."""
    module = session.objects[handle]
    with session.student("forward"):
        if uninitialized(module):
            with torch.no_grad():
                module(*session._resolve_args(args), **(kwargs or {}))
        return {"uninitialized": uninitialized(module)}


PARAM_OPS: dict[str, Callable[..., dict[str, Any]]] = {"param_table": op_param_table, "apply_init": op_apply_init,
                                                       "materialize": op_materialize}
