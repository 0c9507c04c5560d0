"""A batch's shared reference answers in the Gluon track (grader.expected.shared): what the reference
reads from a file is the answer of the case that wrote it, so the results are those of live references,
with the cases each check drew replayed for the next student."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.app.root import live_references
from grader.catalog import mutants_of, select
from grader.engine import GradeOptions, grade
from grader.expected.shared import SharedReferences
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from tests.conftest import ROOT, check_rows

SOLUTIONS = ROOT / "gluon" / "solutions"
MUTANTS = (("read_write/tensor_io", "unwraps_single"), ("read_write/clone", "returns_net"),
           ("read_write/checkpoint", "epoch_plus_one"))



@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("gluon-shared")
    folders = [SOLUTIONS]
    for exercise, slug in MUTANTS:
        mutant = next(m for m in mutants_of(exercise, "gluon") if m.slug == slug)
        folders.append(mutant.write_submission(exercise, SOLUTIONS, base / slug))
    stubs = base / "stubs"
    shutil.copytree(ROOT / "gluon" / "exercises", stubs)
    return [*folders, stubs]


def test_shared_answers_of_file_reads_are_those_of_live_references(gluon_pool: WorkerPool, submissions) -> None:
    chosen = select("read_write", "gluon")
    options = GradeOptions(limits=Limits(timeout=120))
    shared = SharedReferences(live_references(track="gluon"))
    for folder in submissions + submissions[:1]:
        live = grade(folder, chosen, seed=3, pool=gluon_pool, options=options, references=live_references(track="gluon"))
        cached = grade(folder, chosen, seed=3, pool=gluon_pool, options=options, references=shared)
        assert check_rows(cached) == check_rows(live), folder.name
    stores = shared.stores
    assert stores["read_write/tensor_io"].hits > stores["read_write/tensor_io"].misses, \
        {k: (s.hits, s.misses) for k, s in stores.items()}
    assert all(store.cases for store in stores.values())  # the drawn cases were kept for the next student
