"""One pool of confined Gluon workers per test module (its fork server imports MXNet once)."""
from __future__ import annotations

from typing import Iterator

import pytest

from grader.sandbox.client import WorkerPool
from grader.tracks.gluon import TRACK

from tests.tracks.gluon.gluon_env import managed_env


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    managed_env()
    with WorkerPool(track=TRACK) as p:
        yield p
