"""model_construction/my_sequential (Gluon): a Sequential of one's own, with ``add(block)``.

Every added block must become a registered child (``initialize()`` reaches it, ``collect_params()``
lists it), applied in the order added; the same block added twice runs twice. Child names are
free, so the parameters are compared by number, order and shape.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['registers', 'forward', 'gradients', 'repeated']
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.specs import Spec, ex, handle, nn, then

_sizes = cases(i=width(), h=width(), o=width(), batch=batch(), layers=width(1, 3))
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2, "layers": 2},)


def _net(c: dict[str, Any]) -> Spec:
    blocks = [nn.Dense(c["h"], activation="relu") for _ in range(c["layers"] - 1)] + [nn.Dense(c["o"])]
    return then(ex.MySequential(), *(("add", b) for b in blocks))


def _repeated(side: Any, case: dict[str, Any], seed: int) -> Any:
    """One square ``nn.Dense`` with the judge's values, added twice: applied twice."""
    w = case["w"]
    rng = numpy.random.default_rng(seed)
    dense = side.request("build", spec=nn.Dense(w, in_units=w, activation="relu").node, seed=seed)["handle"]
    side.request("initialize", handle=dense, seed=seed)
    side.request("assign", handle=dense, values={"weight": normal(rng, w, w, scale=0.5), "bias": normal(rng, w)})
    net = side.request("build", spec=ex.MySequential().node, seed=seed)["handle"]
    side.request("value", spec=handle(net).attr("add")(handle(dense)).node, seed=seed)
    side.request("value", spec=handle(net).attr("add")(handle(dense)).node, seed=seed)
    side.request("initialize", handle=net, seed=seed)
    return side.request("forward", handle=net, inputs=[normal(rng, case["batch"], w)], seed=seed)["output"]


def _repeated_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    return ["A block added twice must run twice. Children kept in a dict under the block's name "
            "(`self._children[block.name] = block`, as d2l's first edition does) hold it once; "
            "`self.register_child(block)` registers each addition under a name of its own (0, 1, …)."]


EXERCISE = Exercise("model_construction/my_sequential", "A Sequential block of your own", (
    Names(points=2, id="registers", title="added blocks are registered children (their parameters are listed and "
                                          "initialized)", build=_net, inputs=matrix("i"), cases=_sizes,
          defaults=_DEFAULTS, free_names=True),
    Forward(points=3, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Gradients(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Scenario(id="repeated", title="a block added twice is applied twice", points=1,
             cases=cases(w=width(), batch=batch()), steps=_repeated, hints=_repeated_hints,
             what="the output of a MySequential holding the same nn.Dense twice",
             show=lambda c: (f"dense = nn.Dense({c['w']}, in_units={c['w']}, activation='relu')\n"
                             "dense.initialize()\nnet = MySequential()\nnet.add(dense)\nnet.add(dense)\n"
                             f"net.initialize()\nX = <standard-normal array of shape ({c['batch']}, {c['w']})>\n"
                             "net(X)")),
))
