"""The PyTorch track's worker side: what a worker does on the student's objects.

:mod:`~grader.tracks.pytorch.worker.ops` (with its ``ops_*`` modules) answers the judge's
requests; :mod:`~grader.tracks.pytorch.worker.specs` says what to build,
:mod:`~grader.sandbox.session` holds the objects built, and
:mod:`~grader.tracks.pytorch.worker.structure` and
:mod:`~grader.tracks.pytorch.worker.inputs_guard` describe modules and watch their inputs.
The same operations run on the reference in the judge
(:mod:`grader.tracks.pytorch.references`).
"""
