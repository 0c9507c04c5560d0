"""``require_protection``: a missing protection skips, or fails under ``GRADER_REQUIRE_SANDBOX=1``."""
from __future__ import annotations

import pytest

from tests.sandbox_required import require_protection


@pytest.mark.parametrize("env", [None, "0", "1"])
def test_an_available_protection_does_nothing(monkeypatch, env):
    if env is None:
        monkeypatch.delenv("GRADER_REQUIRE_SANDBOX", raising=False)
    else:
        monkeypatch.setenv("GRADER_REQUIRE_SANDBOX", env)
    assert require_protection("landlock", True, "kernel too old") is None


@pytest.mark.parametrize("env", [None, "0", "yes", ""])
def test_a_missing_protection_skips_unless_required(monkeypatch, env):
    if env is None:
        monkeypatch.delenv("GRADER_REQUIRE_SANDBOX", raising=False)
    else:
        monkeypatch.setenv("GRADER_REQUIRE_SANDBOX", env)
    with pytest.raises(pytest.skip.Exception, match=r"^this machine lacks seccomp: no filter$"):
        require_protection("seccomp", False, "no filter")


def test_a_missing_protection_fails_when_required(monkeypatch):
    monkeypatch.setenv("GRADER_REQUIRE_SANDBOX", "1")
    with pytest.raises(pytest.fail.Exception,
                       match=r"^GRADER_REQUIRE_SANDBOX=1 but this machine lacks network namespace$"):
        require_protection("network namespace", False)


def test_the_needs_fixture_goes_through_the_helper(needs_with_landlock_only):
    """The sandbox suite's ``needs`` fixture fails on a layer this machine lacks when required."""
    needs, monkeypatch = needs_with_landlock_only
    monkeypatch.setenv("GRADER_REQUIRE_SANDBOX", "1")
    with pytest.raises(pytest.fail.Exception, match="GRADER_REQUIRE_SANDBOX=1 but this machine lacks no such layer"):
        needs("no such layer")
    monkeypatch.setenv("GRADER_REQUIRE_SANDBOX", "0")
    with pytest.raises(pytest.skip.Exception, match="this machine lacks no such layer"):
        needs("no such layer")


@pytest.fixture
def needs_with_landlock_only(monkeypatch):
    """The real ``needs`` fixture function, on a confinement that has only landlock."""
    from grader.sandbox.policy import Confinement
    from tests.sandbox import conftest

    confinement = Confinement(("Landlock ABI 4",), frozenset({"landlock"}))
    check = conftest.needs.__wrapped__(confinement)
    check("landlock")  # present: nothing happens
    return check, monkeypatch
