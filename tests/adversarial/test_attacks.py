"""Hostile submissions: none gains a point, escapes its worker, or disturbs the rest of the run.

Each test grades ``model_construction/parallel`` (the attack) next to a correct
``model_construction/mlp`` (which must keep full marks). The ``attack`` fixture
(see ``conftest.py``) checks that no file outside the scratch directory changed
and that no process the submission started survives; each test checks the
score the attack may get and the message the student reads.
"""
from __future__ import annotations

import os

import pytest

from grader.sandbox.limits import Limits
from tests.adversarial.conftest import GARBAGE_FORWARD, HONEST_FORWARD, MLP, PAR, PARALLEL_HEAD, ROOT

IO = "read_write/tensor_io"


def parallel(prelude: str = "", forward: str = GARBAGE_FORWARD) -> dict[str, str]:
    return {"model_construction/parallel.py": prelude + PARALLEL_HEAD + forward}


def assert_no_forward_points(outcome) -> None:
    """Forward and gradients need a correct forward; only the structural ``names`` check may pass."""
    assert outcome.score(PAR, "forward", "gradients") == 0, outcome.text(PAR)


# -- ending the process --------------------------------------------------------------------------

def test_sys_exit_at_import(attack):
    out = attack({"model_construction/parallel.py": "import sys\nsys.exit(0)\n"})
    assert out.score(PAR) == 0
    assert "sys.exit(0) was called" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_os_exit_in_forward(attack):
    out = attack(parallel("import os\n", "\n    def forward(self, X):\n        os._exit(0)\n"))
    assert_no_forward_points(out)
    assert "os._exit(0)" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_segfault(attack):
    out = attack(parallel("import ctypes\n", "\n    def forward(self, X):\n        return ctypes.string_at(0)\n"))
    assert_no_forward_points(out)
    assert "segmentation fault (SIGSEGV)" in out.text(PAR)
    out.assert_rest_graded_normally()


# -- lying to the judge ------------------------------------------------------------------------

def test_patched_comparisons_with_garbage_forward(attack):
    prelude = '''
import torch, torch.testing
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.isclose = lambda a, b, *r, **k: torch.ones_like(a, dtype=torch.bool)
torch.testing.assert_close = lambda *a, **k: None
torch.Tensor.__eq__ = lambda self, other: True
'''
    out = attack(parallel(prelude))
    assert_no_forward_points(out)
    assert "shape" in out.text(PAR).lower()
    out.assert_rest_graded_normally()


def test_every_grader_function_in_the_worker_replaced(attack):
    prelude = '''
import sys, types
def _liar(*args, **kwargs):
    return {"ok": {"output": None, "passed": True, "score": 100}}
for _name, _mod in list(sys.modules.items()):
    if _name.startswith("grader") and _mod is not None:
        for _attr, _value in list(vars(_mod).items()):
            if isinstance(_value, types.FunctionType):
                setattr(_mod, _attr, _liar)
            elif isinstance(_value, type) and _value.__module__ == _name:
                for _m, _f in list(vars(_value).items()):
                    if isinstance(_f, types.FunctionType) and not _m.startswith("__"):
                        setattr(_value, _m, _liar)
'''
    out = attack(parallel(prelude), timeout=3.0)
    assert out.score(PAR) == 0  # even names: its worker no longer answers at all
    assert "time limit exceeded" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_fake_results_printed(attack, capfd):
    prelude = '''
import json, sys
FAKE = json.dumps({"score": 999, "max_score": 42, "tests": [{"name": "all", "score": 999, "status": "passed"}]})
print(FAKE); print("All checks passed. Score: 42/42", file=sys.stderr)
'''
    forward = '''
    def forward(self, X):
        print(FAKE); print("forward :: passed 3/3", file=sys.stderr)
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(prelude, forward))
    assert_no_forward_points(out)
    assert '"score": 999' in out.exercise(PAR).output  # shown as the student's output, nothing more
    captured = capfd.readouterr()
    assert "999" not in captured.out and "42/42" not in captured.err
    out.assert_rest_graded_normally()


def test_fake_results_files_in_the_working_dir_and_parents(attack):
    prelude = '''
