"""Hostile Gluon submissions against the MXNet worker: none gains a point, escapes its worker, or
disturbs the rest of the run.

The harness is the adversarial suite's (:mod:`tests.adversarial.conftest`) on the Gluon track:
each attack is graded with :func:`grader.engine.grade` next to the reference's own
``model_construction/mlp.py``, which must keep full marks; no file outside the worker's scratch
folder may change (the submission, the judge's working directory with a results.json and a report
already there, ``gluon/solutions``, the project's reports, the Gluon worker's own modules and
MXNet's package in the managed environment); no process the submission started may survive; the
grading ends within its time limit. Each test then says what score the attack may get (never more
than its honest behaviour earns) and the message the student reads.
"""
from __future__ import annotations

import textwrap
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

from grader.catalog import Catalog
from grader.engine import GradeOptions, grade
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from grader.sandbox.policy import Confinement, SandboxPolicy
from grader.tracks.gluon.env import GluonEnv, default_env_path
from tests.adversarial.conftest import ROOT, Outcome, marked_files, snapshot
from tests.sandbox.procs import MARK_SOURCE, survivors
from tests.sandbox_required import require_protection

MLP, PAR, IO = "model_construction/mlp", "model_construction/parallel", "read_write/tensor_io"
GOOD_MLP = (ROOT / "gluon/solutions/model_construction/mlp.py").read_text()
GOOD_IO = (ROOT / "gluon/solutions/read_write/tensor_io.py").read_text()
PARALLEL_HEAD = '''
from mxnet import nd
from mxnet.gluon import nn

class Parallel(nn.Block):
    def __init__(self, net1, net2, axis=1, **kwargs):
        super().__init__(**kwargs)
        self.net1, self.net2, self.axis = net1, net2, axis
'''
HONEST_FORWARD = "\n    def forward(self, X):\n        return nd.concat(self.net1(X), self.net2(X), dim=self.axis)\n"
GARBAGE_FORWARD = "\n    def forward(self, X):\n        return nd.zeros((X.shape[0], 1))\n"


def parallel(prelude: str = "", forward: str = GARBAGE_FORWARD) -> dict[str, str]:
    return {"model_construction/parallel.py": prelude + PARALLEL_HEAD + forward}


def mxnet_package() -> Path:
    """MXNet's package folder in the managed environment (the env may link to any Python)."""
    found = sorted(GluonEnv(default_env_path()).path.glob("lib/python3*/site-packages/mxnet"))
    return found[0] if found else Path("/nonexistent-mxnet")


@pytest.fixture(scope="module")
def confinement(pool: WorkerPool) -> Confinement:
    return pool.check_sandbox(SandboxPolicy())


@pytest.fixture
def needs(confinement: Confinement) -> Callable[..., None]:
    def check(*layers: str) -> None:
        missing = [layer for layer in layers if layer not in confinement.layers]
        require_protection(", ".join(missing), not missing, "; ".join(confinement.problems))
    return check


Attack = Callable[..., Outcome]


def _snapshot(*roots: Path) -> dict[str, tuple[int, int, str]]:
    """The watched files, bytecode caches aside (the grader's own fork server, not the confined worker, may
    write them the first time it imports the worker's modules from a fresh checkout)."""
    return {path: digest for path, digest in snapshot(*roots).items() if "__pycache__" not in path}


@pytest.fixture
def attack(pool: WorkerPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Attack]:
    """``attack({"model_construction/parallel.py": source}, exercises=(PAR, MLP), timeout=...)``; in a
    source ``MARKER`` is the attack's marker, ``JUDGE_CWD`` the judge's working directory and ``ROOT``
    the project (as a string literal). Checks the invariants of the module's docstring."""
    def run(files: dict[str, str], *, exercises: tuple[str, ...] = (PAR, MLP), timeout: float = 20.0) -> Outcome:
        marker, n = "adv" + uuid.uuid4().hex[:12], len(list(tmp_path.iterdir()))
        judge_cwd = tmp_path / f"judge_cwd{n}"
        (judge_cwd / "reports").mkdir(parents=True)
        (judge_cwd / "results.json").write_text('{"score": 0}')
        (judge_cwd / "reports" / "report.html").write_text("<html>real report</html>")
        sub = tmp_path / f"submission{n}"
        for rel, source in {"model_construction/mlp.py": GOOD_MLP, **files}.items():
            path = sub / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = textwrap.dedent(source).replace("MARKER", marker).replace("JUDGE_CWD", str(judge_cwd))
            path.write_text(MARK_SOURCE.format(marker=marker) + text.replace("ROOT", repr(str(ROOT))))
        watched = (sub, judge_cwd, ROOT / "gluon/solutions", ROOT / "reports", ROOT / "results.json",
                   ROOT / "grader/tracks/gluon/worker", mxnet_package() / "__init__.py",
                   Path("/tmp/results.json"), Path("/tmp/report.html"))
        before = _snapshot(*watched)
        monkeypatch.chdir(judge_cwd)
        chosen = tuple(e for name in exercises for e in Catalog("gluon").select(name))
        t0 = time.monotonic()
        result = grade(sub, chosen, seed=0, pool=pool, options=GradeOptions(limits=Limits(timeout=timeout)))
        seconds = time.monotonic() - t0
        assert _snapshot(*watched) == before, "a file outside the scratch directory changed"
        assert marked_files(marker, Path("/tmp"), judge_cwd, ROOT, mxnet_package(), tmp_path) == []
        assert survivors(marker) == [], "a process the submission started is still alive"
        assert seconds < len(chosen) * (timeout + 5), f"grading took {seconds:.1f} s"
        assert not [c for e in result.exercises for c in e.checks if c.status.value == "error"], "a grader fault"
        return Outcome(result, marker, seconds, judge_cwd)

    yield run


