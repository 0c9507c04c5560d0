"""The worker seam for a second framework in its own interpreter: a confined Gluon worker, forked
from a fork server that runs the managed environment's Python, imports a student's ``MLP(nn.Block)``,
builds it, forwards a drawn float32 array and answers with the output and the structural names.

Skipped when the managed environment does not exist, unless ``GRADER_REQUIRE_GLUON=1`` (then it is
built, and any failure fails). The judge never imports MXNet: it decodes with its own NumPy.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import numpy
import pytest

from grader.paths import project_root
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from grader.tracks import get_track
from grader.tracks.gluon import TRACK
from grader.tracks.gluon.env import PROBE_ENV

from tests.tracks.gluon.gluon_env import managed_env

MLP = '''
from mxnet.gluon import nn


class MLP(nn.Block):
    def __init__(self, hidden=256, out_features=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(hidden, activation='relu')
        self.output = nn.Dense(out_features)

    def forward(self, X):
        return self.output(self.hidden(X))
'''

NP_MLP = '''
from mxnet import npx
from mxnet.gluon import nn
npx.set_np()


class MLP(nn.Block):
    def __init__(self, hidden=256, out_features=10):
        super().__init__()
        self.hidden = nn.Dense(hidden)
        self.output = nn.Dense(out_features)

    def forward(self, X):
        assert type(X).__module__.startswith("mxnet.numpy"), type(X)
        return self.output(npx.relu(self.hidden(X)))
'''

ESCAPE = f'''
import socket

try:
    open({str(project_root() / "pyproject.toml")!r}).read()
except OSError:
    pass
else:
    raise RuntimeError("read a file of the project")
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError:
    pass
else:
    raise RuntimeError("made a socket")
'''


def call(name: str, **kwargs: int) -> dict:
    return {"kind": "call", "fn": {"kind": "attr", "name": name}, "args": [],
            "kwargs": {k: {"kind": "value", "value": v} for k, v in kwargs.items()}}


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    managed_env()
    with WorkerPool(track=TRACK) as p:
        yield p


def _submission(tmp_path: Path, **modules: str) -> Path:
    (tmp_path / "model_construction").mkdir()
    for name, text in modules.items():
        (tmp_path / "model_construction" / f"{name}.py").write_text(textwrap.dedent(text))
    return tmp_path


def _expected(state: dict, x: numpy.ndarray) -> numpy.ndarray:
    v = state["values"]
    h = numpy.maximum(x @ v["hidden.weight"].T + v["hidden.bias"], 0)
    return h @ v["output.weight"].T + v["output.bias"]


@pytest.mark.parametrize("source", [MLP, NP_MLP], ids=["nd", "np"])
def test_a_confined_gluon_worker_builds_forwards_and_names(pool, tmp_path, source):
    root = _submission(tmp_path, mlp=source)
    with pool.start(submission_root=root, limits=Limits(timeout=60)) as worker:
        assert {"rlimits", "session"} <= worker.confinement.layers
        facts = worker.request("process")
        assert facts["threads"] == 1 and facts["engine"] == "NaiveEngine"
        assert facts["mxnet"] == "1.9.1" and facts["numpy"].startswith("1.23") and facts["judge_packages"] == []
        assert facts["python"] != sys.executable
        assert worker.request("import", module="model_construction.mlp") == {"file": "mlp.py"}
        handle = worker.request("build", spec=call("MLP", hidden=8, out_features=3), seed=0)["handle"]
        before = worker.request("state", handle=handle)
        assert before["names"] == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
        assert before["shapes"]["hidden.weight"] == [8, 0] and before["shapes"]["output.bias"] == [3]
        worker.request("initialize", handle=handle, seed=0)
        x = numpy.random.default_rng(7).standard_normal((4, 5)).astype(numpy.float32)
        out = worker.request("forward", handle=handle, inputs=[x], seed=0)["output"]
        assert isinstance(out, numpy.ndarray) and out.dtype == numpy.float32 and out.shape == (4, 3)
        after = worker.request("state", handle=handle, values=True)
        assert after["shapes"]["hidden.weight"] == [8, 5] and after["shapes"]["output.weight"] == [3, 8]
        numpy.testing.assert_allclose(out, _expected(after, x), rtol=1e-5, atol=1e-6)
        assert worker.request("process")["threads"] == 1  # the NaiveEngine computed on the worker's thread


def test_student_errors_come_back_as_plain_data(pool, tmp_path):
    root = _submission(tmp_path, mlp="raise ValueError('no MLP here')\n")
    with pool.start(submission_root=root, limits=Limits(timeout=60)) as worker:
        from grader.sandbox.client import StudentError

        with pytest.raises(StudentError) as caught:
            worker.request("import", module="model_construction.mlp")
    assert "no MLP here" in str(caught.value)


def test_the_gluon_worker_is_confined(pool, tmp_path):
    root = _submission(tmp_path, escape=ESCAPE)
    with pool.start(submission_root=root, limits=Limits(timeout=60)) as worker:
        if not {"landlock", "seccomp"} <= worker.confinement.layers:
            pytest.skip(f"this machine lacks a layer: {worker.confinement.problems}")
        assert worker.request("import", module="model_construction.escape") == {"file": "escape.py"}


def test_the_pytorch_track_still_runs_the_judges_python():
    assert get_track("pytorch").executable() == sys.executable and not get_track("pytorch").foreign


def test_the_worker_modules_examples_run_in_the_gluon_environment():
    """tests/test_doctests.py leaves the worker package out (the judge has no MXNet): run every module's
    examples there, and each module has one."""
    env = managed_env()
    code = ("import doctest, importlib, pkgutil, sys\n"
            "import grader.tracks.gluon.worker as package\n"
            "names = [m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + '.')]\n"
            "assert len(names) >= 10, names\n"
            "tried = [doctest.testmod(importlib.import_module(n), optionflags=doctest.ELLIPSIS) for n in names]\n"
            "empty = [n for n, t in zip(names, tried) if t.attempted == 0]\n"
            "print('without examples:', empty)\n"
            "sys.exit(1 if sum(t.failed for t in tried) or empty else 0)\n")
    done = subprocess.run([str(env.python), "-c", code], env={**PROBE_ENV, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120, cwd=str(Path("/")))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
