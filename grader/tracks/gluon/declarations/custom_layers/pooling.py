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
from grader.tracks.gluon.checks import Forward, Mistake, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, images, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import ex

_images = cases(batch=batch(1, 3), c=width(1, 4), h=width(1, 5), w=width(1, 5))
_DEFAULTS = ({"batch": 2, "c": 3, "h": 4, "w": 4},)


def _concat(side: Any, case: dict[str, Any], seed: int) -> Any:
    rng = numpy.random.default_rng(seed)
    xs = [normal(rng, case["batch"], c, case["h"], case["w"]) for c in case["channels"]]
    fn = side.request("build", spec=ex.channel_concat.node, seed=seed)["handle"]
    return side.request("forward", handle=fn, inputs=xs, seed=seed)["output"]


EXERCISE = Exercise("custom_layers/pooling", "Global average pooling, flattening, channel concatenation", (
    Forward(points=2, id="global_avg_pool", title="GlobalAvgPool2d: (N, C, H, W) -> (N, C, 1, 1), the mean over H, W",
            build=lambda c: ex.GlobalAvgPool2d(), inputs=images("batch", "c", "h", "w"), cases=_images,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output has shape (N, C): keep the two spatial axes as 1 (`keepdims=True`, or a "
                        "reshape to (N, C, 1, 1)).", "lambda net, X: X.mean(axis=(2, 3))"),
            )),
    Forward(points=2, id="flatten", title="FlattenLayer: (N, ...) -> (N, prod(...))",
            build=lambda c: ex.FlattenLayer(), inputs=images("batch", "c", "h", "w"), cases=_images,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output flattens the batch axis too: keep axis 0 (`X.reshape((X.shape[0], -1))`).",
                        "lambda net, X: X.reshape((-1,))"),
            )),
    Scenario(id="channel_concat", title="channel_concat(*xs): concatenation along axis 1", points=2,
             cases=cases(batch=batch(1, 3), h=width(1, 4), w=width(1, 4),
                         channels=st.lists(width(1, 3), min_size=1, max_size=3)),
             steps=_concat, what="channel_concat's output",
             show=lambda c: "\n".join([f"xs = [<standard-normal array of shape ({c['batch']}, {k}, {c['h']}, "
                                       f"{c['w']})> ...]" for k in c["channels"][:1]]
                                      + [f"channel_concat(*xs)  # channels {c['channels']}"]),
             defaults=({"batch": 2, "h": 3, "w": 3, "channels": [2, 3]},)),
))
