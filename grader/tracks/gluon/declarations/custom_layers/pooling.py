"""custom_layers/pooling (Gluon): GlobalAvgPool2d, FlattenLayer and channel_concat(*xs).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['global_avg_pool', 'flatten', 'channel_concat']
"""
from __future__ import annotations

from typing import Any

import numpy
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.checks.base import Failure
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Mistake, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, images, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import ex

_images = cases(batch=batch(1, 3), c=width(1, 4), h=width(1, 5), w=width(1, 5))
_DEFAULTS = ({"batch": 2, "c": 3, "h": 4, "w": 4},)


_CONCAT_HINT = ("Channels are axis 1 of (N, C, H, W): `nd.concat(*xs, dim=1)` (`np.concatenate(xs, axis=1)` "
                "with mxnet.np).")


def _concat(side: Any, case: dict[str, Any], seed: int) -> Any:
    rng = numpy.random.default_rng(seed)
    xs = [normal(rng, case["batch"], c, case["h"], case["w"]) for c in case["channels"]]
    fn = side.request("build", spec=ex.channel_concat.node, seed=seed)["handle"]
    try:
        return side.request("forward", handle=fn, inputs=xs, seed=seed)["output"]
    except Failure as failure:
        text = failure.feedback
        if "Positional arguments must have NDArray type" in text:
            failure.hints = ("`nd.concat` takes the arrays as separate arguments: unpack the tuple, "
                             "`nd.concat(*xs, dim=1)`.",)
        elif "concat" in text.lower() or "shape inconsistent" in text.lower() or "Incompatible" in text:
            failure.hints = (_CONCAT_HINT + " The arrays agree on every axis but 1 (their channel counts "
                             f"{case['channels']} differ), so only axis 1 can join them.",)
        raise


def _concat_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if not (isinstance(mine, numpy.ndarray) and isinstance(theirs, numpy.ndarray)):
        return []
    n, k = case["batch"], len(case["channels"])
    if mine.shape == (n * k, case["channels"][0], case["h"], case["w"]) and mine.shape != theirs.shape:
        return ["Your arrays were joined along axis 0, the batch. " + _CONCAT_HINT]
    if mine.shape != theirs.shape:
        return [_CONCAT_HINT]
    return []


def _shown_concat(c: dict[str, Any]) -> str:
    arrays = ", ".join(f"<array ({c['batch']}, {k}, {c['h']}, {c['w']})>" for k in c["channels"])
    return f"xs = [{arrays}]  # standard-normal values\nchannel_concat(*xs)"


_ALL_AXES = "the mean over the two spatial axes, H and W: `X.mean(axis=(2, 3), keepdims=True)`."

EXERCISE = Exercise("custom_layers/pooling", "Global average pooling, flattening, channel concatenation", (
    Forward(points=2, id="global_avg_pool", title="GlobalAvgPool2d: (N, C, H, W) -> (N, C, 1, 1), the mean over H, W",
            build=lambda c: ex.GlobalAvgPool2d(), inputs=images("batch", "c", "h", "w"), cases=_images,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output has shape (N, C): keep the two spatial axes as 1 (`keepdims=True`, or a "
                        "reshape to (N, C, 1, 1)).", "lambda net, X: X.mean(axis=(2, 3))"),
                Mistake("Your output averages over axes 1 and 2 (channels and height); the layer takes " + _ALL_AXES,
                        "lambda net, X: X.mean(axis=(1, 2), keepdims=True)"),
                Mistake("Your output is the maximum over H and W (global *max* pooling); the layer takes " + _ALL_AXES,
                        "lambda net, X: X.max(axis=(2, 3), keepdims=True)"),
            )),
    Forward(points=2, id="flatten", title="FlattenLayer: (N, ...) -> (N, prod(...))",
            build=lambda c: ex.FlattenLayer(), inputs=images("batch", "c", "h", "w"), cases=_images,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output flattens the batch axis too: keep axis 0 (`X.reshape((X.shape[0], -1))`).",
                        "lambda net, X: X.reshape((-1,))"),
                Mistake("Your output keeps the last axis and flattens the others into the first: keep axis 0, the "
                        "batch (`X.reshape((X.shape[0], -1))`).", "lambda net, X: X.reshape((-1, X.shape[-1]))"),
            )),
    Scenario(id="channel_concat", title="channel_concat(*xs): concatenation along axis 1", points=2,
             cases=cases(batch=batch(1, 3), h=width(1, 4), w=width(1, 4),
                         channels=st.lists(width(1, 3), min_size=1, max_size=3)),
             steps=_concat, what="channel_concat's output", hints=_concat_hints, doing="`channel_concat(*xs)`",
             show=_shown_concat, defaults=({"batch": 2, "h": 3, "w": 3, "channels": [2, 3]},)),
))

