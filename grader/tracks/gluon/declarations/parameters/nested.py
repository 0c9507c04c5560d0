"""parameters/nested (Gluon): block1(), block2(n), rgnet(n) and their nested names (``0.1.0.weight``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'block2_names']
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import ex

_sizes = cases(i=width(), n=width(1, 4), batch=batch())
_DEFAULTS = ({"i": 20, "n": 4, "batch": 2},)

EXERCISE = Exercise("parameters/nested", "Nested blocks: block1, block2, rgnet", (
    Names(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Forward(points=2, build=lambda c: ex.rgnet(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Names(points=1, id="block2_names", title="block2(n): n block1() inside an nn.Sequential",
          build=lambda c: ex.block2(c["n"]), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))
