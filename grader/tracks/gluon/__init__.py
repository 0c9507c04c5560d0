"""The MXNet Gluon track (``--track gluon``): MXNet 1.9.1 runs in the interpreter of a managed
environment (:mod:`grader.tracks.gluon.env`), where the fork server imports the worker core and
:mod:`grader.tracks.gluon.worker.ops`; the judge decodes the arrays with its own NumPy
(:mod:`grader.tracks.gluon.arrays`) and never imports MXNet. The references run in a trusted
MXNet process of their own (:mod:`grader.tracks.gluon.references`). The stubs and solutions are
``gluon/exercises`` and ``gluon/solutions``; the declarations ``grader.tracks.gluon.declarations``.

Importing this package imports no framework: :data:`TRACK` only names modules. MXNet's engine
must not start threads before a worker confines itself (Landlock and seccomp hold per thread):
the NaiveEngine and one OpenMP thread keep the fork server single-threaded (the operations
module checks it).

Example:
    >>> TRACK.ops, TRACK.interpreter, TRACK.foreign
    ('grader.tracks.gluon.worker.ops', 'grader.tracks.gluon.env:interpreter', True)
    >>> dict(TRACK.environment)["MXNET_ENGINE_TYPE"]
    'NaiveEngine'
"""
from __future__ import annotations

from grader.tracks import Track

__all__ = ["TRACK"]

TRACK = Track(
    name="gluon",
    label="MXNet Gluon",
    ops="grader.tracks.gluon.worker.ops",
    environment=(("MXNET_ENGINE_TYPE", "NaiveEngine"), ("OMP_NUM_THREADS", "1"), ("OPENBLAS_NUM_THREADS", "1"),
                 ("MKL_NUM_THREADS", "1")),
    judge=("grader.tracks.gluon.arrays",),
    declarations="grader.tracks.gluon.declarations",
    references="grader.tracks.gluon.references:ReferenceRunner",
    stubs="gluon/exercises",
    solutions="gluon/solutions",
    interpreter="grader.tracks.gluon.env:interpreter",
    error_hints="grader.tracks.gluon.checks.pair:track_hints",
)