_GAP = "return X.mean(axis=(2, 3), keepdims=True)"
_FLAT = "return X.reshape((X.shape[0], -1))"
_CONCAT = "return nd.concat(*xs, dim=1)"

MUTANTS = (
    Mutant("gap_drops_axes", "GlobalAvgPool2d returns (N, C).",
           edits=[(_GAP, "return X.mean(axis=(2, 3))")],
           fails={"global_avg_pool": ["Shape mismatch: expected (1, 1, 1, 1), got (1, 1)", "net = GlobalAvgPool2d()",
                                      "Your output has shape (N, C)"]},
           passes=["flatten", "channel_concat"], line_of={"global_avg_pool": "def forward"}),
    Mutant("gap_wrong_axes", "GlobalAvgPool2d averages over axes 1 and 2.",
           edits=[(_GAP, "return X.mean(axis=(1, 2), keepdims=True)")],
           fails={"global_avg_pool": ["Shape mismatch: expected (1, 1, 1, 1), got (1, 1, 1, 2)",
                                      "averages over axes 1 and 2"]},
           passes=["flatten", "channel_concat"], absent={"global_avg_pool": ["maximum"]}),
    Mutant("gap_max", "GlobalAvgPool2d takes the maximum.",
           edits=[(_GAP, "return X.max(axis=(2, 3), keepdims=True)")],
           fails={"global_avg_pool": ["Arrays are not close", "global *max* pooling"]},
           passes=["flatten", "channel_concat"], absent={"global_avg_pool": ["axes 1 and 2"]}),
    Mutant("flatten_last_axis", "FlattenLayer keeps the last axis instead of the batch.",
           edits=[(_FLAT, "return X.reshape((-1, X.shape[-1]))")],
           fails={"flatten": ["Shape mismatch: expected (1, 2), got (2, 1)", "keeps the last axis"]},
           passes=["global_avg_pool", "channel_concat"], absent={"flatten": ["batch axis too"]}),
    Mutant("flatten_everything", "FlattenLayer flattens the batch axis too.",
           edits=[(_FLAT, "return X.reshape((-1,))")],
           fails={"flatten": ["Shape mismatch: expected (1, 1), got (1,)", "flattens the batch axis too"]},
           passes=["global_avg_pool", "channel_concat"], absent={"flatten": ["keeps the last axis"]}),
    Mutant("concat_axis_0", "channel_concat concatenates along the batch axis.",
           edits=[(_CONCAT, "return nd.concat(*xs, dim=0)")],
           fails={"channel_concat": ["Compared channel_concat's output with the reference's",
                                     "Shape mismatch: expected (1, 2, 1, 1), got (2, 1, 1, 1)",
                                     "xs = [<array (1, 1, 1, 1)>, <array (1, 1, 1, 1)>]",
                                     "joined along axis 0, the batch", "`nd.concat(*xs, dim=1)`"]},
           passes=["global_avg_pool", "flatten"]),
    Mutant("concat_list", "channel_concat passes the tuple itself to `nd.concat`.",
           edits=[(_CONCAT, "return nd.concat(xs, dim=1)")],
           fails={"channel_concat": ["raised AssertionError: Positional arguments must have NDArray type",
                                     "unpack the tuple"]},
           passes=["global_avg_pool", "flatten"], line_of={"channel_concat": "nd.concat(xs, dim=1)"}),
)