def no_forward_points(out: Outcome) -> bool:
    return out.score(PAR, "forward", "gradients") == 0


# -- ending the process ---------------------------------------------------------------------------

def test_sys_exit_at_import(attack):
    out = attack({"model_construction/parallel.py": "import sys\nsys.exit(0)\n"})
    assert out.score(PAR) == 0
    assert "could not be imported: SystemExit: sys.exit(0) was called" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_an_exception_at_import(attack):
    out = attack({"model_construction/parallel.py": "raise ValueError('boom at import')\n"})
    assert out.score(PAR) == 0
    assert "could not be imported: ValueError: boom at import" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_os_exit_in_forward(attack):
    out = attack(parallel("import os\n", "\n    def forward(self, X):\n        os._exit(0)\n"))
    assert no_forward_points(out) and out.score(PAR) == 0, out.text(PAR)
    assert "os._exit(0) was called" in out.text(PAR) and "parallel.py:" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_segfault_is_reported_as_one(attack):  # libmxnet's own handler would make it a plain exit(255)
    out = attack(parallel("import ctypes\n", "\n    def forward(self, X):\n        return ctypes.string_at(0)\n"))
    assert no_forward_points(out), out.text(PAR)
    assert "killed by segmentation fault (SIGSEGV)" in out.text(PAR), out.text(PAR)
    assert "exited with status 255" not in out.text(PAR)
    out.assert_rest_graded_normally()


# -- resources ------------------------------------------------------------------------------------

def test_infinite_loop(attack):
    out = attack(parallel(forward="\n    def forward(self, X):\n        while True:\n            pass\n"), timeout=2.0)
    assert no_forward_points(out)
    assert "time limit exceeded: the exercise did not finish within 2 s" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_allocating_64_gib(attack):  # MXNet caps one array at 2**31 elements: four float64 ones of 16 GiB
    forward = "\n    def forward(self, X):\n        return [nd.ones((2**31 - 2,), dtype='float64') for _ in range(4)]\n"
    out = attack(parallel(forward=forward))
    assert no_forward_points(out)
    assert "Failed to allocate CPU Memory" in out.text(PAR)
    assert "more memory than a worker may use" in out.text(PAR)
    out.assert_rest_graded_normally()


# -- the files of the grader and of the reference ------------------------------------------------

def test_reading_or_importing_the_reference(attack):
    prelude = '''
import os, sys
SOURCE = None
for path in [os.path.join(ROOT, "gluon/solutions/model_construction/parallel.py"),
             os.path.join(os.environ.get("GRADE_SOLUTIONS", "/nonexistent"), "model_construction/parallel.py"),
             f"/proc/{os.getppid()}/cwd/gluon/solutions/model_construction/parallel.py",
             f"/proc/{os.getppid()}/root" + os.path.join(ROOT, "gluon/solutions/model_construction/parallel.py")]:
    try:
        SOURCE = open(path).read()
        break
    except OSError as exc:
        print("read refused", exc.errno)
try:
    sys.path.append(ROOT)
    import gluon.solutions.model_construction.parallel as _ref
    SOURCE = SOURCE or open(_ref.__file__).read()
except (ImportError, OSError) as exc:
    print("import refused", type(exc).__name__)
print("modules", sorted(m for m in sys.modules if "solution" in m))
'''
    forward = '''
    def forward(self, X):
        if SOURCE:  # the reference's own forward: full marks if the reference could be read
            namespace = {}
            exec(SOURCE, namespace)
            return namespace["Parallel"].forward(self, X)
        return nd.zeros((X.shape[0], 1))
'''
    out = attack(parallel(prelude, forward))
    assert no_forward_points(out)
    output = out.exercise(PAR).output
    assert output.count("read refused") == 4 and "modules []" in output, output
    out.assert_rest_graded_normally()


