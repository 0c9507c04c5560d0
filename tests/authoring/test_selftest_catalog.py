"""`grade selftest` on the whole catalog: the shipped exercise set is sound.

Every reference solution scores full, every stub scores zero, every mutant in
``mutants/`` is caught and every check (hidden ones included) fails on at least
one mutant. A lighter run than the default (``examples_scale=0.3``) with a pinned
seed, in the session's warm worker pool: about 40 s on two cores.
"""
from __future__ import annotations

import time

from grader.authoring.selftest import run_selftest, stray_mutants
from grader.catalog import all_exercises
from grader.engine import GradeOptions
from grader.paths import default_mutants

#: Pinned: at examples_scale 0.3 some checks draw only two or three cases (see the report).
SEED = 4


def test_the_catalog_is_sound(pool):
    t0 = time.perf_counter()
    report = run_selftest(all_exercises(), seed=SEED, options=GradeOptions(examples_scale=0.3), pool=pool,
                          check_strays=True)
    elapsed = time.perf_counter() - t0
    problems = [f"{a.exercise.id}: {p}" for a in report.audits for p in a.problems]
    details = [f"{a.exercise.id} solution :: {c.check}: {c.feedback[:300]}" for a in report.audits
               for c in a.solution_failures]
    assert report.sound, "\n".join(problems + details)
    assert not report.strays, report.strays
    for audit in report.audits:
        assert audit.mutants, f"{audit.exercise.id} has no mutant"
        assert not audit.untested and not audit.uncaught
        assert audit.stub_present and audit.stub.score == 0
        assert audit.solution.score == audit.solution.max_score
    assert report.mutant_count >= 2 * len(report.audits)
    print(f"selftest of {len(report.audits)} exercises and {report.mutant_count} mutants: {elapsed:.1f} s")


def test_every_mutant_says_what_its_bug_is():
    for exercise in all_exercises():
        from grader.authoring.selftest import find_mutants

        for mutant in find_mutants(default_mutants(), exercise):
            assert mutant.description, f"{mutant.path} has no docstring"
            assert len(mutant.description) <= 120, mutant.path
    assert stray_mutants(default_mutants(), all_exercises()) == ()
