"""The Gluon track's worker side (imports MXNet): it runs only in the managed environment's
interpreter (:mod:`grader.tracks.gluon.env`), in the fork server and its confined workers.

:mod:`~grader.tracks.gluon.worker.ops` answers the judge's requests, with
:mod:`~grader.tracks.gluon.worker.arrays` (MXNet arrays through the codec) and
:mod:`~grader.tracks.gluon.worker.specs` (what to build). The judge's interpreter has no MXNet:
``tests/test_doctests.py`` leaves this package out.
"""