def test_writing_results_json_and_the_grader_s_files(attack):
    save = '''
def save(obj, path):
    import json, os, mxnet
    fake = json.dumps({"score": 999, "max_score": 16})
    targets = [".", "..", "/tmp", "JUDGE_CWD", "JUDGE_CWD/reports", os.path.dirname(os.path.abspath(__file__)),
               ROOT, os.path.join(ROOT, "reports"), os.path.join(ROOT, "gluon/solutions/read_write"),
               os.path.join(ROOT, "grader/tracks/gluon/worker"), os.path.dirname(mxnet.__file__)]
    wrote = []
    for target in targets:
        for name in ("results.json", "report.html", "MARKER.json"):
            try:
                with open(os.path.join(target, name), "w") as fh:
                    fh.write(fake)
                wrote.append(os.path.join(target, name))
            except OSError:
                pass
    for victim in (os.path.join(ROOT, "gluon/solutions/read_write/tensor_io.py"), mxnet.__file__):
        try:  # make the reference (or MXNet, for the next runs) agree with garbage
            with open(victim, "a") as fh:
                fh.write("\\nraise SystemExit\\n")
        except OSError as exc:
            print("append refused", exc.errno)
    print("wrote", wrote)
    nd.save(os.fspath(path), obj)
'''
    source = GOOD_IO.replace("def save(", "def _honest_save(")
    out = attack({f"{IO}.py": source + save}, exercises=(IO, MLP))
    tensor_io = out.exercise(IO)
    assert tensor_io.score == tensor_io.max_score, out.text(IO)  # honest otherwise: full marks, nothing more
    wrote = [line for line in tensor_io.output.splitlines() if line.startswith("wrote")]
    assert wrote and set(wrote) == {f"wrote ['./results.json', './report.html', './{out.marker}.json']"}  # scratch
    assert tensor_io.output.count("append refused 13") == 2 * len(wrote), tensor_io.output
    out.assert_rest_graded_normally()


# -- the grader's own functions inside the worker ------------------------------------------------

_PATCH_MODULE_OPS = '''
import sys
_ops = sys.modules["grader.tracks.gluon.worker.ops"]
def _liar(*args, **kwargs):
    return {"handle": 1, "is_block": True, "type": "Parallel", "output": None, "names": [], "shapes": {},
            "values": {}, "grads": {}}
for _name in list(_ops.OPS):
    if _name != "import":
        _ops.OPS[_name] = _liar
'''
_PATCH_SESSION_OPS = _PATCH_MODULE_OPS + '''
import gc
for _obj in gc.get_objects():
    if type(_obj).__name__ == "Session" and isinstance(getattr(_obj, "ops", None), dict):
        for _name in list(_obj.ops):
            if _name != "import":
                _obj.ops[_name] = _liar
'''


def test_replacing_the_worker_s_operation_table_changes_nothing(attack):
    honest = attack(parallel())
    patched = attack(parallel(_PATCH_MODULE_OPS))
    assert patched.score(PAR) == honest.score(PAR) == 0
    assert [c.feedback for c in patched.exercise(PAR).checks] == [c.feedback for c in honest.exercise(PAR).checks]
    patched.assert_rest_graded_normally()


def test_replacing_the_session_s_operations_gains_no_point(attack):
    """A worker whose session answers ``names: []`` and ``grads: {}``: nothing to compare is no pass."""
    out = attack(parallel(_PATCH_SESSION_OPS))
    assert out.score(PAR) == 0, [(c.check, c.score) for c in out.exercise(PAR).checks]
    out.assert_rest_graded_normally()


# -- threads ----------------------------------------------------------------------------------------

def test_the_worker_is_single_threaded_before_student_code_and_its_threads_are_confined(attack, needs):
    needs("landlock", "seccomp")
    prelude = '''
import os, threading
print("threads", len(os.listdir("/proc/self/task")), threading.active_count(), os.environ.get("MXNET_ENGINE_TYPE"))
print([line for line in open("/proc/self/status").read().splitlines() if line.startswith(("Seccomp:", "NoNewPrivs:"))])

def _escape():
    for path in ("JUDGE_CWD/results.json", os.path.join(ROOT, "gluon/solutions/MARKER.py"), "/tmp/MARKER_thread"):
        try:
            open(path, "w").write("999")
            print("thread wrote", path)
        except OSError as exc:
            print("thread refused", exc.errno)

_thread = threading.Thread(target=_escape)
_thread.start()
_thread.join()
'''
    out = attack(parallel(prelude, HONEST_FORWARD))
    par = out.exercise(PAR)
    assert par.score == par.max_score, out.text(PAR)  # honest otherwise: its marks, nothing more
    assert "threads 1 1 NaiveEngine" in par.output, par.output
    assert "'Seccomp:\\t2'" in par.output and "'NoNewPrivs:\\t1'" in par.output, par.output
    assert par.output.count("thread refused") == 3 and "thread wrote" not in par.output, par.output
    out.assert_rest_graded_normally()
