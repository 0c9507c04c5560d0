"""devices/placement (Gluon): ``to_device(batch, ctx)`` and ``AddPositions`` on a second context.

Without a GPU the second context is ``mx.cpu(1)``. MXNet does not refuse arithmetic that mixes
``cpu(0)`` and ``cpu(1)`` arrays, so the grader records where every array created during the
forward was made: the positions must be created on ``X``'s context, with ``X``'s dtype (``X`` is drawn
float32, float64 or int32: ``nd`` refuses a float32 ``arange`` added to a float64 ``X``, ``np`` promotes
an int32 one). ``to_device`` is judged twice: where each array went (containers alike), then the container
types and values, a namedtuple batch among them (``Batch(X=X, y=y, size=n)``).

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
from grader.mutants import Mutant
from grader.sandbox.codec import NamedTupleValue
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import batch, cases, width
from grader.tracks.gluon.checks.pair import normal, show_case, show_inputs, student_call
from grader.tracks.gluon.compare import compare
from grader.tracks.gluon.specs import array, context, ex, namedtuple

SECOND = "cpu(1)"


def _batch(case: dict[str, Any], seed: int) -> Any:
    rng = numpy.random.default_rng(seed)
    X, Y = array(normal(rng, case["n"], 3), "X"), array(normal(rng, case["n"]), "y")
    if case["shape"] == "tuple":
        return (X, Y)
    if case["shape"] == "dict":
        return {"inputs": X, "labels": [Y, "label names"], "size": case["n"]}
    if case["shape"] == "namedtuple":
        return namedtuple("Batch", ["X", "y", "size"], X, Y, case["n"])
    return [{"x": X}, (Y, 7)]


_SHAPES = {"tuple": "(X, y)", "dict": "{'inputs': X, 'labels': [y, 'label names'], 'size': n}",
           "namedtuple": "Batch(X=X, y=y, size=n)  # Batch = collections.namedtuple('Batch', ['X', 'y', 'size'])",
           "nested": "[{'x': X}, (y, 7)]"}


def _shown_batch(case: dict[str, Any]) -> str:
    return (f"X, y = <float32 arrays of shapes ({case['n']}, 3) and ({case['n']},) on cpu(0)>; n = {case['n']}\n"
            f"batch = {_SHAPES[case['shape']]}\nto_device(batch, mx.cpu(1))")


def _moved(side: Any, case: dict[str, Any], seed: int) -> Any:
    out = side.request("value", spec=ex.to_device(_batch(case, seed), context(SECOND)).node, seed=seed)["value"]
    return _where(out)


def _where(value: Any) -> Any:
    """The value with every array replaced by its context and shape, lists and tuples alike (what is
    compared: where the arrays are; the container types are the `containers` check's)."""
    if isinstance(value, numpy.ndarray):
        return f"array {tuple(value.shape)} on {getattr(value, 'ctx', None)}"
    if isinstance(value, (list, tuple)):
        return [_where(v) for v in value]
    if isinstance(value, dict):
        return {k: _where(v) for k, v in value.items()}
    return value


_batches = cases(n=width(1, 4), shape=st.sampled_from(["tuple", "dict", "nested"]))
_all_batches = cases(n=width(1, 4), shape=st.sampled_from(["tuple", "dict", "nested", "namedtuple"]))


def _ctx_of(fn: Any) -> str:
    """How X's context is written in the array API of ``fn`` (``np.arange``: ``X.ctx``)."""
    return "X.ctx" if str(fn).startswith("np") else "X.context"


def _positions_context(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    X = normal(numpy.random.default_rng(seed), case["batch"], case["w"])
    shown = f"net = AddPositions()\n{show_inputs([X])}\nX = X.as_in_context(mx.cpu(1))\nnet(X)"
    built = student_call(ctx, "build", doing="`AddPositions()`", case=shown, spec=ex.AddPositions().node, seed=seed)
    student_call(ctx, "initialize", doing="`AddPositions()`", case=shown, handle=built["handle"], seed=seed)
    answer = student_call(ctx, "forward_on", doing="`AddPositions()`", case=shown, handle=built["handle"],
                          inputs=[X], ctx=SECOND)
    made = [c for c in answer.get("created", []) if c.get("in_submission")]  # MXNet's own arrays aside
    wrong = [c for c in made if c.get("ctx") != SECOND]
    if not made:
        raise Failure("Your forward created no array (no `arange`): the positions 0, 1, …, X.shape[-1] - 1 must be "
                      "made at each call, on X's context, so there is nothing here to judge.", case=shown,
                      hints=("`X + nd.arange(X.shape[-1], ctx=X.context, dtype=X.dtype)` (`np.arange(..., "
                             "ctx=X.ctx, dtype=X.dtype)` with mxnet.np).",))
    if answer.get("output_ctx") != SECOND:
        raise Failure(f"The output is on {answer.get('output_ctx')}; X was on {SECOND}.", case=shown,
                      hints=("Create what you add on X's context: `nd.arange(X.shape[-1], ctx=X.context)`.",))
    if wrong:
        first = wrong[0]
        where = first.get("frame") if isinstance(first.get("frame"), dict) else None
        raise Failure(f"While X was on {SECOND}, your forward created an array with `{first.get('fn')}` on "
                      f"{first.get('ctx')} (MXNet moves it silently, so the sum still works here, but on a GPU it "
                      f"costs a copy at every call, or fails).", case=shown, location=where,
                      hints=(f"Pass the context: `{first.get('fn')}(..., ctx={_ctx_of(first.get('fn'))})`, and "
                             "`dtype=X.dtype`.",))


def _positions_input(case: dict[str, Any]) -> numpy.ndarray:
    """X of the case (its values drawn from the case itself, so that the case shown has them)."""
    X = normal(numpy.random.default_rng([case["batch"], case["w"]]), case["batch"], case["w"], scale=3.0)
    return X.round().astype(case["dtype"]) if case["dtype"].startswith("int") else X.astype(case["dtype"])


def _positions(side: Any, case: dict[str, Any], seed: int) -> Any:
    X = _positions_input(case)
    built = side.request("build", spec=ex.AddPositions().node, seed=seed, doing="`AddPositions()`")["handle"]
    side.request("initialize", handle=built, seed=seed, doing="`AddPositions()`")
    return side.request("forward", handle=built, inputs=[X], seed=seed, doing="`AddPositions()`")["output"]


def _positions_shown(case: dict[str, Any]) -> str:
    return show_case(ex.AddPositions(), [_positions_input(case)], "net(X)")


_DTYPE_HINT = ("Create the positions with X's dtype: `nd.arange(X.shape[-1], ctx=X.context, dtype=X.dtype)` "
               "(`np.arange(X.shape[-1], ctx=X.ctx, dtype=X.dtype)` with mxnet.np); arange's default is float32, "
               "whatever X is.")


def _positions_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if getattr(mine, "dtype", None) is not None and getattr(theirs, "dtype", None) is not None \
            and mine.dtype != theirs.dtype:
        return [_DTYPE_HINT]
    return ["`forward(X)` returns `X + arange(X.shape[-1])`: the positions 0, 1, ... added along the last axis."]


def _positions_error_hints(text: str, case: dict[str, Any]) -> list[str]:
    return [_DTYPE_HINT] if "expected " + case["dtype"] in text and "got float32" in text else []


def _path(path: str, key: Any) -> str:
    return f"{path}[{key!r}]"


def _placement(mine: Any, theirs: Any, case: dict[str, Any], path: str = "batch") -> str | None:
    """Where the first array that is not where the reference put it lies (the structure as ``_where`` wrote it)."""
    if isinstance(theirs, str) and theirs.startswith("array ") and isinstance(mine, str) and mine.startswith("array "):
        return None if mine == theirs else f"`{path}`: expected {theirs}, got {mine}."
    if isinstance(theirs, list) and isinstance(mine, list) and len(mine) == len(theirs):
        return next((d for i, (m, t) in enumerate(zip(mine, theirs)) if (d := _placement(m, t, case, _path(path, i)))),
                    None)
    if isinstance(theirs, dict) and isinstance(mine, dict) and set(mine) == set(theirs):
        return next((d for k in theirs if (d := _placement(mine[k], theirs[k], case, _path(path, k)))), None)
    diff = compare(mine, theirs)
    return f"In `{path}`: {diff}" if diff else None


def _to_device_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    return ["Walk the whole structure: recurse into every dict value and every list or tuple item; each array "
            "goes through `x.as_in_context(ctx)`, anything else is returned as it is."]


def _container_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if isinstance(theirs, NamedTupleValue):
        return ["A namedtuple takes its fields as separate arguments: rebuild it with `type(batch)(*items)` "
                "(`type(batch)(items)` or `tuple(items)` loses its class or fails)."]
    return ["Keep each container's type: a dict gives a dict (`type(batch)(...)` keeps an OrderedDict too), a "
            "list a list, a tuple a tuple; values that are not arrays come back unchanged."]


def _container_error_hints(text: str, case: dict[str, Any]) -> list[str]:
    if case["shape"] == "namedtuple" and "required positional argument" in text:
        return ["A namedtuple takes its fields as separate arguments: `type(batch)(*items)`, not "
                "`type(batch)(items)`."]
    return []


EXERCISE = Exercise("devices/placement", "Placing data and computations on a context", (
    Scenario(id="to_device", title="to_device(batch, ctx): every array moved to ctx, the rest untouched", points=2,
             cases=_batches, steps=_moved, defaults=({"n": 2, "shape": "dict"},),
             what="where to_device put each array", show=_shown_batch, hints=_to_device_hints, judge=_placement),
    Scenario(id="containers", title="to_device keeps the container types (namedtuples too) and the values", points=1,
             cases=_all_batches, steps=lambda side, case, seed: side.request(
                 "value", spec=ex.to_device(_batch(case, seed), context(SECOND)).node, seed=seed)["value"],
             defaults=({"n": 2, "shape": "nested"}, {"n": 2, "shape": "namedtuple"}), what="what to_device returned",
             show=_shown_batch, hints=_container_hints, error_hints=_container_error_hints),
    Scenario(id="positions", title="AddPositions: X + arange(X.shape[-1]), in X's dtype", points=2,
             cases=cases(batch=batch(), w=width(), dtype=st.sampled_from(["float32", "float64", "int32"])),
             steps=_positions, show=_positions_shown, what="the output of net(X)",
             hints=_positions_hints, error_hints=_positions_error_hints,
             defaults=({"batch": 2, "w": 5, "dtype": "float32"}, {"batch": 2, "w": 3, "dtype": "float64"},
                       {"batch": 2, "w": 4, "dtype": "int32"})),
    Custom(id="positions_context", title="AddPositions creates the positions on X's context (mx.cpu(1) here)",
           points=2, examine=lambda ctx, case, seed: _positions_context(ctx, case, seed),
           cases=cases(batch=batch(), w=width()), defaults=({"batch": 2, "w": 5},)),
))

_TUPLE = "            return type(batch)(*items)\n        return type(batch)(items)\n"
_ARANGE = "nd.arange(X.shape[-1], ctx=X.context, dtype=X.dtype)"

_NP = ("from mxnet import nd\n", "from mxnet import nd, np, npx\n\nnpx.set_np()\n")
_OTHERS = ["to_device", "containers"]

MUTANTS = (
    Mutant("positions_on_default_context", "`AddPositions` creates its positions on the default context.",
           edits=[(_ARANGE, "nd.arange(X.shape[-1], dtype=X.dtype)")],
           fails={"positions_context": ["While X was on cpu(1), your forward created an array with `nd.arange` on "
                                        "cpu(0)", "`nd.arange(..., ctx=X.context)`", "X = X.as_in_context(mx.cpu(1))"]},
           passes=["positions", *_OTHERS]),
    Mutant("positions_copied_over", "`AddPositions` makes its positions on the default context, then copies them "
           "to X's (a copy at every call).",
           edits=[(_ARANGE, "nd.arange(X.shape[-1], dtype=X.dtype).as_in_context(X.context)")],
           fails={"positions_context": ["created an array with `nd.arange` on cpu(0)", "costs a copy at every call"]},
           passes=["positions", *_OTHERS]),
    Mutant("positions_default_dtype", "`AddPositions` creates its positions in arange's default dtype (float32).",
           edits=[(_ARANGE, "nd.arange(X.shape[-1], ctx=X.context)")],
           fails={"positions": ["Running forward on `AddPositions()` raised MXNetError", "got float32",
                                "Create the positions with X's dtype"]},
           passes=["positions_context", *_OTHERS]),
    Mutant("np_positions_default_context", "With `mxnet.np` (`npx.set_np()`), `AddPositions` creates its positions "
           "with `np.arange` on the default context.",
           edits=[_NP, (_ARANGE, "np.arange(X.shape[-1], dtype=X.dtype)")],
           fails={"positions_context": ["created an array with `np.arange` on cpu(0)", "`np.arange(..., ctx=X.ctx)`"]},
           passes=["positions", *_OTHERS]),
    Mutant("np_positions_default_dtype", "With `mxnet.np`, `AddPositions` creates its positions as float32: an int32 "
           "X comes back float32 (np promotes where nd refuses).",
           edits=[_NP, (_ARANGE, "np.arange(X.shape[-1], ctx=X.ctx)")],
           fails={"positions": ["Dtype mismatch: expected int32, got float32", "Create the positions with X's dtype"]},
           passes=["positions_context", *_OTHERS]),
    Mutant("tuple_to_list", "`to_device` turns tuples into lists.",
           edits=[(_TUPLE, "            return type(batch)(*items)\n        return items\n")],
           fails={"containers": ["expected a tuple, got list", "Keep each container's type"]},
           passes=["to_device", "positions", "positions_context"]),
    Mutant("namedtuple_one_argument", "`to_device` rebuilds a namedtuple from one list (`type(batch)(items)`).",
           edits=[("return type(batch)(*items)", "return type(batch)(items)")],
           fails={"containers": ["Calling `to_device(batch, mx.cpu(1))` raised TypeError",
                                 "missing 2 required positional arguments", "batch = Batch(X=X, y=y, size=n)",
                                 "`type(batch)(*items)`, not `type(batch)(items)`"]},
           passes=["to_device", "positions", "positions_context"]),
    Mutant("namedtuple_as_tuple", "`to_device` turns a namedtuple into a plain tuple.",
           edits=[("            return type(batch)(*items)\n", "            return tuple(items)\n")],
           fails={"containers": ["expected a Batch (namedtuple), got tuple", "`type(batch)(*items)`"]},
           passes=["to_device", "positions", "positions_context"]),
    Mutant("dict_not_recursed", "`to_device` returns a dict's values as they are: the arrays in it stay put.",
           edits=[("items = [(k, to_device(v, ctx)) for k, v in batch.items()]", "items = list(batch.items())")],
           fails={"to_device": ["`batch['inputs']`: expected array (", "on cpu(1), got array (", "Walk the whole "
                                "structure"]},
           passes=["containers", "positions", "positions_context"]),
)