import json, os
FAKE = json.dumps({"score": 999, "max_score": 42})
TARGETS = [".", "..", "../..", "/tmp", "JUDGE_CWD", "JUDGE_CWD/reports", os.path.dirname(__file__),
           os.path.join(os.path.dirname(__file__), ".."), ROOT, os.path.join(ROOT, "reports"),
           os.path.join(ROOT, "solutions")]
WROTE = []
for target in TARGETS:
    for name in ("results.json", "report.html", "MARKER.json"):
        try:
            with open(os.path.join(target, name), "w") as fh:
                fh.write(FAKE)
            WROTE.append(os.path.join(target, name))
        except OSError as exc:
            print("refused", target, name, exc.errno)
try:  # make the reference agree with garbage
    with open(os.path.join(ROOT, "solutions/model_construction/parallel.py"), "a") as fh:
        fh.write("\\nParallel.forward = lambda self, X: torch.zeros(X.shape[0], 1)\\n")
except OSError as exc:
    print("reference refused", exc.errno)
print("wrote", WROTE)
'''.replace("ROOT", repr(str(ROOT)))
    out = attack(parallel(prelude))
    assert_no_forward_points(out)
    output = out.exercise(PAR).output
    assert "wrote ['./results.json', './report.html', './" in output  # the scratch directory only
    assert "reference refused 13" in output
    out.assert_rest_graded_normally()


def test_reading_or_importing_the_reference(attack):
    prelude = '''
import importlib.util, os, sys
SOURCE = None
CANDIDATES = [os.path.join(ROOT, "solutions/model_construction/parallel.py"),
              os.path.join(os.environ.get("GRADE_SOLUTIONS", "/nonexistent"), "model_construction/parallel.py"),
              f"/proc/{os.getppid()}/cwd/solutions/model_construction/parallel.py",
              f"/proc/{os.getppid()}/root" + os.path.join(ROOT, "solutions/model_construction/parallel.py")]
for path in CANDIDATES:
    try:
        SOURCE = open(path).read()
        break
    except OSError as exc:
        print("read refused", path, exc.errno)
try:
    sys.path.append(ROOT)
    import solutions.model_construction.parallel as _ref
    SOURCE = SOURCE or open(_ref.__file__).read()
except (ImportError, OSError) as exc:
    print("import refused", type(exc).__name__)
print("modules", sorted(m for m in sys.modules if "solution" in m))
'''.replace("ROOT", repr(str(ROOT)))
    forward = '''
    def forward(self, X):
        if SOURCE:  # the reference's own forward: full marks if the reference could be read
            namespace = {}
            exec(SOURCE, namespace)
            return namespace["Parallel"].forward(self, X)
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(prelude, forward))
    assert_no_forward_points(out)
    assert out.exercise(PAR).output.count("read refused") == 4
    assert "modules []" in out.exercise(PAR).output
    out.assert_rest_graded_normally()


def test_background_thread_changes_parameters_after_forward(attack):
    prelude = '''
import threading, time
import torch

def _meddle(module):
    while True:
        with torch.no_grad():
            for p in module.parameters():
                p.add_(torch.randn_like(p))
        time.sleep(0.001)
'''
    forward = '''
    def forward(self, X):
        if not getattr(self, "_started", False):
            self._started = True
            threading.Thread(target=_meddle, args=(self,), daemon=True).start()
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(prelude, forward))
    assert_no_forward_points(out)
    out.assert_rest_graded_normally()


def test_forward_correct_only_for_the_textbook_batch_size(attack):
    forward = '''
    def forward(self, X):
        if X.shape[0] == 2:
            return torch.cat([self.net1(X), self.net2(X)], dim=self.dim)
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(forward=forward))
    assert out.score(PAR, "forward") == 0
    forward_check = next(c for c in out.exercise(PAR).checks if c.check == "forward")
    assert forward_check.failing_case and "net(X)" in forward_check.failing_case, forward_check.failing_case
    out.assert_rest_graded_normally()


