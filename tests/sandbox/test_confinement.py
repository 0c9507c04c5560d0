"""What a confined worker can and cannot do: each layer, seen from inside the worker.

The probes run as a submission would (imported by a worker, then called), and
report ``"ok"`` or the errno name of what each attempt raised.
"""
from __future__ import annotations

import os
import uuid

import pytest

from grader.paths import project_root
from grader.sandbox.policy import SandboxPolicy

ROOT = project_root()

ATTEMPT = '''
import ctypes, errno, os, resource, signal, socket, sys, tempfile, threading
import torch

def attempt(f):
    try:
        f()
        return "ok"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))

def read(path):
    with open(path, "rb") as fh:
        fh.read(1)

def write(path):
    with open(path, "w") as fh:
        fh.write("x")

def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(("127.0.0.1", 9))

libc = ctypes.CDLL(None, use_errno=True)

def ptrace_parent():
    if libc.ptrace(16, os.getppid(), None, None) != 0:  # PTRACE_ATTACH
        raise OSError(ctypes.get_errno(), "ptrace")
'''


def test_the_default_worker_has_every_layer_this_machine_offers(confinement, needs):
    needs("landlock", "seccomp", "network namespace")
    assert {"session", "rlimits", "user namespace", "landlock network", "subreaper"} <= confinement.layers
    text = "\n".join(confinement.protections)
    for words in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE", "Landlock ABI",
                  "no TCP", "seccomp", "network namespace", "process group"):
        assert words in text, words


def test_file_system_view(probe, needs, tmp_path):
    needs("landlock")
    other = tmp_path / "other_student"
    other.mkdir()
    (other / "secret.py").write_text("x = 1\n")
    got = probe(f'''{ATTEMPT}
def probe():
    return {{
        "solutions": attempt(lambda: read({str(ROOT / "solutions/model_construction/mlp.py")!r})),
        "project_root": attempt(lambda: os.listdir({str(ROOT)!r})),
        "other_student": attempt(lambda: read({str(other / "secret.py")!r})),
        "fork_server_environ": attempt(lambda: read(f"/proc/{{os.getppid()}}/environ")),
        "own_file": attempt(lambda: read(__file__)),
        "stdlib": attempt(lambda: read(os.__file__)),
        "own_proc": attempt(lambda: read("/proc/self/status")),
        "write_submission": attempt(lambda: write(os.path.join(os.path.dirname(__file__), "new.py"))),
        "write_tmp": attempt(lambda: write("/tmp/written_by_a_worker")),
        "write_scratch": attempt(lambda: write("in_scratch.txt")),
        "tempfile": attempt(lambda: tempfile.mkstemp()),
        "link_solutions_into_scratch":
            attempt(lambda: os.link({str(ROOT / "solutions/model_construction/mlp.py")!r}, "l")),
    }}
''')
    assert got == {"solutions": "EACCES", "project_root": "EACCES", "other_student": "EACCES",
                   "fork_server_environ": "EACCES", "own_file": "ok", "stdlib": "ok", "own_proc": "ok",
                   "write_submission": "EACCES", "write_tmp": "EACCES", "write_scratch": "ok", "tempfile": "ok",
                   "link_solutions_into_scratch": "EXDEV"}
    assert not os.path.exists("/tmp/written_by_a_worker")


def test_positive_control_the_tmp_check_sees_a_worker_write_without_landlock(probe):
    """The same write and the same ``os.path.exists`` as above, with Landlock off: the file is there,
    so the absence above is Landlock's doing, not a check that cannot see a worker's write."""
    path = f"/tmp/written_by_a_worker_{uuid.uuid4().hex[:12]}"
    try:
        got = probe(f'''{ATTEMPT}
def probe():
    return attempt(lambda: write({path!r}))
''', sandbox=SandboxPolicy(landlock=False))
        assert got == "ok"
        assert os.path.exists(path)
    finally:
        if os.path.lexists(path):
            os.remove(path)


