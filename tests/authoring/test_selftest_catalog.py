"""`grade selftest` on the whole catalog: the shipped exercise set is sound.

Every reference solution scores full, every stub scores zero, every declared
mutant is caught and every check (hidden ones included) fails on at least one
mutant. The selftest runs once per test session at full strength (the
``catalog_selftest`` fixture); tests/tracks/pytorch/test_declarations.py reads
the same run for each mutant's declaration.
"""
from __future__ import annotations

from grader.authoring.selftest import find_mutants
from grader.catalog import all_exercises


def test_the_catalog_is_sound(catalog_selftest):
    report = catalog_selftest
    problems = [f"{a.exercise.id}: {p}" for a in report.audits for p in a.problems]
    details = [f"{a.exercise.id} solution :: {c.check}: {c.feedback[:300]}" for a in report.audits
               for c in a.solution_failures]
    assert report.sound, "\n".join(problems + details)
    assert [a.exercise.id for a in report.audits] == [e.id for e in all_exercises()]
    for audit in report.audits:
        assert audit.mutants, f"{audit.exercise.id} has no mutant"
        assert not audit.untested and not audit.uncaught
        assert audit.stub_present and audit.stub.score == 0
        assert audit.solution.score == audit.solution.max_score
    assert report.mutant_count >= 3 * len(report.audits)
    print(f"selftest of {len(report.audits)} exercises and {report.mutant_count} mutants: {report.duration:.1f} s")


def test_every_mutant_says_what_its_bug_is():
    for exercise in all_exercises():
        slugs = [m.slug for m in find_mutants(None, exercise)]
        assert len(slugs) == len(set(slugs)), f"{exercise.id} declares a mutant slug twice: {slugs}"
        for mutant in find_mutants(None, exercise):
            assert mutant.bug.strip(), f"{exercise.id}/{mutant.slug} does not say what its bug is"
            assert len(mutant.bug) <= 120 and "\n" not in mutant.bug, f"{exercise.id}/{mutant.slug}"
            assert mutant.fails, f"{exercise.id}/{mutant.slug} names no check it must fail"
