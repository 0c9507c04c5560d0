"""custom_layers/centered (Gluon): a layer without parameters, ``X - X.mean()``.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['forward', 'no_parameters']
"""
from __future__ import annotations

from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Forward, Mistake, Names
from grader.tracks.gluon.checks.draw import cases, images, width
from grader.tracks.gluon.specs import ex

_sizes = cases(a=width(1, 5), b=width(1, 5), c=st.sampled_from([1, 2, 3]))
_DEFAULTS = ({"a": 2, "b": 5, "c": 1},)

EXERCISE = Exercise("custom_layers/centered", "CenteredLayer: X - X.mean()", (
    Forward(points=3, build=lambda c: ex.CenteredLayer(), inputs=images("a", "b", "c"), cases=_sizes,
            defaults=_DEFAULTS, mistakes=(
                Mistake("Your output subtracts the mean of each row (`axis=1`); the exercise subtracts the mean of "
                        "all entries.", "lambda net, X: X - X.mean(axis=1, keepdims=True)"),
                Mistake("Your output subtracts the mean of each column (`axis=0`); the exercise subtracts the mean "
                        "of all entries.", "lambda net, X: X - X.mean(axis=0, keepdims=True)"),
            )),
    Names(points=1, id="no_parameters", title="the layer has no parameters", build=lambda c: ex.CenteredLayer(),
          inputs=images("a", "b", "c"), cases=_sizes, defaults=_DEFAULTS, max_examples=2),
))
