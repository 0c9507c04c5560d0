"""Reference answers shared by a batch's students (grader.expected.shared): the same results as
live references, answers taken from the store where the requests repeat, live where they do not."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.app.root import live_references
from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.expected.shared import ReferenceStore, SharedReference, SharedReferences
from grader.sandbox.limits import Limits
from tests.conftest import ROOT, check_rows, mutant_source

TARGETS = ("model_construction/mlp", "parameters/access", "read_write/checkpoint")


class _Live:
    """A live runtime that counts its calls and numbers objects as the PyTorch one does."""

    started = 0

    def __init__(self) -> None:
        _Live.started += 1
        self.objects: list[list[int]] = []
        self.calls: list[str] = []

    def request(self, op: str, **args: object) -> dict:
        self.calls.append(op)
        if op == "build":
            self.objects.append([int(args["size"])])  # type: ignore[call-overload]
            return {"handle": len(self.objects)}
        if op == "grow":
            self.objects[args["handle"] - 1].append(1)  # type: ignore[operator]
            return {}
        return {"output": sum(self.objects[args["handle"] - 1])}  # type: ignore[operator]

    def obj(self, handle: int) -> list[int]:
        return self.objects[handle - 1]


def test_a_repeated_session_is_answered_from_the_store_without_a_live_runtime() -> None:
    store, _Live.started = ReferenceStore(), 0
    for _ in range(3):
        ref = SharedReference(store, _Live)
        h = ref.request("build", size=2)["handle"]
        ref.request("grow", handle=h)
        assert ref.request("forward", handle=h) == {"output": 3}
        assert ref.derive(h, "double", lambda o: [2 * x for x in o]) == [4, 2]
    assert _Live.started == 1 and (store.hits, store.misses) == (8, 4)


def test_a_miss_goes_live_and_replays_what_was_answered_in_order() -> None:
    store = ReferenceStore()
    first = SharedReference(store, _Live)
    h = first.request("build", size=2)["handle"]
    first.request("grow", handle=h)
    first.derive(h, "grow again", lambda o: o.append(5), mutates=True)
    second = SharedReference(store, _Live)
    h2 = second.request("build", size=2)["handle"]
    second.request("grow", handle=h2)
    second.derive(h2, "grow again", lambda o: o.append(5), mutates=True)
    assert second.live is None and h2 == h
    other = second.request("build", size=7)["handle"]  # not in the store: live, after a replay
    assert other == 2 and second.live.calls == ["build", "grow", "build"]
    assert second.obj(h2) == [2, 1, 5] and second.request("forward", handle=h2) == {"output": 8}


def test_a_mutating_derive_changes_the_traces_so_later_requests_are_told_apart() -> None:
    store = ReferenceStore()
    plain = SharedReference(store, _Live)
    h = plain.request("build", size=1)["handle"]
    assert plain.request("forward", handle=h) == {"output": 1}
    changed = SharedReference(store, _Live)
    h = changed.request("build", size=1)["handle"]
    changed.derive(h, "grow", lambda o: o.append(9), mutates=True)
    assert changed.request("forward", handle=h) == {"output": 10}  # not the stored {"output": 1}



@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("shared")
    folders = [ROOT / "solutions", ROOT / "exercises"]
    for exercise, slug in (("model_construction/mlp", "missing_relu"), ("parameters/access", "shapes_as_lists"),
                           ("read_write/checkpoint", "epoch_plus_one")):
        folder = base / slug
        shutil.copytree(ROOT / "solutions", folder)
        (folder / f"{exercise}.py").write_text(mutant_source(exercise, slug))
        folders.append(folder)
    return folders


def test_graded_with_shared_references_the_results_are_those_of_live_ones(pool, submissions) -> None:  # type: ignore[no-untyped-def]
    chosen = tuple(e for t in TARGETS for e in select(t))
    options = GradeOptions(limits=Limits(timeout=60))
    shared = SharedReferences(live_references())
    for folder in submissions + submissions[:1]:
        live = grade(folder, chosen, seed=11, pool=pool, options=options, references=live_references())
        cached = grade(folder, chosen, seed=11, pool=pool, options=options, references=shared)
        assert check_rows(cached) == check_rows(live), folder.name
    assert all(store.hits > store.misses for store in shared.stores.values()), \
        {k: (s.hits, s.misses) for k, s in shared.stores.items()}
