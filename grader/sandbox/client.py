"""The judge's side of the boundary: a warm fork server and the workers it starts.

Example:
    >>> pool = WorkerPool()                                  # doctest: +SKIP
    >>> with pool.start(submission_root=root, limits=Limits()) as w:  # doctest: +SKIP
    ...     w.request("import", module="model_construction.mlp")
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox import codec
from grader.sandbox.forkserver import ForkServer, ForkServerError
from grader.sandbox.limits import Limits
from grader.sandbox.worker import FAULT_FILE, OUTPUT_FILE, WorkerConfig

__all__ = ["WorkerPool", "Worker", "WorkerDied", "StudentError", "GraderFault"]

_SIGNAL_NAMES = {
    signal.SIGSEGV: "segmentation fault (SIGSEGV)", signal.SIGKILL: "killed (SIGKILL)",
    signal.SIGABRT: "aborted (SIGABRT)", signal.SIGBUS: "bus error (SIGBUS)",
    signal.SIGFPE: "floating-point exception (SIGFPE)", signal.SIGXCPU: "CPU time limit exceeded (SIGXCPU)",
    signal.SIGXFSZ: "file size limit exceeded (SIGXFSZ)", signal.SIGTERM: "terminated (SIGTERM)",
    signal.SIGILL: "illegal instruction (SIGILL)",
}


class WorkerDied(Exception):
    """The worker ended (crash, exit, timeout); the exercise ends with this message."""

    def __init__(self, message: str, *, frames: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.frames = frames or []


class StudentError(Exception):
    """Student code raised an exception while the worker ran an operation."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(f"{info.get('type')}: {info.get('message')}")
        self.info = info

    @property
    def type(self) -> str:
        return str(self.info.get("type", "Exception"))

    @property
    def message(self) -> str:
        return str(self.info.get("message", ""))

    @property
    def frames(self) -> list[dict[str, Any]]:
        return list(self.info.get("frames", []))


class GraderFault(Exception):
    """The grader itself went wrong (never the student's fault)."""


class WorkerPool:
    """Owns a fork server that has imported torch once; starts confined workers."""

    def __init__(self, server: ForkServer | None = None) -> None:
        self._server = server
        self.start_costs: list[float] = []

    def warm_up(self) -> None:
        """Start the fork server now (it imports torch while the judge does other work)."""
        if self._server is None:
            self._server = ForkServer()

    def start(self, *, submission_root: Path, limits: Limits) -> "Worker":
        t0 = time.perf_counter()
        self.warm_up()
        assert self._server is not None
        scratch = Path(tempfile.mkdtemp(prefix="grade-scratch-"))
        log_dir = Path(tempfile.mkdtemp(prefix="grade-log-"))
        config = WorkerConfig(submission_root=str(Path(submission_root).resolve()),
                              scratch=str(scratch), log_dir=str(log_dir), limits=limits)
        try:
            pid, conn = self._server.spawn(config.to_json())
        except ForkServerError as exc:
            raise GraderFault(str(exc)) from None
        worker = Worker(pid, self._server, conn, config, scratch=scratch, log_dir=log_dir)
        hello = worker.request("__hello__")
        worker.protections = tuple(hello.get("protections", ()))
        self.start_costs.append(time.perf_counter() - t0)
        return worker

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


@dataclass
class _Exit:
    code: int | None
    description: str