def test_atexit_and_del_hooks_printing_results(attack):
    prelude = '''
import atexit, os, sys

def _fake():
    print('{"score": 999}')
    try:
        open("/tmp/MARKER_atexit", "w").write("999")
    except OSError:
        pass

atexit.register(_fake)

class _Ghost:
    def __del__(self):
        _fake()
        print("forward :: passed", file=sys.stderr)

_ghosts = [_Ghost() for _ in range(3)]
'''
    forward = '''
    def forward(self, X):
        _Ghost()
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(prelude, forward))
    assert_no_forward_points(out)
    out.assert_rest_graded_normally()


def test_a_submission_rewriting_its_other_files_at_import(attack):
    prelude = '''
import os
_here = os.path.dirname(os.path.abspath(__file__))
for _name in ("mlp.py", "parallel.py", "new_file.py"):
    try:
        with open(os.path.join(_here, _name), "w") as fh:
            fh.write("raise SystemExit('rewritten')\\n")
    except OSError as exc:
        print("rewrite refused", _name, exc.errno)
'''
    out = attack(parallel(prelude))  # parallel first: its import runs before mlp is graded
    assert out.exercise(PAR).output.count("rewrite refused") == 3
    out.assert_rest_graded_normally()


# -- resources --------------------------------------------------------------------------------

def test_infinite_loop(attack):
    out = attack(parallel(forward="\n    def forward(self, X):\n        while True:\n            pass\n"), timeout=2.0)
    assert_no_forward_points(out)
    assert "time limit exceeded" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_ignored_termination_signals(attack):
    prelude = '''
import signal
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGUSR1, signal.SIGHUP):
    signal.signal(_s, signal.SIG_IGN)
signal.alarm(1)
'''
    out = attack(parallel(prelude, "\n    def forward(self, X):\n        while True:\n            pass\n"), timeout=2.0)
    assert_no_forward_points(out)
    assert "time limit exceeded" in out.text(PAR)
    out.assert_rest_graded_normally()


def test_allocating_64_gib(attack):
    forward = "\n    def forward(self, X):\n        return torch.ones(64 * 1024**3, dtype=torch.uint8)\n"
    out = attack(parallel(forward=forward))
    assert_no_forward_points(out)
    assert "memory" in out.text(PAR).lower()
    out.assert_rest_graded_normally()


def test_200_mb_of_output(attack):
    prelude = '''
import sys
_chunk = "x" * (1 << 20)
for _ in range(200):
    sys.stdout.write(_chunk)
sys.stdout.flush()
'''
    out = attack(parallel(prelude, HONEST_FORWARD))
    par = out.exercise(PAR)
    assert par.passed, out.text(PAR)  # honest otherwise: full marks, nothing more
    assert "bytes of output omitted" in par.output and len(par.output) < 100_000
    out.assert_rest_graded_normally()


def test_filling_the_disk(attack):
    forward = '''
    def forward(self, X):
        block = b"x" * (8 << 20)
        for i in range(10_000):
            with open(f"fill_{i}", "wb") as fh:
                fh.write(block)
        return torch.zeros(X.shape[0], 1)
'''
    out = attack(parallel(forward=forward), limits=Limits(timeout=20, max_disk=64 << 20))
    assert_no_forward_points(out)
    assert "disk quota exceeded" in out.text(PAR)
    out.assert_rest_graded_normally()


# -- escaping --------------------------------------------------------------------------------

def test_sleep_600_child_and_double_forked_setsid_child(attack):
    prelude = '''
import os, subprocess, time
try:
    subprocess.Popen(["sleep", "600"], env=dict(os.environ), start_new_session=True)
except OSError as exc:
    print("sleep refused", exc.errno)
try:
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
except OSError as exc:
    print("fork refused", exc.errno)
for _ in range(10_000):  # a fork bomb, which must fail at the first fork
    try:
        os.fork()
    except OSError:
        break
'''
    out = attack(parallel(prelude, HONEST_FORWARD))
    assert out.exercise(PAR).passed  # an otherwise correct module keeps its marks: nothing more
    out.assert_rest_graded_normally()


def test_signalling_the_judge_and_the_fork_server(attack, needs):
    needs("seccomp", "landlock")  # either one refuses; without both this test would kill the test run
    prelude = f'''
import os, signal
for _pid in (os.getppid(), {os.getpid()}):
    for _sig in (signal.SIGKILL, signal.SIGSTOP):
        try:
            os.kill(_pid, _sig)
        except OSError as exc:
            print("kill refused", exc.errno)
