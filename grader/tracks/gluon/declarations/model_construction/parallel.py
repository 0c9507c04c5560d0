"""model_construction/parallel (Gluon): two blocks side by side, outputs concatenated on ``axis``.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients']
"""
from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex, nn

_sizes = cases(i=width(), a=width(), b=width(), batch=batch(), axis=st.sampled_from([1, 0]))
_DEFAULTS = ({"i": 20, "a": 8, "b": 16, "batch": 2, "axis": 1},)


def _net(c: dict[str, Any]) -> Spec:
    second = c["a"] if c["axis"] == 0 else c["b"]  # on axis 0 both outputs need the same width
    kwargs = {} if c["axis"] == 1 else {"axis": c["axis"]}
    return ex.Parallel(nn.Dense(c["a"]), nn.Dense(second), **kwargs)


EXERCISE = Exercise("model_construction/parallel", "Two blocks in parallel", (
    Names(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=3, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output concatenates on axis 1 whatever `axis` the block was given.",
                "lambda net, X: nd.concat(net.net1(X), net.net2(X), dim=1)"),
        Mistake("Your output puts `net2`'s output first.",
                "lambda net, X: nd.concat(net.net2(X), net.net1(X), dim=net.axis)"),
        Mistake("Your output holds `net1`'s output twice: `net2` is never applied.",
                "lambda net, X: nd.concat(net.net1(X), net.net1(X), dim=net.axis)"),
        # the cases give `axis` only when it is not 1: the reference's axis 1 is the default
        Mistake("Your output concatenates on axis 0 for a Parallel built without `axis`: the default is `axis=1`.",
                "lambda net, X: nd.concat(net.net1(X), net.net2(X), dim=0) if net.axis == 1 else None"),
    )),
    Gradients(points=1, build=_net, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_CONCAT = "return nd.concat(self.net1(X), self.net2(X), dim=self.axis)"
_CHILDREN = "self.net1 = net1\n        self.net2 = net2"

_ON_AXIS_1 = "Your output concatenates on axis 1 whatever `axis` the block was given."
_SECOND_FIRST = "Your output puts `net2`'s output first."
_NET1_TWICE = "Your output holds `net1`'s output twice: `net2` is never applied."
_DEFAULT_0 = "the default is `axis=1`"
_HINTS = (_ON_AXIS_1, _SECOND_FIRST, _NET1_TWICE, _DEFAULT_0)
_UNINITIALIZED = ["has not been initialized", "blocks kept in a plain Python list or dict are invisible"]


def _only(hint: str) -> dict[str, list[str]]:
    """The forward hints other than ``hint``: none may show."""
    return {"forward": [h for h in _HINTS if h != hint]}


MUTANTS = (
    Mutant("axis_ignored", "Concatenates on axis 1 whatever `axis` says.",
           edits=[(_CONCAT, "return nd.concat(self.net1(X), self.net2(X), dim=1)")],
           fails={"forward": ["Shape mismatch: expected (2, 1), got (1, 2)", _ON_AXIS_1,
                              "net = Parallel(nn.Dense(1), nn.Dense(1), axis=0)"]},
           passes=["names", "gradients"], absent=_only(_ON_AXIS_1)),
    Mutant("net2_first", "net2's output comes first.",
           edits=[(_CONCAT, "return nd.concat(self.net2(X), self.net1(X), dim=self.axis)")],
           fails={"forward": [_SECOND_FIRST, "call 1 of a child block is `net2` (Dense) in yours, `net1` (Dense)"]},
           passes=["names", "gradients"], absent=_only(_SECOND_FIRST)),
    Mutant("net1_twice", "net1 applied twice, net2 never.",
           edits=[(_CONCAT, "return nd.concat(self.net1(X), self.net1(X), dim=self.axis)")],
           fails={"forward": [_NET1_TWICE, "call 2 of a child block is `net1` (Dense) in yours, `net2` (Dense)"],
                  # net2 never ran: its input width was never inferred
                  "names": ["Shape of net2.weight: expected (1, 1), got (1, 0)", "and that each one is applied"]},
           passes=["gradients"], absent=_only(_NET1_TWICE)),
    Mutant("plain_list", "The two blocks kept in a plain list: Gluon registers neither.",
           edits=[(_CHILDREN, "self.nets = [net1, net2]"),
                  (_CONCAT, "return nd.concat(*[net(X) for net in self.nets], dim=self.axis)")],
           fails={"names": ["Your keys:     (none)", "`self.nets` is a plain Python list holding 2 block(s)"],
                  "forward": _UNINITIALIZED, "gradients": _UNINITIALIZED}),
    Mutant("default_axis_0", "The default axis is 0.",
           edits=[("axis: int = 1", "axis: int = 0")],
           fails={"forward": ["Shape mismatch: expected (1, 2), got (2, 1)", _DEFAULT_0],
                  # widths 1 and 2 cannot be stacked on axis 0
                  "names": ["Incompatible input shape", "check the axis you concatenate on"],
                  "gradients": ["Incompatible input shape", "check the axis you concatenate on"]},
           absent={"names": ["A layer received an input"], **_only(_DEFAULT_0)}),
    Mutant("renamed_children", "The children are called `first` and `second`.",
           edits=[(_CHILDREN, "self.first = net1\n        self.second = net2"),
                  (_CONCAT, "return nd.concat(self.first(X), self.second(X), dim=self.axis)")],
           fails={"names": ["Missing keys: net1.weight, net1.bias, net2.weight, net2.bias",
                            "Unexpected keys: first.weight, first.bias, second.weight, second.bias"]},
           passes=["forward", "gradients"]),
)
