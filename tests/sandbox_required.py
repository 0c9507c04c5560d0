"""A protection the security tests need: present, or the test skips — or fails, when
``GRADER_REQUIRE_SANDBOX=1`` (CI sets it, so a machine without Landlock, seccomp or namespaces
cannot pass the security tests by skipping them). Mirrors :mod:`tests.browser` and
``GRADER_REQUIRE_BROWSER``."""
from __future__ import annotations

import os

import pytest

ENV = "GRADER_REQUIRE_SANDBOX"


def required() -> bool:
    """Whether a missing protection fails the test instead of skipping it."""
    return os.environ.get(ENV) == "1"


def require_protection(name: str, available: bool, why: str = "") -> None:
    """Nothing when ``available``; otherwise skip the test (fail under ``GRADER_REQUIRE_SANDBOX=1``)
    saying that this machine lacks ``name`` and, if given, ``why``."""
    if available:
        return
    text = f"this machine lacks {name}" + (f": {why}" if why else "")
    if required():
        pytest.fail(f"{ENV}=1 but {text}", pytrace=False)
    pytest.skip(text)
