"""Every reference solution scores full marks; every stub scores zero."""
from __future__ import annotations

import pytest

from grader.catalog import topics
from grader.results import Status
from tests.conftest import ROOT


@pytest.mark.parametrize("topic", topics())
def test_solutions_score_full_marks(grade_dir, topic):
    run = grade_dir(ROOT / "solutions", topic, seed=11)
    failed = [(c.name, c.feedback) for c in run.checks if not c.passed]
    assert not failed
    assert run.score == run.max_score > 0


@pytest.mark.parametrize("topic", topics())
def test_stubs_score_zero(grade_dir, topic):
    run = grade_dir(ROOT / "exercises", topic, seed=11)
    assert run.score == 0
    for c in run.checks:
        assert c.status is Status.FAILED, c.name
        assert "NotImplementedError" in c.feedback, (c.name, c.feedback)
        assert any("still the stub" in h for h in c.hints), c.name
