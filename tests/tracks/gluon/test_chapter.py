"""The whole Gluon chapter graded as students hand it in: d2l's own code of both editions (``mxnet.nd``,
and ``mxnet.np`` / ``npx`` with HybridBlocks) scores full marks wherever it meets the contract and loses
exactly the check concerned where it does not, never with a grader fault; the same seed gives the same
results; a notebook submission is graded in the MXNet worker."""
from __future__ import annotations

import json

import pytest

from grader.catalog import Catalog
from grader.engine import grade
from grader.results import Status
from tests.conftest import ROOT

BOOK = ROOT / "tests" / "fixtures" / "gluon_book_style"
#: what the book's code loses, by design of the contract: d2l's MySequential keeps its children in a
#: dict under the block's name, so a block added twice runs once
LOSSES = {("model_construction/my_sequential", "repeated")}


@pytest.fixture(scope="module")
def chapter() -> tuple:
    return Catalog("gluon").all_exercises()


@pytest.mark.parametrize("edition", ["nd", "np"])
def test_book_style_submissions_lose_only_what_the_contract_says(edition, chapter, gluon_pool):
    run = grade(BOOK / edition, chapter, seed=11, pool=gluon_pool)
    faults = [(c.exercise, c.check, c.feedback[:300]) for c in run.checks if c.status is Status.ERROR]
    assert faults == []
    lost = {(c.exercise, c.check) for c in run.checks if c.status is not Status.PASSED}
    assert lost == LOSSES, [(c.exercise, c.check, c.feedback[:400]) for c in run.checks
                            if (c.exercise, c.check) in lost - LOSSES]
    repeated = next(c for c in run.checks if (c.exercise, c.check) == next(iter(LOSSES)))
    assert "`self._children[block.name] = block`" in "\n".join(repeated.hints)


def test_the_same_seed_gives_the_same_results(chapter, gluon_pool):
    from grader.render.gradescope import gradescope_dict

    chosen = tuple(e for e in chapter if e.topic in ("model_construction", "parameters"))
    first, second = (grade(BOOK / "np", chosen, seed=5, pool=gluon_pool) for _ in range(2))

    def stable(run):  # timings aside
        data = gradescope_dict(run)
        data.pop("execution_time")
        return json.dumps(data, sort_keys=True)

    assert stable(first) == stable(second)
    assert first.track == "gluon"


def test_a_topic_notebook_is_graded_in_the_mxnet_worker(tmp_path, gluon_pool):
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("# Model construction")]
    for name in ("mlp", "parallel"):
        cells.append(nbformat.v4.new_code_cell((ROOT / "gluon" / "solutions" / "model_construction" /
                                                f"{name}.py").read_text()))
    cells.append(nbformat.v4.new_code_cell("raise ValueError('a cell that stops the run')"))
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "model_construction.ipynb")
    chosen = tuple(Catalog("gluon").select(f"model_construction/{n}")[0] for n in ("mlp", "parallel", "stack"))
    run = grade(tmp_path, chosen, seed=3, pool=gluon_pool)
    by_id = {e.exercise: e for e in run.exercises}
    assert by_id["model_construction/mlp"].score == by_id["model_construction/mlp"].max_score
    assert by_id["model_construction/parallel"].score == by_id["model_construction/parallel"].max_score
    stack = by_id["model_construction/stack"]
    assert stack.score == 0 and "cell 4" in stack.message + "".join(c.feedback for c in stack.checks)
    assert not [c for c in run.checks if c.status is Status.ERROR]
