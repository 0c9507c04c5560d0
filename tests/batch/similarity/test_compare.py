"""Planted pairs among twenty independent solutions: copies rank first, honest work stays below the threshold."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from grader.batch.similarity import Settings, compare_exercise
from grader.batch.similarity import classwide, compare
from grader.batch.similarity.classwide import boilerplate_for
from tests.conftest import ROOT
from tests.batch.similarity.sequential_class import (COMMENTS_ONLY, INDEPENDENT, ORIGINAL, RENAMED_REORDERED, STUB)

EXERCISE = "model_construction/my_sequential"
BOILERPLATE = boilerplate_for(EXERCISE)


def _pairs(texts: dict[str, str]) -> list[compare.Pair]:
    return compare_exercise(EXERCISE, texts, boilerplate=BOILERPLATE)


def test_boilerplate_is_the_stub_and_the_reference() -> None:
    assert BOILERPLATE == [STUB, (ROOT / "solutions" / f"{EXERCISE}.py").read_text()]


def test_twenty_independent_solutions_stay_below_the_threshold() -> None:
    assert len(INDEPENDENT) == 20 and len(set(INDEPENDENT.values())) == 20
    every = compare_exercise(EXERCISE, INDEPENDENT, boilerplate=BOILERPLATE, settings=Settings(report_min=0.0))
    assert len(every) > 10, "the solutions share idioms: many pairs have some overlap"
    assert max(p.score for p in every) < Settings().threshold
    assert not any(p.flagged for p in _pairs(INDEPENDENT))


def test_renamed_and_reordered_copy_ranks_first() -> None:
    pairs = _pairs({**INDEPENDENT, "orig": ORIGINAL, "copy": RENAMED_REORDERED})
    top = pairs[0]
    assert (top.a, top.b, top.flagged) == ("copy", "orig", True) and top.score > 0.9
    assert [p for p in pairs if p.flagged] == [top]
    assert top.spans_a and top.spans_b


def test_copy_with_only_comments_changed_ranks_first() -> None:
    pairs = _pairs({**INDEPENDENT, "orig": ORIGINAL, "zoe": COMMENTS_ONLY})
    assert (pairs[0].a, pairs[0].b) == ("orig", "zoe") and pairs[0].score > 0.95
    assert [p for p in pairs if p.flagged] == [pairs[0]]


def test_both_copies_outrank_every_honest_pair() -> None:
    pairs = _pairs({**INDEPENDENT, "orig": ORIGINAL, "copy": RENAMED_REORDERED, "zoe": COMMENTS_ONLY})
    assert {(p.a, p.b) for p in pairs[:3]} == {("copy", "orig"), ("orig", "zoe"), ("copy", "zoe")}
    assert all(p.flagged for p in pairs[:3]) and not any(p.flagged for p in pairs[3:])
    assert pairs == sorted(pairs, key=lambda p: (-p.score, p.exercise, p.a, p.b))


def test_the_stub_and_the_reference_are_never_similar() -> None:
    reference = BOILERPLATE[1]
    assert _pairs({"a": STUB, "b": STUB, "c": reference, "d": reference, "e": reference}) == []


def test_scores_do_not_depend_on_the_process() -> None:
    """Unlike Python's salted hash(), the fingerprints are the same in every process."""
    code = ("from tests.batch.similarity.sequential_class import *; from grader.batch.similarity import compare_exercise;"
            "from grader.batch.similarity.classwide import boilerplate_for;"
            "b = boilerplate_for('model_construction/my_sequential');"
            "print([(p.a, p.b, p.score) for p in compare_exercise('e', {**INDEPENDENT, 'o': ORIGINAL, "
            "'c': RENAMED_REORDERED}, boilerplate=b)])")
    outs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and "('c', 'o'" in outs.pop()


def test_summary_entries_have_the_documented_fields(tmp_path: Path) -> None:
    for name, text in {"orig": ORIGINAL, "copy": RENAMED_REORDERED, **INDEPENDENT}.items():
        path = tmp_path / name / "model_construction" / "my_sequential.py"
        path.parent.mkdir(parents=True)
        path.write_text(text)
    students = [(n, tmp_path / n, "folder") for n in sorted(["orig", "copy", *INDEPENDENT])]
    report = classwide.class_similarity(students, [EXERCISE])
    summary = report.summary()
    assert summary[0] == {"exercise": EXERCISE, "a": "copy", "b": "orig", "score": summary[0]["score"],
                          "flagged": True}
    assert json.loads(json.dumps(summary)) == summary
    assert [s["score"] for s in summary] == sorted((s["score"] for s in summary), reverse=True)
    assert all(0.0 <= s["score"] <= 1.0 for s in summary)
    assert report.text("copy", EXERCISE) == (f"{EXERCISE}.py", RENAMED_REORDERED)

