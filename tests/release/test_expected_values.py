"""Recorded expected values: content keys, recordings, replay, and the fixed case lists."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hypothesis import strategies as st

from grader.catalog import select
from grader.checks.base import Failure, GraderFault
from grader.checks.explore import explore
from grader.engine import RecordedReferences, References, grade
from grader.expected import Recording, RecordingReference, ReferenceUnavailable, ReplayReference
from grader.expected.cases import CaseBook
from grader.expected.trace import Traces
from grader.results import Status
from grader.tracks.pytorch.references import ReferenceRunner
from grader.tracks.pytorch.worker.specs import ex, handle
from tests.conftest import ROOT

MLP = ex.MLP(3, 4, 2)


class _Recorder:
    """References that run live and write their answers into ``recording``."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording

    def runner(self, exercise, pool=None):
        return RecordingReference(References(ROOT / "solutions").runner(exercise, pool), self.recording)


def _live() -> ReferenceRunner:
    return References(ROOT / "solutions").runner(select("model_construction/mlp")[0])


def test_keys_name_objects_by_history_not_by_handle_number():
    a, b = Traces(), Traces()
    k1, _ = a.key("build", {"spec": MLP.node, "seed": 1})
    a.created(1, k1)
    other, _ = b.key("build", {"spec": ex.MLP(5, 5, 5).node, "seed": 1})
    b.created(1, other)
    b.created(2, k1)  # the same object, built second on this side
    x = torch.ones(2, 3)
    assert a.key("forward", {"handle": 1, "args": [x]})[0] == b.key("forward", {"handle": 2, "args": [x]})[0]
    assert a.key("value", {"spec": handle(1).attr("eval")().node})[0] == \
        b.key("value", {"spec": handle(2).attr("eval")().node})[0]


def test_a_request_that_touches_an_object_changes_its_later_keys():
    t = Traces()
    k, _ = t.key("build", {"spec": MLP.node, "seed": 1})
    t.created(1, k)
    before, mentioned = t.key("state", {"handle": 1})
    step, _ = t.key("train", {"model": 1, "steps": 2})
    t.touched([1], step)
    assert mentioned == [1]
    assert t.key("state", {"handle": 1})[0] != before


def test_recording_round_trip_keeps_dict_order_and_tensors(tmp_path):
    r = Recording("model_construction/mlp", seed=3)
    r.answers["k"] = {"value": {"0.weight": (2, 3), "0.bias": (2,)}, "output": torch.arange(4.0)}
    r.cases["forward"] = ["{'n': 1}"]
    back = Recording.load(tmp_path, r.exercise) if r.save(tmp_path) else None
    assert list(back.answers["k"]["value"]) == ["0.weight", "0.bias"]
    assert torch.equal(back.answers["k"]["output"], torch.arange(4.0))
    assert back.cases == r.cases and back.seed == 3


def test_replay_answers_what_was_recorded_and_nothing_else():
    recording = Recording("model_construction/mlp", seed=0)
    rec = RecordingReference(_live(), recording)
    h = rec.request("build", spec=MLP.node, seed=5)["handle"]
    X = torch.randn(2, 3)
    out = rec.request("forward", handle=h, args=[X])["output"]
    doubled = rec.derive(h, "double", lambda m: 2 * m(X).detach(), inputs=[X])

    replay = ReplayReference(Recording.from_bytes(recording.to_bytes()))
    r = replay.request("build", spec=MLP.node, seed=5)["handle"]
    assert torch.equal(replay.request("forward", handle=r, args=[X])["output"], out)
    assert torch.equal(replay.derive(r, "double", lambda m: None, inputs=[X]), doubled)
    with pytest.raises(ReferenceUnavailable):
        replay.request("forward", handle=r, args=[X + 1])  # another input: never recorded
    with pytest.raises(ReferenceUnavailable):
        replay.request("build", spec=MLP.node, seed=6)
    with pytest.raises(ReferenceUnavailable):
        replay.request("state", handle=99)  # a handle the replay never gave
    with pytest.raises(ReferenceUnavailable):
        replay.obj(r)


