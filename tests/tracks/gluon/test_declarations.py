"""Every declared mutant of every Gluon exercise, graded: it fails the checks its declaration names, with
the words it names, and passes the checks it says it passes; and the Gluon catalog is sound (solutions
full, stubs zero, at least three mutants an exercise, every check failed by some mutant).

The gradings are those of the session's Gluon selftest (``gluon_selftest``, seed 0); a mutant that
fixes its own seed is graded again at that seed.
"""
from __future__ import annotations

import pytest

from grader.authoring.selftest import unmet
from grader.catalog import Catalog
from grader.engine import GradeOptions, grade
from grader.results import ExerciseResult, Status
from tests.conftest import ROOT

CATALOG = Catalog("gluon")
CASES = [pytest.param(exercise, mutant, id=f"{exercise.id}/{mutant.slug}")
         for exercise in CATALOG.all_exercises() for mutant in CATALOG.mutants_of(exercise.id)]


def test_every_gluon_exercise_declares_at_least_three_mutants():
    counts = {e.id: len(CATALOG.mutants_of(e.id)) for e in CATALOG.all_exercises()}
    assert {k: v for k, v in counts.items() if v < 3} == {}


def test_the_gluon_catalog_is_sound(gluon_selftest):
    problems = [(a.exercise.id, a.problems) for a in gluon_selftest.audits if a.problems]
    assert problems == []
    assert gluon_selftest.sound


def _graded(exercise, mutant, report, pool, tmp_path) -> ExerciseResult:
    if mutant.seed is None:
        audit = next(a for a in report.audits if a.exercise.id == exercise.id)
        return next(v.result for v in audit.mutants if v.mutant.slug == mutant.slug)
    folder = mutant.write_submission(exercise.id, ROOT / "gluon" / "solutions", tmp_path / "submission")
    return grade(folder, (exercise,), seed=mutant.seed, pool=pool,
                 options=GradeOptions(include_hidden=True)).exercises[0]


@pytest.mark.parametrize("exercise, mutant", CASES)
def test_declared_gluon_mutant(exercise, mutant, gluon_selftest, gluon_pool, tmp_path):
    result = _graded(exercise, mutant, gluon_selftest, gluon_pool, tmp_path)
    faults = [f"{c.check}: {c.feedback}" for c in result.checks if c.status is Status.ERROR]
    assert not faults, f"grader fault on mutant {mutant.slug}: {faults}"
    assert any(c.status is Status.FAILED for c in result.checks), f"mutant {mutant.slug} is not caught"
    problems = unmet(mutant, result)
    assert not problems, "\n".join(problems)
