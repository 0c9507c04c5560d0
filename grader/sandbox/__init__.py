"""The trust boundary: worker processes that run student code, and their protocol.

Judge side: ``client`` (pool, workers, deadlines), ``forkserver`` (warm forks,
orphan sweeping), ``framing`` (length-prefixed frames read against a deadline),
``codec`` (JSON only, never pickle), ``scratch`` (file facts the judge checks
itself). Worker side: ``worker`` (the request loop), ``confine`` (the layers in
order) with ``limits`` (rlimits), ``namespaces``, ``landlock``, ``seccomp`` and
``libc`` (the raw calls); ``policy`` says which layers are wanted or required;
``ops*`` and ``specs`` are what a worker does on the student's objects.
"""
