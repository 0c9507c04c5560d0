"""The worker: the only process that imports and runs student code.

Started from a warm fork server (its track's framework already imported), it opens its
output files, confines itself (:mod:`grader.sandbox.confine`), then answers the
judge's requests one at a time over a framed socket
(:mod:`grader.sandbox.framing`). Requests and answers are JSON
(:mod:`grader.sandbox.codec`); nothing is unpickled on the judge's side.

What a request does is the track's: the worker imports the operations module named in its
config (``WorkerConfig.ops``, a track's :attr:`grader.tracks.Track.ops`). That module has

- ``Session(namespace, root)``: built once with no namespace and the submission's folder;
  ``session.run(op, args)`` answers a request (a dict), or ``{"error": ...}`` when student
  code raised;
- optionally ``cuda_present() -> bool`` (asked before confinement: CUDA's driver maps more
  address space than any limit, so RLIMIT_AS is left off then) and ``on_confined()``
  (called once after confinement, before any student code runs).

Importing it also registers the track's array codec (:func:`grader.sandbox.codec.register`).

Example:
    >>> cfg = WorkerConfig(submission_root="/s", scratch="/t", log_dir="/l", limits=Limits(), ops="my.ops")
    >>> WorkerConfig.from_json(cfg.to_json()) == cfg
    True
"""
from __future__ import annotations

import faulthandler
import functools
import importlib
import os
import signal
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.notebooks.finder import install as install_notebook_finder
from grader.sandbox import codec
from grader.sandbox.confine import confine, python_paths
from grader.sandbox.framing import Channel, ChannelError
from grader.sandbox.limits import Limits
from grader.sandbox.policy import Confinement, SandboxPolicy

__all__ = ["WorkerConfig", "worker_main", "run_worker", "OUTPUT_FILE", "FAULT_FILE"]

OUTPUT_FILE = "output.log"
FAULT_FILE = "fault.log"


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to start: where the submission is, where it may write, its limits,
    the operations module it answers with, and its confinement policy."""

    submission_root: str
    scratch: str
    log_dir: str
    limits: Limits
    ops: str
    sandbox: SandboxPolicy = field(default_factory=SandboxPolicy)

    def to_json(self) -> dict[str, Any]:
        return {"submission_root": self.submission_root, "scratch": self.scratch, "log_dir": self.log_dir,
                "limits": dict(vars(self.limits)), "ops": self.ops, "sandbox": self.sandbox.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "WorkerConfig":
        return cls(submission_root=data["submission_root"], scratch=data["scratch"], log_dir=data["log_dir"],
                   limits=Limits(**data["limits"]), ops=data["ops"],
                   sandbox=SandboxPolicy.from_json(data.get("sandbox", {})))


def run_worker(fd: int, config: dict[str, Any]) -> None:
    """Entry point in the forked child: ``fd`` is its end of the channel to the judge;
    ``config["subreaper"]`` says whether the fork server sweeps orphans."""
    worker_main(Channel.from_fd(fd), WorkerConfig.from_json(config), subreaper=bool(config.get("subreaper")))


def _redirect_output(config: WorkerConfig) -> Any:
    out = os.open(os.path.join(config.log_dir, OUTPUT_FILE), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    fault = open(os.path.join(config.log_dir, FAULT_FILE), "w")  # noqa: SIM115 - lives with the process
    faulthandler.enable(file=fault, all_threads=True)
    faulthandler.register(signal.SIGUSR1, file=fault, all_threads=True, chain=False)
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.close(stdin)
    return fault


def _trace_hard_exit(fault: Any) -> None:
    """Make ``os._exit`` leave a stack trace in the fault log (diagnostics only)."""
    real_exit = os._exit

    def traced_exit(code: int) -> None:
        try:
            fault.write(f"os._exit({code!r}) called\n")
            traceback.print_stack(file=fault)
            fault.flush()
        finally:
            real_exit(code)

    os._exit = traced_exit  # type: ignore[assignment]


def _within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both already resolved).

    Example:
        >>> _within("/a/b/c", "/a/b"), _within("/a/bc", "/a/b"), _within("/a/b", "/a/b")
        (True, False, True)
    """
    folder = folder.rstrip(os.sep) or os.sep
    return path == folder or path.startswith(folder if folder == os.sep else folder + os.sep)


@functools.lru_cache(maxsize=None)
def _realpath(path: str) -> str:
    """``os.path.realpath``, remembered: the fork server resolves its import paths once
    (:func:`resolve_import_paths`), so a worker does not walk hundreds of folders again.

    Example:
        >>> _realpath("/") == os.path.realpath("/")
        True
    """
    return os.path.realpath(path)


def _resolved(entry: str) -> str:
    """The real path of an import path entry; a relative one (``""``: the working folder, which a
    worker changes) is resolved now, an absolute one once per process."""
    return _realpath(entry) if os.path.isabs(entry) else os.path.realpath(entry or ".")


