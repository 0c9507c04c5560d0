"""model_construction/nest_mlp (Gluon): blocks inside blocks, and ``chimera()`` mixing them.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients', 'chimera_names', 'chimera_forward']
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import ex

_sizes = cases(i=width(), batch=batch())
_DEFAULTS = ({"i": 20, "batch": 2},)


def _affine(layer: str, x: str) -> str:
    """The source of ``layer``'s affine map on ``x`` without its activation (an nn.Dense of the reference)."""
    return (f"nd.FullyConnected({x}, {layer}.weight.data(), {layer}.bias.data(), "
            f"num_hidden={layer}.weight.shape[0], flatten=True)")


EXERCISE = Exercise("model_construction/nest_mlp", "Nested blocks: NestMLP and chimera()", (
    Names(points=1, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
          max_examples=2),
    Forward(points=2, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals NestMLP's without the ReLU of `net`'s second layer: it is "
                "`nn.Dense(32, activation='relu')`.",
                f"lambda net, X: net.dense({_affine('net.net[1]', 'net.net[0](X)')})"),
        Mistake("Your output equals NestMLP's without the ReLU of `dense`: it is `nn.Dense(16, activation='relu')`.",
                f"lambda net, X: {_affine('net.dense', 'net.net(X)')}"),
    )),
    Gradients(points=1, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    # only the number, order and shapes: the names inside NestMLP are the names check's business
    Names(points=1, id="chimera_names", title="chimera(): NestMLP, Dense(20), FixedHiddenMLP in that order",
          build=lambda c: ex.chimera(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, max_examples=2,
          free_names=True),
    Forward(points=2, id="chimera_forward", title="chimera() matches the reference on drawn inputs",
            build=lambda c: ex.chimera(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))


# -- known-bad submissions ------------------------------------------------------------------------

_INNER = "nn.Dense(32, activation='relu'))"
_DENSE = "self.dense = nn.Dense(16, activation='relu')"
_ADD = "net.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())"

_INNER_HINT = "without the ReLU of `net`'s second layer"
_DENSE_HINT = "without the ReLU of `dense`"
_UNINITIALIZED = ["has not been initialized", "blocks kept in a plain Python list or dict are invisible"]
_MISFIT = ["Shape inconsistent", "the blocks applied in another order"]

MUTANTS = (
    Mutant("inner_no_relu", "`net`'s second layer has no ReLU.",
           edits=[(_INNER, "nn.Dense(32))")],
           fails={"forward": [_INNER_HINT, "the output of `net.1` (Dense, call 2) already differs"],
                  "chimera_forward": ["the output of `0.net.1` (Dense, call 2) already differs"]},
           passes=["names", "gradients", "chimera_names"], absent={"forward": [_DENSE_HINT]}),
    Mutant("dense_no_relu", "`dense` has no ReLU.",
           edits=[(_DENSE, "self.dense = nn.Dense(16)")],
           fails={"forward": [_DENSE_HINT, "the output of `dense` (Dense, call 4) already differs"],
                  "chimera_forward": ["the output of `0.dense` (Dense, call 4) already differs"]},
           passes=["names", "gradients", "chimera_names"], absent={"forward": [_INNER_HINT]}),
    Mutant("attribute_linear", "The last layer is called `linear` instead of `dense`.",
           edits=[(_DENSE, "self.linear = nn.Dense(16, activation='relu')"),
                  ("return self.dense(self.net(X))", "return self.linear(self.net(X))")],
           fails={"names": ["Missing keys: dense.weight, dense.bias", "Unexpected keys: linear.weight, linear.bias"]},
           passes=["forward", "gradients", "chimera_names", "chimera_forward"]),
    Mutant("net_in_plain_list", "`net` is a plain list of the two layers instead of an nn.Sequential.",
           edits=[("""        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))""",
                   "        self.net = [nn.Dense(64, activation='relu'), nn.Dense(32, activation='relu')]"),
                  ("return self.dense(self.net(X))", "return self.dense(self.net[1](self.net[0](X)))")],
           fails={"names": ["Missing keys: net.0.weight, net.0.bias, net.1.weight, net.1.bias",
                            "`self.net` is a plain Python list holding 2 block(s)"],
                  "forward": _UNINITIALIZED, "gradients": _UNINITIALIZED,
                  "chimera_names": ["Yours (7):", "`self.net` of block `0` (NestMLP) is a plain Python list"],
                  "chimera_forward": _UNINITIALIZED}),
    Mutant("chimera_order", "chimera() adds Dense(20) first.",
           edits=[(_ADD, "net.add(nn.Dense(20), NestMLP(), FixedHiddenMLP())")],
           fails={"chimera_names": ["Yours (11): 0.weight (20, 0), 0.bias (20,), 1.net.0.weight (64, 0)",
                                    "The same parameter shapes in another order"],
                  "chimera_forward": _MISFIT},
           passes=["names", "forward", "gradients"], absent={"chimera_names": ["looks like"]}),
    Mutant("chimera_dense_10", "chimera()'s middle layer is Dense(10).",
           edits=[(_ADD, "net.add(NestMLP(), nn.Dense(10), FixedHiddenMLP())")],
           fails={"chimera_names": ["1.weight (10, 0), 1.bias (10,)"], "chimera_forward": _MISFIT},
           passes=["names", "forward", "gradients"], absent={"chimera_names": ["in another order"]}),
    Mutant("chimera_no_return", "chimera() builds the network and never returns it.",
           edits=[("    return net\n", "")],
           fails={c: ["`chimera()` returned a NoneType, expected a Gluon Block"]
                  for c in ("chimera_names", "chimera_forward")},
           passes=["names", "forward", "gradients"]),
)
