"""Hidden checks of model_construction: MultiHead's error on an unknown head.

Example:
    >>> sorted(HIDDEN)
    ['model_construction/containers']
"""
from __future__ import annotations

from typing import Any

import torch

from grader.checks import CheckContext, Custom, Failure, build_pair
from grader.checks.base import last_student_frame
from grader.checks.pair import forward_location, randn
from grader.sandbox.client import StudentError
from grader.suites.model_construction import _head_cases, _multihead


def _unknown_head(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    spec = _multihead(case)
    pair = build_pair(ctx, spec, seed=seed, align=False)
    X = randn(torch.Generator().manual_seed(seed), case["batch"], case["i"])
    bad = "no_such_head"
    shown = f"net = {spec}\nnet(X, {bad!r})"
    raise_hint = "Raise `KeyError(head)` or a message that contains the head's name."
    try:
        out = ctx.student.request("forward", handle=pair.student, args=[X, bad])["output"]
    except StudentError as err:
        where = last_student_frame(err.frames)
        if err.type != "KeyError":
            raise Failure(f"An unknown head raised {err.type}: {err.message}; expected a KeyError.",
                          hints=(raise_hint,), location=where, case=shown) from None
        if bad not in err.message:
            raise Failure(f"The KeyError for an unknown head does not name it: {err.message!r}.",
                          hints=(raise_hint,), location=where, case=shown) from None
        return
    where = forward_location(ctx, pair.student, doing=f"`{spec}`")
    what = "None" if out is None else "a value"
    raise Failure(f"net(X, {bad!r}) returned {what}; an unknown head must raise KeyError naming it.",
                  hints=(raise_hint,), location=where, case=shown)


HIDDEN = {"model_construction/containers": (
    Custom(id="unknown_head", title="MultiHead: an unknown head raises KeyError naming it", points=1,
           examine=_unknown_head, cases=_head_cases, max_examples=3),
)}
