"""The Gluon track's worker side (imports MXNet): it runs only in the managed environment's
interpreter (:mod:`grader.tracks.gluon.env`), in the fork server and its confined workers.

:mod:`~grader.tracks.gluon.worker.ops` answers the judge's requests, with its ``ops_*`` modules (one
concept each: parameters, autograd, traces, files, devices), :mod:`~grader.tracks.gluon.worker.arrays`
(MXNet arrays and contexts through the codec), :mod:`~grader.tracks.gluon.worker.specs` (what to
build), :mod:`~grader.tracks.gluon.worker.blocks` (a block's parameters and children by structural
name), :mod:`~grader.tracks.gluon.worker.inputs` (seeds, contexts, waiting for outputs) and
:mod:`~grader.tracks.gluon.worker.frames` (the student's line). The judge's interpreter has no MXNet:
``tests/test_doctests.py`` leaves this package out; ``tests/tracks/gluon/test_worker.py`` runs its
examples in the Gluon environment.
"""
