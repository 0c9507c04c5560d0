"""Fixtures to run probe code inside a confined worker and to skip what this machine lacks."""
from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from grader.sandbox.client import Worker, WorkerPool
from grader.sandbox.limits import Limits
from grader.sandbox.policy import Confinement, SandboxPolicy
from grader.tracks.pytorch.worker.specs import ex
from tests.sandbox_required import require_protection


@pytest.fixture(scope="session")
def confinement(pool: WorkerPool) -> Confinement:
    """What a default worker gets on this machine."""
    return pool.check_sandbox(SandboxPolicy())


@pytest.fixture
def needs(confinement: Confinement) -> Callable[..., None]:
    """``needs("landlock", "seccomp")`` skips the test where a layer is missing here (fails instead
    under ``GRADER_REQUIRE_SANDBOX=1``, see :mod:`tests.sandbox_required`)."""
    def check(*layers: str) -> None:
        missing = [layer for layer in layers if layer not in confinement.layers]
        require_protection(", ".join(missing), not missing, "; ".join(confinement.problems))
    return check


Probe = Callable[..., Any]


@pytest.fixture
def probe(pool: WorkerPool, tmp_path: Path) -> Iterator[Probe]:
    """``probe(source)``: import ``source`` (dedented) as a module in a fresh worker and return
    what its ``probe()`` returns; ``keep=True`` returns ``(value, worker)`` with the worker open."""
    counter = itertools.count()
    opened: list[Worker] = []

    def run(source: str, *, sandbox: SandboxPolicy = SandboxPolicy(), limits: Limits = Limits(timeout=30),
            keep: bool = False) -> Any:
        sub = tmp_path / f"probe{next(counter)}"
        sub.mkdir()
        (sub / "probe_mod.py").write_text(textwrap.dedent(source))
        worker = pool.start(submission_root=sub, limits=limits, sandbox=sandbox)
        opened.append(worker)
        worker.request("import", module="probe_mod")
        value = worker.request("value", spec=ex.probe().node)["value"]
        if keep:
            return value, worker
        worker.close()
        return value

    yield run
    for worker in opened:
        worker.close()
