"""devices/placement (Gluon): ``to_device(batch, ctx)`` and ``AddPositions`` on a second context.

Without a GPU the second context is ``mx.cpu(1)``. MXNet does not refuse arithmetic that mixes
``cpu(0)`` and ``cpu(1)`` arrays, so the grader records where every array created during the
forward was made: the positions must be created on ``X``'s context, with ``X``'s dtype.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['to_device', 'containers', 'positions', 'positions_context']
"""
from __future__ import annotations

from typing import Any

import numpy
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks.base import CheckContext, Failure
from grader.checks.custom import Custom
from grader.tracks.gluon.checks import Forward, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, images, width
from grader.tracks.gluon.checks.pair import normal, show_inputs, student_call
from grader.tracks.gluon.specs import array, context, ex

SECOND = "cpu(1)"


def _batch(case: dict[str, Any], seed: int) -> Any:
    rng = numpy.random.default_rng(seed)
    X, Y = array(normal(rng, case["n"], 3), "X"), array(normal(rng, case["n"]), "y")
    if case["shape"] == "tuple":
        return (X, Y)
    if case["shape"] == "dict":
        return {"inputs": X, "labels": [Y, "label names"], "size": case["n"]}
    return [{"x": X}, (Y, 7)]


def _moved(side: Any, case: dict[str, Any], seed: int) -> Any:
    out = side.request("value", spec=ex.to_device(_batch(case, seed), context(SECOND)).node, seed=seed)["value"]
    return _where(out)


def _where(value: Any) -> Any:
    """The value with every array replaced by its context and shape (what is compared)."""
    if isinstance(value, numpy.ndarray):
        return f"array {tuple(value.shape)} on {getattr(value, 'ctx', None)}"
    if isinstance(value, (list, tuple)):
        return type(value)(_where(v) for v in value)
    if isinstance(value, dict):
        return {k: _where(v) for k, v in value.items()}
    return value


_batches = cases(n=width(1, 4), shape=st.sampled_from(["tuple", "dict", "nested"]))


def _positions_context(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    X = normal(numpy.random.default_rng(seed), case["batch"], case["w"])
    shown = f"net = AddPositions()\n{show_inputs([X])}\nX = X.as_in_context(mx.cpu(1))\nnet(X)"
    built = student_call(ctx, "build", doing="`AddPositions()`", case=shown, spec=ex.AddPositions().node, seed=seed)
    student_call(ctx, "initialize", doing="`AddPositions()`", case=shown, handle=built["handle"], seed=seed)
    answer = student_call(ctx, "forward_on", doing="`AddPositions()`", case=shown, handle=built["handle"],
                          inputs=[X], ctx=SECOND)
    wrong = [c for c in answer.get("created", []) if c.get("ctx") != SECOND]
    if answer.get("output_ctx") != SECOND:
        raise Failure(f"The output is on {answer.get('output_ctx')}; X was on {SECOND}.", case=shown,
                      hints=("Create what you add on X's context: `nd.arange(X.shape[-1], ctx=X.context)`.",))
    if wrong:
        first = wrong[0]
        where = first.get("frame") if isinstance(first.get("frame"), dict) else None
        raise Failure(f"While X was on {SECOND}, your forward created an array with `{first.get('fn')}` on "
                      f"{first.get('ctx')} (MXNet moves it silently, so the sum still works here, but on a GPU it "
                      f"costs a copy at every call, or fails).", case=shown, location=where,
                      hints=(f"Pass the context: `{first.get('fn')}(..., ctx=X.context)` (`ctx=X.ctx` with "
                             "mxnet.np), and `dtype=X.dtype`.",))


EXERCISE = Exercise("devices/placement", "Placing data and computations on a context", (
    Scenario(id="to_device", title="to_device(batch, ctx): every array moved to ctx, the rest untouched", points=2,
             cases=_batches, steps=_moved, defaults=({"n": 2, "shape": "dict"},),
             what="where to_device put each array",
             show=lambda c: f"batch = <a {c['shape']} of arrays and other values>\nto_device(batch, mx.cpu(1))",
             hints=lambda mine, theirs, c: ["Walk the structure: a dict gives a dict, a list a list, a tuple a tuple "
                                            "(a namedtuple its own type); arrays go through `as_in_context(ctx)`, "
                                            "anything else is returned as it is."]),
    Scenario(id="containers", title="to_device keeps the container types and the values", points=1,
             cases=_batches, steps=lambda side, case, seed: side.request(
                 "value", spec=ex.to_device(_batch(case, seed), context(SECOND)).node, seed=seed)["value"],
             defaults=({"n": 2, "shape": "nested"},), what="what to_device returned",
             show=lambda c: f"batch = <a {c['shape']} of arrays and other values>\nto_device(batch, mx.cpu(1))"),
    Forward(points=2, id="positions", title="AddPositions: X + arange(X.shape[-1])", build=lambda c: ex.AddPositions(),
            inputs=images("batch", "w"), cases=cases(batch=batch(), w=width()),
            defaults=({"batch": 2, "w": 5},)),
    Custom(id="positions_context", title="AddPositions creates the positions on X's context (mx.cpu(1) here)",
           points=2, examine=lambda ctx, case, seed: _positions_context(ctx, case, seed),
           cases=cases(batch=batch(), w=width()), defaults=({"batch": 2, "w": 5},)),
))
