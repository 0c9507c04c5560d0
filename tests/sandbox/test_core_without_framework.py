"""The worker core imports no framework, and a framework-free track runs behind it.

In a fresh interpreter (and so in its fork server and workers) where ``import torch`` fails,
every module of :mod:`grader.sandbox` and the :mod:`grader.tracks` registry import, and a
real worker, forked from the fork server and confined as usual, answers requests of the
torch-free echo track (``tests/sandbox/echo_track.py``), arrays included. The same blocker
makes the PyTorch track's operations fail to import, so it does block.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

BLOCKER = '''
import sys


class _NoTorch:
    """A meta path finder that refuses torch: this interpreter has no framework."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError(f"{name} is blocked: this interpreter has no framework", name=name)
        return None


sys.meta_path.insert(0, _NoTorch())
'''

CORE = '''
import array, importlib, json, pkgutil, sys, tempfile
from pathlib import Path

import grader.sandbox
modules = sorted(m.name for m in pkgutil.iter_modules(grader.sandbox.__path__, "grader.sandbox."))
for name in modules:
    importlib.import_module(name)
import grader.tracks
import grader.tracks.pytorch
track = grader.tracks.get_track("pytorch")

from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from tests.sandbox.echo_track import TRACK

with WorkerPool(track=TRACK) as pool:
    sub = Path(tempfile.mkdtemp(prefix="echo-sub-"))
    with pool.start(submission_root=sub, limits=Limits(timeout=60)) as worker:
        echo = worker.request("echo", value=[1, (2.5, "x"), array.array("d", [1.5, -2.0]), array.array("i", [])])
        frameworks = worker.request("frameworks")
        layers = sorted(worker.confinement.layers)
        pid = worker.pid
print(json.dumps({
    "sitecustomize": sys.modules["sitecustomize"].__file__,
    "modules": modules,
    "pytorch_ops": track.ops,
    "echo": [list(v) if isinstance(v, array.array) else v for v in echo["echo"]],
    "arrays": [type(v).__name__ for v in echo["echo"]],
    "worker_pid": echo["pid"], "pid": pid,
    "worker": frameworks, "layers": layers,
    "judge_torch": sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")),
}))
'''

CONTROL = '''
try:
    import grader.tracks.pytorch.worker.ops
except ImportError as exc:
    print("blocked:", exc)
else:
    print("imported")
'''


def _run(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)


def test_the_core_imports_and_runs_a_worker_without_torch(tmp_path):
    done = _run(tmp_path, CORE)
    assert done.returncode == 0, done.stderr[-4000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(out["sitecustomize"]).parent == tmp_path / "site"  # the blocker was in force
    assert {"grader.sandbox.worker", "grader.sandbox.forkserver", "grader.sandbox.codec", "grader.sandbox.client",
            "grader.sandbox.confine", "grader.sandbox.framing", "grader.sandbox.scratch"} <= set(out["modules"])
    assert out["pytorch_ops"] == "grader.tracks.pytorch.worker.ops"
    assert out["judge_torch"] == []
    assert out["echo"] == [1, [2.5, "x"], [3.0, -4.0], []]  # a tuple crosses as a tuple, back as a list in JSON
    assert out["arrays"] == ["int", "tuple", "array", "array"]
    assert out["worker_pid"] == out["pid"] != os.getpid()
    assert out["worker"] == {"torch_modules": [], "torch_importable": False}
    assert "rlimits" in out["layers"]  # confined as usual


def test_the_blocker_blocks_the_pytorch_track(tmp_path):
    done = _run(tmp_path, CONTROL)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.startswith("blocked:") and "torch" in done.stdout, done.stdout