def test_no_network_no_exec_no_processes_no_ptrace(probe, needs):
    needs("seccomp")
    got = probe(f'''{ATTEMPT}
def probe():
    return {{
        "inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        "inet6": attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
        "unix": attempt(lambda: socket.socket(socket.AF_UNIX)),
        "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
        "fork": attempt(os.fork),
        "subprocess": attempt(lambda: __import__("subprocess").run(["true"])),
        "ptrace": attempt(ptrace_parent),
        "signal_parent": attempt(lambda: os.kill(os.getppid(), 0)),
        "signal_everyone": attempt(lambda: os.kill(-1, 0)),
        "prlimit_parent": attempt(lambda: resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE)),
        "signal_self": attempt(lambda: os.kill(os.getpid(), 0)),
        "thread": attempt(lambda: threading.Thread(target=lambda: None).start()),
        "torch_threads": attempt(lambda: (torch.set_num_threads(2), torch.ones(256, 256) @ torch.ones(256, 256))),
    }}
''')
    assert got == {"inet": "EPERM", "inet6": "EPERM", "unix": "EPERM", "exec": "EPERM", "fork": "EPERM",
                   "subprocess": "EPERM", "ptrace": "EPERM", "signal_parent": "EPERM", "signal_everyone": "EPERM",
                   "prlimit_parent": "EPERM", "signal_self": "ok", "thread": "ok", "torch_threads": "ok"}


def test_each_layer_alone_still_stops_the_network(probe, needs):
    """Landlock without seccomp denies TCP connect; a network namespace without either has no route."""
    needs("landlock network", "network namespace")
    landlock_only = probe(f"{ATTEMPT}\ndef probe():\n    return attempt(connect)\n",
                          sandbox=SandboxPolicy(seccomp=False, namespaces=False))
    namespace_only = probe(f"{ATTEMPT}\ndef probe():\n    return [attempt(connect), socket.if_nameindex()]\n",
                           sandbox=SandboxPolicy(seccomp=False, landlock=False))
    assert landlock_only == "EACCES"
    assert namespace_only[0] in ("ENETUNREACH", "ECONNREFUSED") and [n for _, n in namespace_only[1]] == ["lo"]


def test_landlock_alone_stops_exec_and_signals_outside(probe, needs):
    needs("landlock")
    got = probe(f'''{ATTEMPT}
def probe():
    return [attempt(lambda: os.execv("/bin/true", ["true"])), attempt(lambda: os.kill(os.getppid(), 0))]
''', sandbox=SandboxPolicy(seccomp=False, namespaces=False))
    assert got == ["EACCES", "EPERM"]


def test_user_namespace_limits_and_python_state(probe, needs):
    needs("user namespace")
    got = probe(f'''{ATTEMPT}
def probe():
    return {{
        "uid": os.getuid(),
        "core": resource.getrlimit(resource.RLIMIT_CORE),
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
        "project_on_path": any(p.rstrip("/") == {str(ROOT)!r} for p in sys.path),
        "solutions_env": "GRADE_SOLUTIONS" in os.environ,
        "tmpdir": tempfile.gettempdir() == os.getcwd(),
        "bytecode": sys.dont_write_bytecode,
        "reference_modules": sorted(m for m in sys.modules if m.startswith("solutions")),
    }}
''')
    assert got["uid"] == 65534  # no uid mapped: no capability over any file outside
    assert list(got["core"]) == [0, 0] and got["nofile"] == 256 and got["fsize"] == 256 * 1024**2
    assert not got["project_on_path"] and not got["solutions_env"] and got["tmpdir"] and got["bytecode"]
    assert got["reference_modules"] == []


@pytest.mark.parametrize("layer", ["landlock", "seccomp", "namespaces"])
def test_a_layer_turned_off_is_not_reported(pool, layer, tmp_path):
    confinement = pool.check_sandbox(SandboxPolicy(**{layer: False}))
    name = {"landlock": "landlock", "seccomp": "seccomp", "namespaces": "network namespace"}[layer]
    assert name not in confinement.layers
    assert not any(name in p.lower() for p in confinement.protections)


def test_the_judges_environment_does_not_reach_the_worker(tmp_path, monkeypatch):
    """Credentials in the judge's environment could be printed into the student's own report."""
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits
    from grader.tracks.pytorch.worker.specs import ex

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-judge-token")
    monkeypatch.setenv("GRADE_SOLUTIONS", str(ROOT / "solutions"))
    (tmp_path / "probe_mod.py").write_text(
        "import os\ndef probe():\n    return [sorted(os.environ), open('/proc/self/environ', 'rb').read().decode()]\n")
    with WorkerPool() as pool, pool.start(submission_root=tmp_path, limits=Limits(timeout=60)) as worker:
        worker.request("import", module="probe_mod")
        names, raw = worker.request("value", spec=ex.probe().node)["value"]
    assert "AWS_SECRET_ACCESS_KEY" not in names and "GRADE_SOLUTIONS" not in names
    assert "s3cr3t-judge-token" not in raw and "GRADE_SOLUTIONS" not in raw
    assert "PATH" in names
