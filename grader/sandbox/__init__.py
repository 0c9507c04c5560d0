"""The trust boundary: worker processes that run student code, and their protocol.

This is the framework-neutral worker core: nothing here imports a framework. What a worker
does on the student's objects is a track's (:mod:`grader.tracks`): the worker imports the
operations module its config names, the fork server preloads what the track asks for, and
the codec learns the track's arrays through :func:`grader.sandbox.codec.register`.

Judge side: ``client`` (pool, workers, deadlines), ``forkserver`` (warm forks,
orphan sweeping), ``framing`` (length-prefixed frames read against a deadline),
``codec`` (JSON only, never pickle), ``scratch`` (file facts the judge checks
itself). Worker side: ``worker`` (the request loop), ``confine`` (the layers in
order) with ``limits`` (rlimits), ``namespaces``, ``landlock``, ``seccomp`` and
``libc`` (the raw calls); ``policy`` says which layers are wanted or required.
The PyTorch track's operations live in :mod:`grader.tracks.pytorch.worker`.
"""
