"""The Gluon track's reference runtime: the reference solution in a trusted MXNet process of its own.

The judge never imports MXNet (its NumPy cannot share a process with MXNet 1.9.1's), so the
reference solution runs in the managed environment too: a worker forked from the same fork
server as the students' (:class:`grader.sandbox.client.WorkerPool`), on the reference solutions
folder, that imports only the reference module and answers the same operations
(:mod:`grader.tracks.gluon.worker.ops`). Only plain data crosses (arrays as dtype, shape and
bytes); the judge compares in its own process. The reference raising is a grader fault.

Example:
    >>> ReferenceRunner.in_judge
    False
    >>> r = ReferenceRunner(worker=None, module="model_construction.mlp")
    >>> r.request("forward", handle=1)
    Traceback (most recent call last):
    ...
    grader.sandbox.errors.GraderFault: the reference process for model_construction.mlp is closed
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.sandbox.errors import GraderFault, StudentError, WorkerDied
from grader.sandbox.limits import Limits

__all__ = ["ReferenceRunner", "REFERENCE_LIMITS"]

#: a reference process's limits: generous (only the grader's own code and the reference solution run there)
REFERENCE_LIMITS = Limits(timeout=600.0, memory=8 * 1024**3)


class ReferenceRunner:
    """Runs operations on the reference solution in a worker of the Gluon environment.

    ``in_judge`` is False: :class:`grader.engine.References` starts it with :meth:`start` (a pool
    and the module's name) instead of importing the module in the judge."""

    in_judge = False

    def __init__(self, worker: Any, module: str) -> None:
        self.worker = worker
        self.module = module

    @classmethod
    def start(cls, pool: Any, module: str, root: Path) -> "ReferenceRunner":
        """A reference process for ``module`` of the solutions folder ``root``, started from ``pool``."""
        worker = pool.start(submission_root=root, limits=REFERENCE_LIMITS)
        runner = cls(worker, module)
        try:
            runner.request("locate", on=False)  # the reference's lines never enter an answer (nor a recording)
            runner.request("import", module=module)
        except GraderFault:
            runner.close()
            raise
        return runner

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        if self.worker is None:
            raise GraderFault(f"the reference process for {self.module} is closed")
        try:
            return dict(self.worker.request(op, **args))
        except StudentError as err:
            raise GraderFault(f"the reference solution raised {err.type}: {err.message} during {op}") from None
        except WorkerDied as died:
            raise GraderFault(f"the reference process for {self.module} died during {op}: {died.message}") from None

    def close(self) -> None:
        """End the reference process (each exercise starts its own)."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None
