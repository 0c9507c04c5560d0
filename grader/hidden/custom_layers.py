"""Hidden checks of custom_layers: FourierHalf on odd lengths, FlattenLayer on a non-contiguous input.

Example:
    >>> sorted(HIDDEN)
    ['custom_layers/fourier', 'custom_layers/pooling']
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.checks import CheckContext, Custom, Failure, Forward, build_pair
from grader.checks.base import student_error_failure
from grader.checks.draw import batch, cases, width
from grader.checks.pair import forward_location, randn
from grader.compare import compare
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import ex, tensor
from grader.suites.custom_layers import (_FOURIER_MISTAKES, _SUM_TOL, _VIEW_HINT, _fourier, _lead, _signal,
                                         _with_hints)

_odd_cases = cases(lead=_lead, n=st.integers(0, 5).map(lambda k: 2 * k + 1))


def _flatten_non_contiguous(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    """FlattenLayer on a transposed view (built in the worker, so it stays non-contiguous)."""
    spec = ex.FlattenLayer()
    pair = build_pair(ctx, spec, seed=seed)
    X = randn(torch.Generator().manual_seed(seed), case["batch"], *case["shape"])
    arg = {"spec": tensor(X).attr("transpose")(1, -1).node}
    shape = tuple(X.transpose(1, -1).shape)
    shown = (f"net = {spec}\nX = torch.randn{(case['batch'], *case['shape'])}.transpose(1, -1)  "
             f"# shape {shape}, not contiguous\nnet(X)")
    try:
        out = ctx.student.request("forward", handle=pair.student, args=[arg])["output"]
    except StudentError as err:
        failure = student_error_failure(err, doing=f"`{spec}` on a transposed input", case=shown)
        view = "view" in err.message and ("stride" in err.message or "contiguous" in err.message)
        raise _with_hints(failure, [_VIEW_HINT] if view else []) from None
    expected = ctx.reference.request("forward", handle=pair.reference, args=[arg])["output"]
    diff = compare(out, expected)
    if diff:
        raise Failure(f"Compared the output of net(X) for a non-contiguous X (a transposed view) with the "
                      f"reference's.\n{diff}",
                      location=forward_location(ctx, pair.student, doing=f"`{spec}`"), case=shown)


HIDDEN = {
    "custom_layers/fourier": (
        Forward(id="forward_odd", points=2, build=_fourier, inputs=_signal, cases=_odd_cases, tol=_SUM_TOL,
                mistakes=_FOURIER_MISTAKES, defaults=({"lead": [2, 3], "n": 5},),
                title="odd lengths n: the first (n + 1) / 2 complex coefficients over the last dimension, "
                      "rank 2 to 4"),
    ),
    "custom_layers/pooling": (
        Custom(id="flatten_non_contiguous", points=1, examine=_flatten_non_contiguous, max_examples=3,
               cases=cases(shape=st.lists(width(2, 4), min_size=2, max_size=3), batch=batch(1, 3)),
               title="FlattenLayer: works on a non-contiguous input (a transposed view)"),
    ),
}
