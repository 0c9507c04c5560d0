"""The operations that record with ``autograd``: one backward pass, and a few training steps.

- ``backward`` (``handle``, ``inputs``, ``head=None``, ``seed=None``, ``input_grads=False``): zero every
  gradient, then under ``autograd.record()`` ``out = block(*inputs)``, then ``out.backward(head)``
  (``head`` an array of the output's shape; None: ``out.backward()``, a head of ones). Answers
  ``output`` and ``grads`` by structural name (a shared parameter once: MXNet sums its gradient over
  its uses; None for ``grad_req='null'``), and, with ``input_grads``, the inputs' gradients
  (``input_grads``: a list, None for what is not an array). An output that is not an array answers
  ``connected: False`` and no gradients; a ``head`` of another shape than the output answers
  ``head_mismatch: [output's shape, head's shape]`` and no gradients (nothing is run backward).
- ``train`` (``net``, ``trainer``, ``X``, ``Y``, ``steps``): ``steps`` steps of
  ``loss = ((net(X) - Y) ** 2).mean(); loss.backward(); trainer.step(1)`` (``net`` and ``trainer`` are
  handles); answers each step's loss (before the step) in ``losses``.

Example (in the Gluon environment):
    >>> from mxnet import nd
    >>> from mxnet.gluon import nn
    >>> from grader.tracks.gluon.worker.ops import Session
    >>> s = Session(None, None); s.objects[1] = nn.Dense(1, in_units=2, use_bias=False)
    >>> s.objects[1].initialize()
    >>> answer = op_backward(s, 1, [nd.array([[1.0, 2.0], [3.0, 4.0]])])
    >>> answer["grads"]["weight"].asnumpy().tolist()
    [[4.0, 6.0]]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from mxnet import autograd

from grader.tracks.gluon.worker.arrays import is_array, plain
from grader.tracks.gluon.worker.blocks import grad_of, has_data, reseed_for, structural_params
from grader.tracks.gluon.worker.inputs import settle

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["AUTOGRAD_OPS", "op_backward", "op_train"]


def _zero_grads(params: list[tuple[str, Any]]) -> None:
    """Every gradient buffer set to 0 (``Parameter.zero_grad()`` of MXNet 1.9.1 raises after
    ``npx.set_np()``: it calls the legacy ``nd.zeros_like`` on NumPy arrays)."""
    for _, param in params:
        if param.grad_req != "null" and has_data(param) and param._grad is not None:
            for grad in param.list_grad():
                grad[:] = 0


def op_backward(session: "Session", handle: int, inputs: list[Any], head: Any = None, seed: int | None = None,
                input_grads: bool = False) -> dict[str, Any]:
    """One recorded forward and backward (see the module's docstring)."""
    block = session.objects[handle]
    reseed_for(block, seed)
    args = list(inputs)
    with session.student("backward"):
        params = structural_params(block)
        _zero_grads(params)  # grad_req='add' would sum over requests; unused parameters keep no old gradient
    if input_grads:
        for a in args:
            if is_array(a):
                a.attach_grad()
    with session.student("forward"):
        with autograd.record():
            out = block(*args)
        settle(out)
    if not is_array(out):
        return {"output": plain(out), "grads": {}, "connected": False}
    if is_array(head) and tuple(head.shape) != tuple(out.shape):
        return {"output": out, "grads": {}, "connected": True,
                "head_mismatch": [list(out.shape), list(head.shape)]}
    with session.student("backward"):
        if head is not None:
            out.backward(head.as_in_context(out.ctx) if is_array(head) else head)
        else:
            out.backward()
        grads = {name: grad_of(param, out.ctx) for name, param in structural_params(block)}
        settle(list(grads.values()))
    answer: dict[str, Any] = {"output": out, "grads": grads, "connected": True}
    if input_grads:
        answer["input_grads"] = [a.grad.copy() if is_array(a) and a.grad is not None else None for a in args]
    return answer


def _scalar(loss: Any) -> float:
    return float(loss.asnumpy().reshape(-1)[0])


def op_train(session: "Session", net: int, trainer: int, X: Any, Y: Any, steps: int) -> dict[str, Any]:
    """``steps`` steps of full-batch squared-error training (see the module's docstring)."""
    model, optimizer = session.objects[net], session.objects[trainer]
    losses: list[float] = []
    with session.student("train"):
        for _ in range(int(steps)):
            with autograd.record():
                loss = ((model(X) - Y) ** 2).mean()
            loss.backward()
            optimizer.step(1)
            losses.append(_scalar(loss))
    return {"losses": losses}


AUTOGRAD_OPS: dict[str, Callable[..., dict[str, Any]]] = {"backward": op_backward, "train": op_train}
