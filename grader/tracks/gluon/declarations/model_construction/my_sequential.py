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
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Names, Scenario
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.checks.pair import normal
from grader.tracks.gluon.compare import compare
from grader.tracks.gluon.specs import Spec, ex, handle, nn, then

_sizes = cases(i=width(), h=width(), o=width(), batch=batch(), layers=width(1, 3))
_DEFAULTS = ({"i": 20, "h": 256, "o": 10, "batch": 2, "layers": 2},)


def _net(c: dict[str, Any]) -> Spec:
    blocks = [nn.Dense(c["h"], activation="relu") for _ in range(c["layers"] - 1)] + [nn.Dense(c["o"])]
    return then(ex.MySequential(), *(("add", b) for b in blocks))


def _repeated(side: Any, case: dict[str, Any], seed: int) -> dict[str, Any]:
    """One square ``nn.Dense`` with the judge's values, added twice: ``net(X)`` (what is compared), and for
    the hints ``dense(X)`` (the block applied once) and the children the MySequential registered."""
    w = case["w"]
    rng = numpy.random.default_rng(seed)
    dense = side.request("build", spec=nn.Dense(w, in_units=w, activation="relu").node, seed=seed)["handle"]
    side.request("initialize", handle=dense, seed=seed)
    side.request("assign", handle=dense, values={"weight": normal(rng, w, w, scale=0.5), "bias": normal(rng, w)})
    net = side.request("build", spec=ex.MySequential().node, seed=seed)["handle"]
    side.request("value", spec=handle(net).attr("add")(handle(dense)).node, seed=seed)
    side.request("value", spec=handle(net).attr("add")(handle(dense)).node, seed=seed)
    side.request("initialize", handle=net, seed=seed)
    X = [normal(rng, case["batch"], w)]
    out = side.request("forward", handle=net, inputs=X, seed=seed)["output"]
    children = side.request("state", handle=net)["children"]
    once = side.request("forward", handle=dense, inputs=X, seed=seed)["output"]
    return {"net(X)": out, "dense(X)": once, "children": [name for name, _ in children]}


def _repeated_judge(mine: dict[str, Any], theirs: dict[str, Any], case: dict[str, Any]) -> str | None:
    """Only ``net(X)`` counts (how the children are named and kept is free)."""
    return compare(mine["net(X)"], theirs["net(X)"])


def _repeated_hints(mine: dict[str, Any], theirs: dict[str, Any], case: dict[str, Any]) -> list[str]:
    if compare(mine["net(X)"], theirs["dense(X)"]) is not None:
        return []
    hints = ["Your net(X) equals dense(X): the block added twice ran once; it must run once per `add`."]
    if len(mine["children"]) == 1:
        hints.append(f"Your MySequential registered one child (`{mine['children'][0]}`) for the two additions: "
                     "children kept in a dict under the block's name (`self._children[block.name] = block`, as d2l's "
                     "first edition does) hold a block added twice once; `self.register_child(block)` registers "
                     "each addition under a name of its own (0, 1, …).")
    return hints


EXERCISE = Exercise("model_construction/my_sequential", "A Sequential block of your own", (
    # as built only: after a forward, the deferred shapes follow the order of application (forward's business)
    Names(points=2, id="registers", title="added blocks are registered children (their parameters are listed, in "
                                          "the order added)", build=_net, cases=_sizes,
          defaults=_DEFAULTS, free_names=True),
    Forward(points=3, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Gradients(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Scenario(id="repeated", title="a block added twice is applied twice", points=1,
             cases=cases(w=width(), batch=batch()), steps=_repeated, judge=_repeated_judge, hints=_repeated_hints,
             what="the output of a MySequential holding the same nn.Dense twice",
             show=lambda c: (f"dense = nn.Dense({c['w']}, in_units={c['w']}, activation='relu')\n"
                             "dense.initialize()\nnet = MySequential()\nnet.add(dense)\nnet.add(dense)\n"
                             f"net.initialize()\nX = <standard-normal array of shape ({c['batch']}, {c['w']})>\n"
                             "net(X)")),
))


# -- known-bad submissions ------------------------------------------------------------------------

_INIT = "super().__init__(**kwargs)"
_ADD = "self.register_child(block)"
_LOOP = "for block in self._children.values():"

_ONCE = "Your net(X) equals dense(X): the block added twice ran once"
_D2L = "`self._children[block.name] = block`, as d2l's first edition does"
_UNINITIALIZED = ["has not been initialized", "blocks kept in a plain Python list or dict are invisible"]

MUTANTS = (
    Mutant("plain_list", "The blocks kept in a plain Python list: Gluon registers none of them.",
           edits=[(_INIT, _INIT + "\n        self.blocks = []"), (_ADD, "self.blocks.append(block)"),
                  (_LOOP, "for block in self.blocks:")],
           fails={"registers": ["Yours (0): (none)", "`self.blocks` is a plain Python list holding 1 block(s)",
                                "`self.register_child(block)`"],
                  "forward": _UNINITIALIZED, "gradients": _UNINITIALIZED},
           passes=["repeated"]),  # that block was initialized on its own: it runs twice
    Mutant("plain_dict", "The blocks kept in a plain dict keyed by position: Gluon registers none of them.",
           edits=[(_INIT, _INIT + "\n        self.blocks = {}"), (_ADD, "self.blocks[len(self.blocks)] = block"),
                  (_LOOP, "for block in self.blocks.values():")],
           fails={"registers": ["Yours (0): (none)", "`self.blocks` is a plain Python dict holding 1 block(s)",
                                "Gluon does not register blocks kept in a dict"],
                  "forward": _UNINITIALIZED, "gradients": _UNINITIALIZED},
           passes=["repeated"]),
    Mutant("children_by_name", "d2l's first edition: `self._children[block.name] = block` (a repeated block once).",
           edits=[(_ADD, "self._children[block.name] = block")],
           fails={"repeated": ["Compared the output of a MySequential holding the same nn.Dense twice", _ONCE,
                               "registered one child (`dense", _D2L]},
           passes=["registers", "forward", "gradients"]),
    Mutant("reversed_order", "The blocks applied last added first.",
           edits=[(_LOOP, "for block in reversed(list(self._children.values())):")],
           fails={"forward": ["Where it diverges: call 1 of a child block is `1` (Dense) in yours, `0` (Dense) in the "
                              "reference."]},
           passes=["registers", "gradients", "repeated"]),  # a block added twice runs twice in either order
    Mutant("returns_after_first", "`return` inside the loop: only the first block runs.",
           edits=[("            X = block(X)\n        return X", "            return block(X)")],
           fails={"forward": ["your forward calls 1 child block(s), the reference 2"],
                  "repeated": [_ONCE]},
           passes=["registers", "gradients"], absent={"repeated": [_D2L]}),
    Mutant("no_return", "forward never returns its result.",
           edits=[("            X = block(X)\n        return X", "            X = block(X)")],
           fails={"forward": ["got NoneType None", "Your forward returned None: its `return` is missing"],
                  "gradients": ["Your forward returned a NoneType, not an MXNet array"],
                  "repeated": ["got NoneType None"]},
           passes=["registers"]),
)
