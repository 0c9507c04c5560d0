"""parameters/tying (Gluon): one set of parameters used by two layers (``params=shared.params``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients']
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import ex

_sizes = cases(i=width(), batch=batch())
_DEFAULTS = ({"i": 20, "batch": 2},)

EXERCISE = Exercise("parameters/tying", "Tied parameters: one Dense's parameters in two places", (
    Names(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
          max_examples=3),
    Forward(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Gradients(points=2, build=lambda c: ex.tied_net(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
              title="gradients match the reference (the shared layer's is the sum of both uses)"),
))
