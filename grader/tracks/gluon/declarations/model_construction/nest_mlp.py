"""model_construction/nest_mlp (Gluon): blocks inside blocks, and ``chimera()`` mixing them.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['names', 'forward', 'gradients', 'chimera_names', 'chimera_forward']
"""
from __future__ import annotations

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Gradients, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import ex

_sizes = cases(i=width(), batch=batch())
_DEFAULTS = ({"i": 20, "batch": 2},)

EXERCISE = Exercise("model_construction/nest_mlp", "Nested blocks: NestMLP and chimera()", (
    Names(points=1, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS,
          max_examples=2),
    Forward(points=2, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Gradients(points=1, build=lambda c: ex.NestMLP(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    Names(points=1, id="chimera_names", title="chimera(): NestMLP, Dense(20), FixedHiddenMLP in that order",
          build=lambda c: ex.chimera(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, max_examples=2),
    Forward(points=2, id="chimera_forward", title="chimera() matches the reference on drawn inputs",
            build=lambda c: ex.chimera(), inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
))
