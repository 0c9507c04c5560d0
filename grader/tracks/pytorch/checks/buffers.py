"""The checkpoint keeps the model's buffers: BatchNorm's running statistics must survive a save and a load.

Training a model with BatchNorm on a small batch makes resumed training numerically touchy, so this
check needs no training: ``net`` gets running statistics unlike a fresh layer's (drawn by the judge),
``save_checkpoint`` then ``load_checkpoint`` into a fresh model must give back every parameter and
buffer exactly. Saving ``named_parameters()`` (or loading with ``strict=False`` over a partial dict)
loses them.

Example:
    >>> BUFFERS_CHECK.id, BUFFERS_CHECK.points
    ('buffers', 1)
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, student_call
from grader.tracks.pytorch.checks.draw import cases, width
from grader.tracks.pytorch.checks.files import fresh_path, function_location
from grader.tracks.pytorch.checks.pair import randn
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.tracks.pytorch.worker.specs import Spec, ex, handle, nn, torch_attr

__all__ = ["BUFFERS_CHECK", "LOST_BUFFERS_HINT", "trained_statistics"]

_EXACT = Tolerance(rtol=0.0, atol=0.0)
_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")
LOST_BUFFERS_HINT = ("The parameters came back, but BatchNorm's running statistics (buffers: `running_mean`, "
                     "`running_var`, `num_batches_tracked`) did not: save `model.state_dict()`, which holds the "
                     "buffers too (not `named_parameters()`), and load it with plain `model.load_state_dict(...)` "
                     "(`strict=False` hides the missing keys).")


def trained_statistics(net: torch.nn.Module, bn: torch.nn.Module, *, seed: int, tracked: int) -> dict[str, torch.Tensor]:
    """Give ``bn`` running statistics unlike a fresh layer's (drawn from ``seed``) and return ``net``'s
    state: a model as training left it, whose buffers a save and a load must keep."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bn.running_mean.copy_(randn(gen, bn.num_features))
        bn.running_var.copy_(torch.rand(bn.num_features, generator=gen) + 0.5)
        bn.num_batches_tracked.fill_(tracked)
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def _net(c: dict[str, Any]) -> Spec:
    return nn.Sequential(nn.Linear(c["i"], c["h"]), nn.BatchNorm1d(c["h"]), nn.ReLU(), nn.Linear(c["h"], c["o"]))


def _buffers(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _net(case)
    path = fresh_path(ctx, "checkpoint_buffers.pt")
    shown = (f"model = {spec}   # its BatchNorm has running statistics from training\n"
             f"opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
             f"save_checkpoint({path!r}, model, opt, epoch=1)\n"
             f"model2 = {spec}; opt2 = torch.optim.SGD(model2.parameters(), lr=0.1)\n"
             f"load_checkpoint({path!r}, model2, opt2)\n"
             f"model2.state_dict() == model.state_dict()   # parameters and buffers")
    ref = ctx.reference.request("build", spec=spec.node, seed=seed)["handle"]

    def prepared(net: torch.nn.Module) -> dict[str, torch.Tensor]:
        return trained_statistics(net, net[1], seed=seed, tracked=case["steps"])

    state = dict(ctx.reference.derive(ref, "checkpoint: a trained model's state", prepared))
    model = ctx.student.request("build", spec=spec.node, seed=seed)["handle"]
    ctx.student.request("assign", handle=model, tensors=state)
    opt = ctx.student.request("build", spec=torch_attr("optim.SGD")(handle(model).attr("parameters")(), lr=0.1).node,
                              seed=seed)["handle"]
    student_call(ctx, "value", doing=f"`save_checkpoint({path!r}, model, opt, epoch=1)`", case=shown,
                 spec=ex.save_checkpoint(path, handle(model), handle(opt), epoch=1).node)
    model2 = ctx.student.request("build", spec=spec.node, seed=seed + 1)["handle"]
    opt2 = ctx.student.request("build", spec=torch_attr("optim.SGD")(handle(model2).attr("parameters")(),
                                                                     lr=0.1).node, seed=seed)["handle"]
    student_call(ctx, "value", doing=f"`load_checkpoint({path!r}, model2, opt2)`", case=shown,
                 spec=ex.load_checkpoint(path, handle(model2), handle(opt2)).node)
    got = dict(ctx.student.request("state", handle=model2)["tensors"])
    diff = compare(got, state, tol=_EXACT)
    if diff is None:
        return
    params_back = all(k in got and compare(got[k], v, tol=_EXACT) is None
                      for k, v in state.items() if not k.endswith(_BUFFERS))
    raise Failure(f"Compared model2's parameters and buffers after load_checkpoint with model's.\n{diff}",
                  hints=(LOST_BUFFERS_HINT,) if params_back else (),
                  location=function_location(ctx, "save_checkpoint"), case=shown)


BUFFERS_CHECK = Custom(id="buffers", title="the checkpoint keeps the model's buffers (BatchNorm running statistics)",
                       points=1, examine=_buffers, max_examples=3,
                       cases=cases(i=width(1, 5), h=width(1, 6), o=width(1, 3), steps=st.integers(1, 50)),
                       defaults=({"i": 4, "h": 8, "o": 2, "steps": 7},))