class Worker:
    """One running worker. Each request waits at most until the exercise's deadline."""

    def __init__(self, pid: int, server: ForkServer, conn: Any, config: WorkerConfig, *, scratch: Path,
                 log_dir: Path) -> None:
        self.pid = pid
        self.server = server
        self.exitcode: int | None = None
        self.conn = conn
        self.config = config
        self.scratch = scratch
        self.log_dir = log_dir
        self.deadline = time.monotonic() + config.limits.timeout
        self.protections: tuple[str, ...] = ()
        self.dead: WorkerDied | None = None
        self._hello_pending = True

    # -- requests ---------------------------------------------------------
    def request(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one request; returns the answer. Raises StudentError, WorkerDied or GraderFault."""
        if self.dead is not None:
            raise self.dead
        if op != "__hello__":
            try:
                self.conn.send_bytes(codec.dumps({"op": op, "args": args}))
            except (OSError, ValueError):
                raise self._died(f"while sending {op!r}") from None
        remaining = self.deadline - time.monotonic()
        try:
            ready = remaining > 0 and self.conn.poll(remaining)
        except (OSError, EOFError):
            ready = True
        if not ready:
            raise self._timeout(op)
        try:
            raw = self.conn.recv_bytes(self.config.limits.max_message)
        except (EOFError, OSError):
            raise self._died(f"while running {_stage(op)}") from None
        try:
            reply = codec.loads(raw)
        except codec.CodecError as exc:
            raise GraderFault(f"the worker sent a malformed answer to {op!r}: {exc}") from None
        if not isinstance(reply, dict):
            raise GraderFault(f"the worker sent a malformed answer to {op!r}")
        if "ok" in reply:
            return reply["ok"]
        if "error" in reply:
            raise StudentError(reply["error"])
        raise GraderFault(f"the worker failed inside the grader running {op!r}:\n{reply.get('internal', '')}")

    def _timeout(self, op: str) -> WorkerDied:
        try:
            os.kill(self.pid, signal.SIGUSR1)  # faulthandler dumps the stack
            time.sleep(0.2)
        except OSError:
            pass
        self.kill()
        frames = self._fault_frames()
        where = _where(frames)
        self.dead = WorkerDied(
            f"time limit exceeded: the exercise did not finish within {self.config.limits.timeout:g} s "
            f"(while running {_stage(op)}){where}. Look for an infinite loop or a very slow computation.",
            frames=frames)
        return self.dead

    def _died(self, when: str) -> WorkerDied:
        self._join(2.0)
        exit_ = self._exit()
        self.kill()
        frames = self._fault_frames()
        self.dead = WorkerDied(f"the worker process ended {when}: {exit_.description}{_where(frames)}",
                               frames=frames)
        return self.dead

    def _exit(self) -> _Exit:
        code = self.exitcode
        if code is None:
            return _Exit(None, "it closed its channel to the grader")
        if code < 0:
            name = _SIGNAL_NAMES.get(-code, signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else f"signal {-code}")
            hint = ""
            if -code == signal.SIGKILL:
                hint = " — possibly the memory limit"
            return _Exit(code, f"killed by {name}{hint}")
        fault = self.fault_log()
        if "os._exit(" in fault:
            return _Exit(code, f"os._exit({code}) was called (exit status {code})")
        return _Exit(code, f"it exited with status {code} (sys.exit or os._exit in student code?)")

    # -- diagnostics ------------------------------------------------------
    def fault_log(self) -> str:
        return _read_head(self.log_dir / FAULT_FILE, 64 * 1024)

    def _fault_frames(self) -> list[dict[str, Any]]:
        return parse_fault_frames(self.fault_log(), self.config.submission_root)

    def output(self) -> str:
        """What student code printed, truncated to the configured size."""
        return _read_truncated(self.log_dir / OUTPUT_FILE, self.config.limits.max_output)

    # -- lifetime ---------------------------------------------------------
    def kill(self) -> None:
        """SIGKILL the worker's whole process group (everything it spawned)."""
        pid = self.pid
        if self.exitcode is not None:
            return
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError, OSError):
                pass
        self._join(5.0)

    def _join(self, timeout: float) -> None:
        if self.exitcode is None:
            try:
                self.exitcode = self.server.wait(self.pid, timeout)
            except ForkServerError:
                pass

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        self.kill()
        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _stage(op: str) -> str:
    return {"import": "the import of the student's module", "build": "the constructor",
            "forward": "forward", "backward": "forward/backward", "value": "the student's function",
            "__hello__": "worker start-up"}.get(op, op)


_FRAME_RE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)(?: in (?P<fn>\S+))?')


def parse_fault_frames(text: str, submission_root: str) -> list[dict[str, Any]]:
    """Frames of the student's files in a faulthandler / traceback dump (innermost last)."""
    root = os.path.realpath(submission_root)
    frames = []
    blocks = text.split("\n\n")
    block = next((b for b in blocks if "most recent call first" in b and "Current thread" in b), text)
    for m in _FRAME_RE.finditer(block):
        path = os.path.realpath(m.group("file"))
        if path.startswith(root + os.sep):
            frames.append({"file": os.path.relpath(path, root), "line": int(m.group("line")),
                           "function": m.group("fn") or "", "in_submission": True})
    if "most recent call first" in block:
        frames.reverse()
    return frames


def _where(frames: list[dict[str, Any]]) -> str:
    if not frames:
        return ""
    f = frames[-1]
    return f" — last seen at {f['file']}:{f['line']}"


def _read_head(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _read_truncated(path: Path, limit: int) -> str:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            if size <= limit:
                return fh.read().decode("utf-8", "replace")
            head = fh.read(limit * 3 // 4).decode("utf-8", "replace")
            fh.seek(size - limit // 4)
            tail = fh.read().decode("utf-8", "replace")
        return f"{head}\n… [{size - limit} bytes of output omitted] …\n{tail}"
    except OSError:
        return ""
