'''The Gluon track's scaffold templates: what `grade new TOPIC/NAME --track gluon` writes.

The same three files as the PyTorch track's (:mod:`grader.authoring.scaffold`), in the Gluon
track's folders: ``gluon/exercises/<topic>/<name>.py``, ``gluon/solutions/<topic>/<name>.py`` and
``grader/tracks/gluon/declarations/<topic>/<name>.py``; the layer is an ``nn.Block`` holding one
``nn.Dense(units, activation='relu')`` whose input width is left to deferred initialization.

Example:
    >>> sorted(FOLDERS)
    ['declarations', 'solutions', 'stubs']
    >>> "nn.Dense(units, activation='relu')" in SOLUTION
    True
'''
from __future__ import annotations

__all__ = ["FOLDERS", "STUB", "SOLUTION", "DECLARATION"]

#: where each of the three files goes, relative to the project root
FOLDERS = {"stubs": "gluon/exercises", "solutions": "gluon/solutions",
           "declarations": "grader/tracks/gluon/declarations"}

STUB = '''"""Exercise: {title}.

Write ``{cls}``. Check it with ``grade exercise {id} --track gluon``.
"""
from mxnet import nd
from mxnet.gluon import nn


class {cls}(nn.Block):
    """A dense layer with a ReLU, its input width inferred at the first forward.

    Build, in ``__init__`` (call ``super().__init__(**kwargs)`` first):

    - ``self.dense = nn.Dense(units, activation='relu')``

    ``forward(X)`` returns ``dense(X)`` for ``X`` of shape ``(batch, in_width)``.

    Use exactly this attribute name: the grader expects the structural parameter names
    ``dense.weight dense.bias`` (what ``save_parameters`` writes). The size is a default; other
    sizes are tested too. Either array API works (``mxnet.nd``, or ``mxnet.np`` after
    ``npx.set_np()``).

    Example:
        >>> net = {cls}(3)
        >>> net.initialize()
        >>> net(nd.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(self, units: int = 3, **kwargs):
        raise NotImplementedError("{cls}.__init__: create self.dense")

    def forward(self, X):
        raise NotImplementedError("{cls}.forward: return dense(X)")
'''

SOLUTION = '''"""Reference: {title}.

Implements ``{cls}``: one ``nn.Dense(units, activation='relu')`` named ``dense``.
"""
from mxnet import nd
from mxnet.gluon import nn


class {cls}(nn.Block):
    """``dense(X)`` with a ReLU.

    Example:
        >>> net = {cls}(3)
        >>> net.initialize()
        >>> net(nd.ones((2, 4))).shape
        (2, 3)
        >>> list(net._collect_params_with_prefix())
        ['dense.weight', 'dense.bias']
    """

    def __init__(self, units: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.dense = nn.Dense(units, activation='relu')

    def forward(self, X):
        return self.dense(X)
'''

DECLARATION = '''"""{id} (Gluon): {title}.

Scaffolded by `grade new --track gluon`: edit the builds, the drawn sizes, the checks and their
points, the hidden check and the mutants, then run `grade selftest {id} --track gluon`. The check
kinds are in grader/tracks/gluon/checks/ (Forward, Names, Gradients, Initialization, Scenario).

Example:
    >>> EXERCISE.id
    '{id}'
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Forward, Gradients, Mistake, Names
from grader.tracks.gluon.checks.draw import batch, cases, matrix, width
from grader.tracks.gluon.specs import Spec, ex

# The sizes every check draws (hypothesis shrinks a failure to the smallest case), and the
# exercise's default sizes, always tried as well.
_sizes = cases(i=width(1, 8), u=width(1, 8), batch=batch())
_DEFAULTS = ({{"i": 4, "u": 3, "batch": 2}},)


def _build(c: dict[str, Any]) -> Spec:
    """What to build for a drawn case: ``ex.{cls}(...)`` is built from the student's module in the
    worker, and from the reference solution in the reference process."""
    return ex.{cls}(c["u"])


EXERCISE = Exercise(id="{id}", title={title_repr}, checks=(
    # points=...: what each check is worth; the exercise is worth their sum.
    Names(points=1, build=_build, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
    # A Mistake is a known wrong answer, the source of a lambda run on the reference's block in the
    # reference process: when the student's output equals it, its hint is shown with the failure.
    Forward(points=2, build=_build, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS, mistakes=(
        Mistake("Your output equals the dense layer without its ReLU.",
                "lambda net, X: nd.FullyConnected(X, net.dense.weight.data(), net.dense.bias.data(), "
                "num_hidden=net.dense.weight.shape[0])"),
    )),
))

# Hidden checks: graded by `grade batch` and `grade ci`, never by `grade exercise`; a student
# release strips HIDDEN (and whatever only it uses) from this module.
HIDDEN = (
    Gradients(points=1, build=_build, inputs=matrix("i"), cases=_sizes, defaults=_DEFAULTS),
)

# Known-bad submissions, each a small change to the solution: the checks it must fail, with words
# their feedback must contain. `grade selftest --track gluon` grades them; a release strips MUTANTS.
MUTANTS = (
    Mutant("fixed_input_width", "The input width fixed (`in_units=4`) where deferred initialization is asked for.",
           edits=[("nn.Dense(units, activation='relu')", "nn.Dense(units, activation='relu', in_units=4)")],
           fails={{"names": "deferred initialization"}}),
    Mutant("missing_relu", "No ReLU.",
           edits=[("nn.Dense(units, activation='relu')", "nn.Dense(units)")],
           fails={{"forward": "without its ReLU"}}, passes=["names"]),
)
'''