def resolve_import_paths() -> None:
    """Resolve, in the fork server, every folder a worker's :func:`_isolate_python` will look at
    (``sys.path`` and the import finders' cache), before any worker is forked."""
    for entry in (*sys.path, *sys.path_importer_cache):
        _resolved(entry)


def project_entries(entries: list[str], *, project: str, submission: str,
                    interpreter: tuple[str, ...]) -> list[str]:
    """The ``sys.path`` entries a worker must drop: those inside the project folder (it holds
    ``solutions/``, ``mutants/``, the tests), except the submission and the interpreter's own
    folders — a virtual environment created inside the project is the most common layout.

    Example:
        >>> project_entries(["/p", "/p/.venv/lib/python3.11/site-packages", "/p/exercises", "/usr/lib"],
        ...                 project="/p", submission="/p/exercises",
        ...                 interpreter=("/p/.venv/lib/python3.11/site-packages", "/usr/lib"))
        ['/p']
        >>> project_entries(["/home/u/my project/tests"], project="/home/u/my project", submission="/s",
        ...                 interpreter=("/home/u",))  # a Python above the project opens nothing in it
        ['/home/u/my project/tests']
    """
    kept = tuple(p for p in interpreter if not _within(project, p))

    def hidden(entry: str) -> bool:
        real = _resolved(entry)
        return (_within(real, project) and not _within(real, submission)
                and not any(_within(real, p) for p in kept))

    return [p for p in entries if hidden(p)]


def _isolate_python(config: WorkerConfig) -> None:
    """Python-level housekeeping after confinement: temporary files and caches go to the
    scratch directory, no bytecode is written next to the submission, and ``sys.path``
    starts with the submission and leaves out the project folder (it holds ``solutions/``)
    but not the interpreter's own folders inside it (see :func:`project_entries`)."""
    from grader.paths import project_root

    for var in ("TMPDIR", "HOME", "XDG_CACHE_HOME"):
        os.environ[var] = config.scratch
    os.environ.pop("GRADE_SOLUTIONS", None)
    tempfile.tempdir = config.scratch
    sys.dont_write_bytecode = True
    project = str(project_root())
    if os.path.basename(project) in ("site-packages", "dist-packages"):  # a plain install: no solutions there
        sys.path.insert(0, config.submission_root)
        return
    sub = os.path.realpath(config.submission_root)
    interpreter = python_paths()
    removed = project_entries(sys.path, project=project, submission=sub, interpreter=interpreter)
    sys.path[:] = [config.submission_root] + [p for p in sys.path if p not in removed]
    prefixes = tuple({project, *(os.path.abspath(p or ".") for p in removed)})
    cached = [p for p in sys.path_importer_cache if p.startswith(prefixes)]  # string test first: hundreds of folders
    for entry in set(project_entries(cached, project=project, submission=sub, interpreter=interpreter)) | {
            p for p in sys.path_importer_cache if p in removed}:
        del sys.path_importer_cache[entry]  # a finder made in the fork server lists the project folder


def hello(confinement: Confinement, *, subreaper: bool) -> dict[str, Any]:
    """The worker's first answer: what confines it, and its pid.

    Example:
        >>> hello(Confinement(("seccomp: ...",), frozenset({"seccomp"})), subreaper=True)["layers"]
        ['seccomp', 'subreaper']
    """
    if subreaper:
        confinement = Confinement(
            confinement.protections + ("processes it starts die with it (the fork server is a subreaper)",),
            confinement.layers | {"subreaper"}, confinement.problems)
    return {**confinement.to_json(), "pid": os.getpid()}


def worker_main(conn: Channel, config: WorkerConfig, *, subreaper: bool = False) -> None:
    """Entry point of a worker process (runs in the forked child)."""
    ops = importlib.import_module(config.ops)  # preloaded in the fork server
    fault = _redirect_output(config)  # opened before Landlock: the log folder stays out of reach
    cuda_present = getattr(ops, "cuda_present", None)
    confinement = confine(submission=config.submission_root, scratch=config.scratch, limits=config.limits,
                          policy=config.sandbox, cuda=bool(cuda_present and cuda_present()))
    _trace_hard_exit(fault)
    on_confined = getattr(ops, "on_confined", None)
    if on_confined is not None:
        on_confined()
    os.chdir(config.scratch)
    _isolate_python(config)
    install_notebook_finder(config.submission_root)  # after the .py finder: a .py file wins
    sys.argv = ["worker"]
    session = ops.Session(None, Path(config.submission_root))
    conn.send(codec.dumps({"ok": hello(confinement, subreaper=subreaper)}))
    while True:
        try:
            raw = conn.recv(max_size=config.limits.max_message)
        except ChannelError:
            break
        try:
            request = codec.loads(raw)
            answer = session.run(request["op"], request.get("args", {}))
            reply = {"error": answer["error"]} if "error" in answer else {"ok": answer}
            data = codec.dumps(reply)
        except BaseException as exc:  # noqa: BLE001 - report, never die silently
            data = codec.dumps({"internal": "".join(traceback.format_exception(exc))[-4000:]})
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            conn.send(data)
        except ChannelError:
            break
    os._exit(0)
