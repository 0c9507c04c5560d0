"""When the tests that need the managed Gluon environment run: when it exists (at
``$GRADE_GLUON_ENV`` or the default place), or when ``GRADER_REQUIRE_GLUON=1`` — then a missing
environment is built, and a failure fails instead of skipping."""
from __future__ import annotations

import os

import pytest

from grader.tracks.gluon.env import GluonEnv, default_env_path, ensure

REQUIRED = os.environ.get("GRADER_REQUIRE_GLUON") == "1"


def managed_env() -> GluonEnv:
    """The ready environment; skips the test when there is none (builds one when required)."""
    env = GluonEnv(default_env_path())
    if env.ready():
        return ensure(env.path)  # links the grader again if this checkout is not the one linked
    if not REQUIRED:
        pytest.skip(f"no managed Gluon environment at {env.path} (`grade setup gluon`, or GRADER_REQUIRE_GLUON=1)")
    return ensure(env.path, progress=print)
