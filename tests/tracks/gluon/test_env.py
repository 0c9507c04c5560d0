"""The managed Gluon environment: built in order with progress, offline failures name
``grade setup gluon``, a stale grader link is made again without pip, and the command."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Mapping, Sequence

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.tracks.gluon import env as gluon_env
from grader.tracks.gluon.env import (PROBE_ENV, REQUIREMENTS, Completed, EnvError, GluonEnv, build,
                                     default_env_path, ensure, grader_package)

from tests.tracks.gluon.gluon_env import managed_env


class FakePip:
    """Records the commands; ``venv`` makes the folders (and a fake python), pip fails on demand."""

    def __init__(self, pip_output: str = "", pip_status: int = 0) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.pip_output, self.pip_status = pip_output, pip_status

    def __call__(self, argv: Sequence[str], extra: Mapping[str, str]) -> Completed:
        self.calls.append((list(argv), dict(extra)))
        if argv[1:3] == ["-m", "venv"]:
            env = GluonEnv(Path(argv[-1]))
            env.site_packages.mkdir(parents=True)
            env.python.parent.mkdir()
            env.python.write_text("#!/bin/sh\n")
            return Completed(0)
        if argv[1:3] == ["-m", "pip"]:
            return Completed(self.pip_status, self.pip_output)
        return Completed(0, "[02:27:31] ../src/engine/engine.cc:54: MXNet start\nprobe: 1.9.1 1.23.5 /somewhere\n")


def test_build_creates_installs_links_probes_then_marks(tmp_path):
    pip, lines = FakePip(), []
    env = build(GluonEnv(tmp_path / "env"), progress=lines.append, run=pip)
    steps = [argv[1:3] for argv, _ in pip.calls]
    assert steps == [["-m", "venv"], ["-m", "pip"], ["-c", gluon_env.PROBE]]
    assert pip.calls[1][0][-2:] == list(REQUIREMENTS) and pip.calls[1][0][0] == str(env.python)
    assert all(extra == PROBE_ENV for _, extra in pip.calls)  # NaiveEngine, one OpenMP thread
    assert env.ready() and env.linked()
    assert Path(str(env.grader_link.readlink())) == grader_package()
    assert json.loads(env.marker.read_text())["mxnet"] == "1.9.1"
    assert any("creating" in l for l in lines) and any("installing mxnet==1.9.1" in l for l in lines)
    assert lines[-1].startswith("the Gluon environment is ready")


def test_offline_names_the_setup_command_and_leaves_no_marker(tmp_path):
    pip = FakePip("WARNING: Retrying ... NewConnectionError(...)\nERROR: No matching distribution found for "
                  "mxnet==1.9.1", 1)
    with pytest.raises(EnvError) as caught:
        ensure(tmp_path / "env", run=pip)
    message = str(caught.value)
    assert "grade setup gluon --env" in message and "no network" in message and "No matching distribution" in message
    assert not GluonEnv(tmp_path / "env").ready()


def test_other_failures_say_which_step(tmp_path):
    def failing_venv(argv, extra):
        return Completed(2, "Error: ensurepip is not available")

    with pytest.raises(EnvError, match="(?s)creating the virtual environment failed .exit status 2.*ensurepip"):
        build(GluonEnv(tmp_path / "env"), run=failing_venv)


def test_a_ready_env_is_not_rebuilt_and_a_stale_link_is_made_again(tmp_path):
    env = build(GluonEnv(tmp_path / "env"), run=FakePip())
    env.grader_link.unlink()
    env.grader_link.symlink_to(tmp_path)  # the grader moved
    assert not env.linked()
    no_pip = FakePip(pip_status=1)
    lines: list[str] = []
    assert ensure(env.path, run=no_pip, progress=lines.append) == env
    assert no_pip.calls == [] and env.linked() and "again" in lines[0]


def test_an_old_marker_means_not_ready(tmp_path):
    env = build(GluonEnv(tmp_path / "env"), run=FakePip())
    env.marker.write_text(json.dumps({"requirements": ["mxnet==1.9.0"], "python": "3.11"}))
    assert not env.ready()


def test_default_place(monkeypatch, tmp_path):
    monkeypatch.delenv("GRADE_GLUON_ENV", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_env_path() == tmp_path / ".cache" / "d2l-dlc-grader" / "gluon-env"
    monkeypatch.setenv("GRADE_GLUON_ENV", "~/elsewhere")
    assert default_env_path() == tmp_path / "elsewhere"


def test_grade_setup_gluon_builds_at_env(monkeypatch, tmp_path):
    pip = FakePip()
    monkeypatch.setattr(gluon_env, "run_command", pip)
    result = CliRunner().invoke(main, ["setup", "gluon", "--env", str(tmp_path / "env")])
    assert result.exit_code == 0, result.output
    assert "installing mxnet==1.9.1" in result.output and "is ready" in result.output
    assert GluonEnv(tmp_path / "env").ready()


def test_grade_setup_gluon_offline_exits_1(monkeypatch, tmp_path):
    pip = FakePip("ERROR: Could not find a version that satisfies the requirement mxnet==1.9.1", 1)
    monkeypatch.setattr(gluon_env, "run_command", pip)
    result = CliRunner().invoke(main, ["setup", "gluon", "--env", str(tmp_path / "env")])
    assert result.exit_code == 1 and "grade setup gluon --env" in result.output, result.output


def test_grade_setup_knows_only_gluon():
    result = CliRunner().invoke(main, ["setup", "pytorch"])
    assert result.exit_code == 2 and "gluon" in result.output


def test_the_real_environment_imports_mxnet_and_the_core_but_no_judge_packages():
    """Runs when the environment exists (or GRADER_REQUIRE_GLUON=1 builds it)."""
    env = managed_env()
    code = ("import importlib.util as u, os, mxnet, numpy, grader.sandbox.worker; "
            "print(mxnet.__version__, numpy.__version__, [m for m in ('torch', 'scipy', 'hypothesis') if u.find_spec(m)], "
            "os.path.realpath(os.path.dirname(grader.__file__)))")
    done = subprocess.run([str(env.python), "-c", code], env={**PROBE_ENV, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    mx, np, judge_only, package = done.stdout.split(" ", 3)
    assert mx == "1.9.1" and np.startswith("1.23") and judge_only == "[]" and package.strip() == str(grader_package())


def test_a_gluon_fork_server_without_its_environment_builds_it_and_offline_names_the_command(
        monkeypatch, tmp_path, capfd):
    """The first Gluon run finds no environment: it builds one, saying so on stderr; offline, the
    fork server does not start and its message names ``grade setup gluon``."""
    from grader.sandbox.forkserver import ForkServer, ForkServerError
    from grader.tracks.gluon import TRACK

    monkeypatch.setenv("GRADE_GLUON_ENV", str(tmp_path / "env"))
    monkeypatch.setattr(gluon_env, "run_command", FakePip("ERROR: No matching distribution found for mxnet", 1))
    with pytest.raises(ForkServerError, match="(?s)no interpreter for the gluon track: .*grade setup gluon --env"):
        ForkServer(TRACK)
    err = capfd.readouterr().err
    assert "[gluon] creating the Gluon environment at" in err and "[gluon] installing mxnet==1.9.1" in err
