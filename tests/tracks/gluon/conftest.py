"""One pool of confined Gluon workers per test module (its fork server imports MXNet once)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

from grader.sandbox.client import WorkerPool
from grader.tracks.gluon import TRACK

from tests.tracks.gluon.gluon_env import managed_env

if TYPE_CHECKING:
    from grader.authoring.selftest import SelftestReport


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    managed_env()
    with WorkerPool(track=TRACK) as p:
        yield p


@pytest.fixture(scope="session")
def gluon_pool() -> Iterator[WorkerPool]:
    """One Gluon pool for the session's whole-chapter gradings (the selftest, the book-style submissions)."""
    managed_env()
    with WorkerPool(track=TRACK) as p:
        yield p


@pytest.fixture(scope="session")
def gluon_selftest(gluon_pool: WorkerPool) -> "SelftestReport":
    """``grade selftest all --track gluon`` at full strength, once per test session (seed 0): every
    solution, stub and declared mutant graded, hidden checks included."""
    from grader.authoring.selftest import run_selftest
    from grader.catalog import Catalog

    return run_selftest(Catalog("gluon").all_exercises(), seed=0, pool=gluon_pool)
