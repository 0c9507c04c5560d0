"""The composition root decides, once per command, the installation, the seed, the references and
the pool's lifetime; the commands grade with what it composed."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from grader.tracks import get_track
from click.testing import CliRunner

import grader.engine
from grader.app import root as app_root
from grader.app.root import WIRING, Installation, SeedPolicy, compose
from grader.engine import RecordedReferences, References
from grader.paths import default_solutions
from grader.release import manifest
from grader.results import CheckResult, ExerciseResult, RunResult, Status
from tests.conftest import ROOT

COMMANDS = ("exercise", "batch", "ci", "selftest", "release", "list", "new", "watch", "export", "check", "setup")


class FakeServer:
    """Stands in for the fork server: records that it was started and closed."""

    started: list["FakeServer"] = []

    def __init__(self, track: object = None, *, extra: tuple[str, ...] = ()) -> None:
        self.closed = False
        self.track = track or get_track()
        self.extra = extra
        FakeServer.started.append(self)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    import grader.sandbox.forkserver

    FakeServer.started = []
    monkeypatch.setattr(grader.sandbox.forkserver, "ForkServer", FakeServer)
    return FakeServer


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> manifest.Release:
    """A stand-in student release (current_release is looked up at call time)."""
    stand_in = manifest.Release(seed=77, expected=tmp_path / "expected_values", info={})
    monkeypatch.setattr(manifest, "current_release", lambda *a, **k: stand_in)
    return stand_in


def _passed_run(root: Path, seed: int) -> RunResult:
    result = ExerciseResult("model_construction/mlp", "MLP",
                            (CheckResult("model_construction/mlp", "names", "names", Status.PASSED, 2.0, 2.0),))
    return RunResult(seed=seed, grader_version="0.1.0", submission=root.name, exercises=(result,))


def test_every_command_goes_through_the_root() -> None:
    assert set(COMMANDS) == set(WIRING)


def test_project_installation_live_references_given_or_fresh_seed(fake_server) -> None:
    assert Installation.detect().kind == "project"
    with compose("exercise", seed=3) as run:
        assert run.installation.kind == "project" and run.seed == 3 and not run.include_hidden
        assert isinstance(run.references, References) and run.references.root == default_solutions()
        assert run.seed == 3 and run.references is run.references  # decided once
    seeds = set()
    for _ in range(3):
        with compose("ci") as run:
            assert 0 <= run.seed < 2**31 and run.include_hidden and run.source.kind == "live"
            seeds.add(run.seed)
    assert len(seeds) > 1, "a fresh seed per run"
    with compose("selftest", solutions=ROOT / "solutions") as run:
        assert run.references.root == (ROOT / "solutions").resolve()


def test_batch_seed_policy_given_else_the_earlier_batch_else_fresh() -> None:
    assert SeedPolicy(given=4).resolve(previous=9) == 4
    assert SeedPolicy().resolve(previous=9) == 9
    assert 0 <= SeedPolicy().resolve(previous=-1) < 2**31
    with compose("batch", seed=5) as run:
        assert run.pool is None and run.policy == SeedPolicy(given=5)


def test_stand_in_release_recorded_references_and_the_release_seed(fake_server, release) -> None:
    assert Installation.detect().kind == "release"
    for seed in (None, 77):
        with compose("exercise", seed=seed) as run:
            assert run.seed == 77
            assert isinstance(run.references, RecordedReferences)
            assert (run.references.folder, run.references.seed) == (release.expected, 77)
    with compose("selftest", seed=5) as run:  # an author's command: live references, its own seed
        assert run.seed == 5 and run.source.kind == "live"


def test_wrong_seed_in_a_release_is_a_usage_error_and_closes_the_server(fake_server, release) -> None:
    with pytest.raises(click.UsageError, match="seed 77"):
        with compose("ci", seed=5):
            pass  # pragma: no cover
    assert fake_server.started and all(s.closed for s in fake_server.started)


def test_wrong_seed_in_a_release_exits_2(fake_server, release, tmp_path, monkeypatch) -> None:
    from grader.cli import main

    monkeypatch.chdir(tmp_path)
    args = ["exercise", "model_construction/mlp", "--submission", str(ROOT / "exercises"), "--seed", "5"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "seed 77" in result.output
    assert not (tmp_path / "reports").exists()


def test_release_is_refused_in_a_release(fake_server, release, tmp_path) -> None:
    from grader.cli import main

    result = CliRunner().invoke(main, ["release", str(tmp_path / "out")])
    assert result.exit_code == 2 and "this is a student release" in result.output
    assert not fake_server.started  # refused before the fork server starts


def test_the_command_grades_with_the_composed_seed_and_references(fake_server, release, tmp_path,
                                                                   monkeypatch) -> None:
    from grader.cli import main

    seen = {}

    def fake_grade(root, exercises, *, seed, options, pool, references,  # type: ignore[no-untyped-def]
                   on_exercise=None, jobs=1):
        seen.update(seed=seed, references=references, hidden=options.include_hidden, pool=pool, jobs=jobs)
        return _passed_run(root, seed)

    monkeypatch.setattr(grader.engine, "grade", fake_grade)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["exercise", "model_construction/mlp", "--submission",
                                       str(ROOT / "exercises"), "--json", "r.json"])
    assert result.exit_code == 0, result.output
    assert seen["seed"] == 77 and seen["references"].folder == release.expected and seen["hidden"] is False
    assert seen["pool"] is not None and fake_server.started[0].closed and seen["jobs"] >= 1


def test_the_pool_is_closed_after_the_command_even_when_grading_raises(fake_server, tmp_path, monkeypatch) -> None:
    from grader.cli import main

    def broken_grade(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(grader.engine, "grade", broken_grade)
    monkeypatch.chdir(tmp_path)
    for args in (["exercise", "model_construction/mlp", "--submission", str(ROOT / "solutions"), "--seed", "1"],
                 ["ci", "model_construction/mlp", "--submission", str(ROOT / "solutions"), "--seed", "1"]):
        before = len(fake_server.started)
        result = CliRunner().invoke(main, args)
        assert isinstance(result.exception, RuntimeError), result.output
        assert len(fake_server.started) == before + 1 and fake_server.started[-1].closed


def test_a_pool_handed_in_is_kept_open(fake_server) -> None:
    class Pool:
        closed = False

        def close(self) -> None:
            self.closed = True

    pool = Pool()
    with compose("check", seed=2, pool=pool) as run:  # type: ignore[arg-type]
        assert run.pool is pool
    assert not pool.closed and not fake_server.started


def test_the_notebook_check_keeps_the_catalogs_own_errors(fake_server) -> None:
    from grader.catalog import UnknownExercise, select

    with pytest.raises(UnknownExercise):
        with compose("check", seed=2):
            select("no_such_topic")
    assert all(s.closed for s in fake_server.started)


def test_commands_without_grading_start_no_fork_server(fake_server) -> None:
    for command in ("list", "new", "export", "batch"):
        with compose(command) as run:
            assert run.pool is None
    assert not fake_server.started
    assert app_root.WIRING["list"].grades_here is False