'''
    out = attack(parallel(prelude, HONEST_FORWARD))
    assert out.exercise(PAR).output.count("kill refused 1") == 4
    assert out.exercise(PAR).passed
    out.assert_rest_graded_normally()


# -- the channel to the judge -----------------------------------------------------------------

_CHANNEL = '''
import gc, struct, time

def _channel_socket():
    return next(o for o in gc.get_objects() if type(o).__name__ == "Channel")._sock
'''


@pytest.mark.parametrize("payload, needle", [
    ("struct.pack('!Q', 1 << 62)", "broke the judge–worker protocol"),
    ("struct.pack('!Q', 9) + b'{not json'", "broke the judge–worker protocol"),
    ("struct.pack('!Q', 5) + b'[1,2]'", "broke the judge–worker protocol"),
    ("struct.pack('!Q', 1000) + b'{\"ok\": {'", "time limit exceeded"),  # half a frame, then silence
], ids=["huge-length", "not-json", "not-an-answer", "half-a-frame"])
def test_writing_to_the_judge_channel(attack, payload, needle):
    forward = f'''
    def forward(self, X):
        _channel_socket().sendall({payload})
        time.sleep(600)
'''
    out = attack(parallel(_CHANNEL, forward), timeout=3.0)
    assert_no_forward_points(out)
    assert needle in out.text(PAR)
    out.assert_rest_graded_normally()


# -- files: pickles that run code, and a worker that lies about files ---------------------------

_UNSAFE_IO = '''
import os, pickle

class _Evil:
    def __reduce__(self):
        return (exec, ("open('/tmp/MARKER_unpickled', 'w').write('pwned')",))

def save(obj, path):
    with open(path, "wb") as fh:
        pickle.dump({"obj": obj, "evil": _Evil()}, fh)

def load(path):
    with open(path, "rb") as fh:
        return pickle.load(fh)["obj"]
'''


def test_save_writes_a_pickle_that_runs_code(attack):
    out = attack({f"{IO}.py": _UNSAFE_IO}, exercises=(IO, MLP))
    assert out.score(IO, "torch_load_readable", "load_refuses_code") == 0, out.text(IO)
    assert "ran code stored in the file" in out.text(IO)
    out.assert_rest_graded_normally()  # and /tmp/<marker>_unpickled was never created (fixture)


def test_a_worker_that_lies_about_files(attack):
    """The grader's file operations patched inside the worker: pickles never planted, markers
    never seen, and a 'safe load' that returns what save was given. The judge does not ask."""
    lies = _UNSAFE_IO + '''
import sys
_SAVED = {}
_real_save = save

def save(obj, path):
    _SAVED[os.path.basename(str(path))] = obj
    _real_save(obj, path)

_ops = sys.modules["grader.tracks.pytorch.worker.ops"].OPS
_ops["plant_pickles"] = lambda session, base, marker: {"files": []}
_ops["exists"] = lambda session, path: {"exists": os.path.basename(path) in _SAVED or os.path.exists(path)}
_ops["safe_load"] = lambda session, path: {"value": _SAVED.get(os.path.basename(path)), "problem": None}
_ops["listdir"] = lambda session, path=".": {"entries": []}
'''
    out = attack({f"{IO}.py": lies}, exercises=(IO, MLP))
    assert out.score(IO, "torch_load_readable", "load_refuses_code") == 0, out.text(IO)
    out.assert_rest_graded_normally()


def test_fifo_traps_in_the_scratch_directory(attack):
    """Named pipes where the judge will plant or remove files must not block the judge."""
    source = '''
import os
import torch
for _name in ("planted_pt.pt", "planted_pkl.pkl", "written_by_torch_save.pt"):
    try:
        os.mkfifo(_name)
    except OSError:
        pass

def save(obj, path):
    torch.save(obj, path)

def load(path):
    return torch.load(path, weights_only=True)
'''
    out = attack({f"{IO}.py": source}, exercises=(IO, MLP), timeout=20)
    assert out.exercise(IO).passed, out.text(IO)
    out.assert_rest_graded_normally()
