"""Every declared mutant of every exercise, graded: it fails the checks its declaration names, with
the words it names, and passes the checks it says it passes (one parametrized test drives them all).

A mutant is graded like a student's submission: a copy of every reference solution with the
mutant in place of its exercise's file, hidden checks included. The gradings are those of the
session's catalog selftest (``catalog_selftest``, at ``SELFTEST_SEED``); a mutant that fixes its
own seed is graded again at that seed.
"""
from __future__ import annotations

import pytest

from grader.authoring.selftest import unmet
from grader.catalog import all_exercises, mutants_of
from grader.engine import GradeOptions, grade
from grader.results import ExerciseResult, Status
from tests.conftest import ROOT

CASES = [pytest.param(exercise, mutant, id=f"{exercise.id}/{mutant.slug}")
         for exercise in all_exercises() for mutant in mutants_of(exercise.id)]


def test_every_exercise_declares_mutants():
    assert {e.id for e in all_exercises()} == {p.values[0].id for p in CASES}


def _graded(exercise, mutant, report, pool, tmp_path) -> ExerciseResult:
    if mutant.seed is None:
        audit = next(a for a in report.audits if a.exercise.id == exercise.id)
        return next(v.result for v in audit.mutants if v.mutant.slug == mutant.slug)
    folder = mutant.write_submission(exercise.id, ROOT / "solutions", tmp_path / "submission")
    return grade(folder, (exercise,), seed=mutant.seed, pool=pool,
                 options=GradeOptions(include_hidden=True)).exercises[0]


@pytest.mark.parametrize("exercise, mutant", CASES)
def test_declared_mutant(exercise, mutant, catalog_selftest, pool, tmp_path):
    result = _graded(exercise, mutant, catalog_selftest, pool, tmp_path)
    faults = [f"{c.check}: {c.feedback}" for c in result.checks if c.status is Status.ERROR]
    assert not faults, f"grader fault on mutant {mutant.slug}: {faults}"
    assert any(c.status is Status.FAILED for c in result.checks), f"mutant {mutant.slug} is not caught"
    problems = unmet(mutant, result)
    assert not problems, "\n".join(problems)
