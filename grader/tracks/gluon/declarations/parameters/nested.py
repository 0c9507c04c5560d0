"""parameters/nested (Gluon): block1(), block2(n), rgnet(n) and their nested names (``0.1.0.weight``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'block2_names']
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import ex

#: rgnet's output with no ReLU after each block1's Dense(16) (run on the reference's rgnet).
_NO_LAST_RELU = ("lambda net, X: net[1](__import__('functools').reduce(lambda h, b: nd.dot(b[0](h), "
                 "b[1].weight.data().T) + b[1].bias.data(), [net[0][i] for i in range(len(net[0]))], X))")

_sizes = cases(i=width(), n=width(1, 4), batch=batch())
_DEFAULTS = ({"i": 20, "n": 4, "batch": 2},)

EXERCISE = Exercise("parameters/nested", "Nested blocks: block1, block2, rgnet", (
    Names(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
            mistakes=(Mistake("Your output is that of an rgnet whose `block1` has no ReLU after its second Dense: "
                              "`nn.Dense(16, activation='relu')`.", _NO_LAST_RELU),)),
    Names(points=1, id="block2_names", title="block2(n): n block1() inside an nn.Sequential",
          build=lambda c: ex.block2(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))

_ADD_BLOCK1 = "for _ in range(n):\n        net.add(block1())"

MUTANTS = (
    Mutant("block1_last_no_relu", "`block1`'s second Dense has no ReLU.",
           edits=[("nn.Dense(16, activation='relu'))", "nn.Dense(16))")],
           fails={"forward": ["Compared the output of net(X) with the reference's (same parameters)",
                              "the output of `0.0.1` (Dense, call 2) already differs", "net = rgnet(",
                              "whose `block1` has no ReLU after its second Dense"]},
           passes=["names", "block2_names"]),
    Mutant("block2_one_instance", "`block2` adds the same `block1()` n times.",
           edits=[(_ADD_BLOCK1, "block = block1()\n    for _ in range(n):\n        net.add(block)")],
           fails={"names": ["Missing keys: 0.1.0.weight, 0.1.0.bias", "net = rgnet(2)"],
                  "block2_names": ["Missing keys: 1.0.weight, 1.0.bias", "net = block2(2)"]}),
    Mutant("block2_off_by_one", "`block2` adds n - 1 blocks.",
           edits=[("for _ in range(n):", "for _ in range(n - 1):")],
           fails={"names": ["Missing keys: 0.0.0.weight", "net = rgnet(1)"],
                  "block2_names": ["Missing keys: 0.0.weight", "Your keys:     (none)", "net = block2(1)"]}),
    Mutant("rgnet_ignores_n", "`rgnet` calls `block2()` with its default, whatever n.",
           edits=[("net.add(block2(n), nn.Dense(10))", "net.add(block2(), nn.Dense(10))")],
           fails={"names": ["Unexpected keys: 0.1.0.weight", "net = rgnet(1)"]}, passes=["block2_names"]),
    Mutant("rgnet_flat", "`rgnet` adds block2's blocks one by one instead of block2 itself.",
           edits=[("net.add(block2(n), nn.Dense(10))", "net.add(*block2(n), nn.Dense(10))")],
           fails={"names": ["Missing keys: 0.0.0.weight", "Unexpected keys: 0.0.weight"]},
           passes=["block2_names", "forward"]),
    Mutant("block1_widths_swapped", "`block1` has Dense(16) then Dense(32).",
           edits=[("nn.Dense(32, activation='relu'),\n            nn.Dense(16, activation='relu'))",
                   "nn.Dense(16, activation='relu'),\n            nn.Dense(32, activation='relu'))")],
           fails={"names": ["Shape of 0.0.0.weight: expected (32, 0), got (16, 0)"],
                  "block2_names": ["Shape of 0.0.weight: expected (32, 0), got (16, 0)"]}),
)