def test_a_mutating_derive_tells_later_answers_apart():
    recording = Recording("model_construction/mlp", seed=0)
    rec = RecordingReference(_live(), recording)
    a = rec.request("build", spec=MLP.node, seed=5)["handle"]
    b = rec.request("build", spec=MLP.node, seed=5)["handle"]  # same history as `a`
    rec.derive(b, "zero", lambda m: [p.data.zero_() for p in m.parameters()] and None, mutates=True)
    sa = rec.request("state", handle=a)["tensors"]
    sb = rec.request("state", handle=b)["tensors"]
    replay = ReplayReference(recording)
    ra = replay.request("build", spec=MLP.node, seed=5)["handle"]
    rb = replay.request("build", spec=MLP.node, seed=5)["handle"]
    replay.derive(rb, "zero", lambda m: None, mutates=True)
    assert torch.equal(replay.request("state", handle=ra)["tensors"]["hidden.weight"], sa["hidden.weight"])
    assert torch.equal(replay.request("state", handle=rb)["tensors"]["hidden.weight"], sb["hidden.weight"])
    assert not torch.equal(sa["hidden.weight"], sb["hidden.weight"])


def test_fixed_cases_are_examined_smallest_first_without_shrinking():
    recording = Recording("t/e", seed=1)
    seen: list[int] = []

    def examine(case: dict) -> None:
        seen.append(case["n"])
        if case["n"] >= 30:
            raise Failure("too big")

    strategy = st.fixed_dictionaries({"n": st.integers(0, 100)})
    failure = explore(strategy, examine, seed=4, max_examples=20, extra=({"n": 50},),
                      book=CaseBook(recording, verify=False), key="check")
    assert failure is not None and failure.drawn["n"] >= 30
    assert seen == sorted(seen) and seen[-1] == failure.drawn["n"], "smallest first, stop at the first failure"
    listed = recording.cases["check"]
    assert "{'n': 50}" in listed and len(listed) == len(set(listed))
    # a replay draws the same list; a recording of another list is refused
    again: list[int] = []
    explore(strategy, lambda c: again.append(c["n"]), seed=4, max_examples=20, extra=({"n": 50},),
            book=CaseBook(recording, verify=True), key="check")
    assert [f"{{'n': {n}}}" for n in again] == listed
    with pytest.raises(GraderFault, match="differ from those the release recorded"):
        explore(strategy, lambda c: None, seed=5, max_examples=20, book=CaseBook(recording, verify=True), key="check")


def test_replaying_a_release_grades_like_the_live_references(pool, tmp_path):
    exercises = (select("model_construction/mlp")[0].public(),)
    recording = Recording("model_construction/mlp", seed=9)

    recorder = _Recorder(recording)

    live = grade(ROOT / "solutions", exercises, seed=9, pool=pool, references=recorder)
    first = recording.to_bytes()
    grade(ROOT / "solutions", exercises, seed=9, pool=pool, references=recorder)
    assert recording.to_bytes() == first, "recording the same seed twice gives the same bytes"
    recording.save(tmp_path)
    replayed = grade(ROOT / "solutions", exercises, seed=9, pool=pool,
                     references=RecordedReferences(tmp_path, 9))
    assert live.score == replayed.score == live.max_score
    stubs = grade(ROOT / "exercises", exercises, seed=9, pool=pool,
                  references=RecordedReferences(tmp_path, 9))
    assert stubs.score == 0 and all(c.status is Status.FAILED for c in stubs.checks)
    wrong_seed = grade(ROOT / "solutions", exercises, seed=10, pool=pool,
                       references=RecordedReferences(tmp_path, 10))
    assert all(c.status is Status.ERROR for c in wrong_seed.checks)
    assert "recorded for seed 9, not 10" in wrong_seed.checks[0].feedback


def test_a_check_whose_answers_were_not_recorded_says_so(pool, tmp_path):
    exercises = (select("model_construction/mlp")[0].public(),)
    recording = Recording("model_construction/mlp", seed=9)

    recorder = _Recorder(recording)

    grade(ROOT / "solutions", exercises, seed=9, pool=pool, references=recorder)
    recording.answers.clear()  # the cases are listed, their answers lost
    recording.save(tmp_path)
    run = grade(ROOT / "solutions", exercises, seed=9, pool=pool,
                references=RecordedReferences(tmp_path, 9))
    forward = next(c for c in run.checks if c.check == "forward")
    assert forward.status is Status.ERROR
    assert "could not be judged from the expected values recorded in this release" in forward.feedback
    assert forward.score == 0
