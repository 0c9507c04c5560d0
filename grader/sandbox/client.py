"""The judge's side of the boundary: a warm fork server and the workers it starts.

Example:
    >>> pool = WorkerPool()                                  # doctest: +SKIP
    >>> with pool.start(submission_root=root, limits=Limits()) as w:  # doctest: +SKIP
    ...     w.request("import", module="model_construction.mlp")

(skipped: it starts worker processes). A pool starts its fork server only when first needed:
    >>> with WorkerPool() as pool:
    ...     pool.track.name, pool._server is None
    ('pytorch', True)
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.sandbox import codec
from grader.sandbox import scratch as scratch_ops
from grader.sandbox.forkserver import ForkServer, ForkServerError
from grader.sandbox.framing import ChannelClosed, ChannelError, ChannelTimeout
from grader.sandbox.limits import Limits
from grader.sandbox.policy import Confinement, SandboxPolicy, SandboxUnavailable
from grader.sandbox.errors import GraderFault, StudentError, WorkerDied, unhandled_object_error
from grader.sandbox.logs import parse_fault_frames, read_head, read_truncated, where as last_seen
from grader.sandbox.worker import FAULT_FILE, OUTPUT_FILE, WorkerConfig
from grader.tracks import Track, get_track

__all__ = ["WorkerPool", "Worker", "WorkerDied", "StudentError", "GraderFault", "SandboxUnavailable"]

_SIGNAL_NAMES = {
    signal.SIGSEGV: "segmentation fault (SIGSEGV)", signal.SIGKILL: "killed (SIGKILL)",
    signal.SIGABRT: "aborted (SIGABRT)", signal.SIGBUS: "bus error (SIGBUS)",
    signal.SIGFPE: "floating-point exception (SIGFPE)", signal.SIGXCPU: "CPU time limit exceeded (SIGXCPU)",
    signal.SIGXFSZ: "file size limit exceeded (SIGXFSZ)", signal.SIGTERM: "terminated (SIGTERM)",
    signal.SIGILL: "illegal instruction (SIGILL)",
}


class WorkerPool:
    """Owns a fork server that has imported a track's framework once; starts confined workers.

    The track is the server's, else ``track``, else the PyTorch track; the pool imports its
    judge-side modules (:meth:`grader.tracks.Track.load`: the array codec that decodes its
    workers' answers, its judge-side scratch operations)."""

    def __init__(self, server: ForkServer | None = None, track: Track | None = None, *,
                 extra: tuple[str, ...] = ()) -> None:
        self._server = server
        self.track = server.track if server is not None else track or get_track()
        self.extra = server.extra if server is not None else extra  # preloaded besides the track's
        self.track.load()
        self.start_costs: list[float] = []

    def warm_up(self) -> None:
        """Start the fork server now (it imports the framework while the judge does other work)."""
        if self._server is None:
            self._server = ForkServer(self.track, extra=self.extra)

    def split(self) -> "WorkerPool":
        """A pool on a clone of this pool's fork server, for a forked judge (:mod:`grader.sandbox.split`)."""
        self.warm_up()
        assert self._server is not None
        return WorkerPool(self._server.clone())

    def forget(self) -> None:
        """Drop this process's end of the fork server's channel without waiting (after a fork)."""
        if self._server is not None:
            self._server.forget()
            self._server = None

    def start(self, *, submission_root: Path, limits: Limits,
              sandbox: SandboxPolicy = SandboxPolicy()) -> "Worker":
        """Start a confined worker for ``submission_root``. Raises GraderFault when no worker
        can be started, SandboxUnavailable when ``sandbox.require`` and a layer is missing."""
        t0 = time.perf_counter()
        self.warm_up()
        scratch = Path(tempfile.mkdtemp(prefix="grade-scratch-"))
        log_dir = Path(tempfile.mkdtemp(prefix="grade-log-"))
        config = WorkerConfig(submission_root=str(Path(submission_root).resolve()), scratch=str(scratch),
                              log_dir=str(log_dir), limits=limits, ops=self.track.ops, sandbox=sandbox)
        try:
            pid, conn = self._spawn(config)
        except ForkServerError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.rmtree(log_dir, ignore_errors=True)
            raise GraderFault(str(exc)) from None
        assert self._server is not None
        worker = Worker(pid, self._server, conn, config, scratch=scratch, log_dir=log_dir)
        try:
            worker.confinement = Confinement.from_json(worker.request("__hello__"))
        except BaseException:
            worker.close()
            raise
        missing = sandbox.missing(worker.confinement)
        if missing:
            worker.close()
            raise SandboxUnavailable(missing, "; ".join(worker.confinement.problems))
        self.start_costs.append(time.perf_counter() - t0)
        return worker

    def _spawn(self, config: WorkerConfig) -> tuple[int, Any]:
        """Fork a worker; a fork server that died (it never runs student code, but a machine
        may kill it) is replaced once."""
        assert self._server is not None
        try:
            return self._server.spawn(config.to_json())
        except ForkServerError:
            self._server.close()
            self._server = ForkServer(self.track, extra=self.extra)
            return self._server.spawn(config.to_json())

    def check_sandbox(self, sandbox: SandboxPolicy) -> Confinement:
        """Start one worker on an empty submission and return what confines it; raises
        SandboxUnavailable when ``sandbox.require`` and a required layer is missing.

        Example:
            >>> WorkerPool().check_sandbox(SandboxPolicy(require=True)).layers  # doctest: +SKIP
            frozenset({'landlock', 'seccomp', 'network namespace', ...})
        """
        empty = Path(tempfile.mkdtemp(prefix="grade-probe-"))
        try:
            with self.start(submission_root=empty, limits=Limits(timeout=30), sandbox=sandbox) as worker:
                return worker.confinement
        finally:
            shutil.rmtree(empty, ignore_errors=True)

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
    """One running worker. Each request waits at most until the exercise's deadline.

    Facts about files in the scratch directory (``exists``, ``listdir``, ``remove``,
    ``plant_pickles``) are established by the judge itself (:mod:`grader.sandbox.scratch`),
    and ``safe_load`` runs in a reader worker that never imports student code: a submission
    that replaces the grader's functions inside its worker cannot change them. While it
    waits, the judge also watches the disk used by the scratch and log folders.
    """

    _QUOTA_EVERY = 0.25

    def __init__(self, pid: int, server: ForkServer, conn: Any, config: WorkerConfig, *, scratch: Path,
                 log_dir: Path, owns_scratch: bool = True, extra_dirs: tuple[Path, ...] = (),
                 reader: bool = False) -> None:
        self.pid = pid
        self.server = server
        self.exitcode: int | None = None
        self.conn = conn
        self.config = config
        self.scratch = scratch
        self.log_dir = log_dir
        self.deadline = time.monotonic() + config.limits.timeout
        self.confinement = Confinement()
        self.dead: WorkerDied | None = None
        self._owns_scratch = owns_scratch
        self._extra_dirs = extra_dirs
        self._reader = reader  # a fresh worker that only reads files: it runs safe_load itself
        self._reader_worker: Worker | None = None  # this worker's reader, once it read a file
        self._quota_checked = time.monotonic()

    @property
    def protections(self) -> tuple[str, ...]:
        """Readable descriptions of the protections active in this worker."""
        return self.confinement.protections

    # -- requests ---------------------------------------------------------
    def request(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one request; returns the answer. Raises StudentError, WorkerDied or GraderFault.

        Sending and receiving both end at the exercise's deadline, whatever the worker does
        (stops reading, sends half a frame, announces a huge one)."""
        if self.dead is not None:
            raise self.dead
        if op in scratch_ops.JUDGE_SIDE_OPS:
            try:
                return scratch_ops.run_op(self.scratch, op, args)
            except OSError as exc:  # e.g. a file recreated by a student thread while the judge wrote
                self.kill()
                self.dead = WorkerDied(f"the submission interfered with the grader's files in its scratch "
                                       f"directory ({exc.strerror or exc}): the exercise ends here.")
                raise self.dead from None
        if op == "safe_load" and not self._reader:
            return self._trusted_safe_load(str(args["path"]))
        if time.monotonic() - self._quota_checked > self._QUOTA_EVERY:
            self._check_disk(op)
        try:
            if op != "__hello__":
                self.conn.send(codec.dumps({"op": op, "args": args}), deadline=self.deadline)
            while not self.conn.poll(min(self._QUOTA_EVERY, max(0.0, self.deadline - time.monotonic()))):
                if time.monotonic() >= self.deadline:
                    raise ChannelTimeout("no answer")
                self._check_disk(op)
            raw = self.conn.recv(deadline=self.deadline, max_size=self.config.limits.max_message)
        except ChannelTimeout:
            raise self._timeout(op) from None
        except ChannelClosed:
            raise self._died(f"while running {_stage(op)}") from None
        except ChannelError as exc:
            raise self._broke_protocol(op, str(exc)) from None
        try:
            reply = codec.loads(raw)
        except codec.CodecError as exc:
            raise self._broke_protocol(op, str(exc)) from None
        if not isinstance(reply, dict):
            raise self._broke_protocol(op, f"an answer of type {type(reply).__name__}")
        if "ok" in reply and isinstance(reply["ok"], dict):
            return reply["ok"]
        if "error" in reply and isinstance(reply["error"], dict):
            raise StudentError(reply["error"])
        if "internal" in reply:  # the worker's grader code failed on the student's object: the student's
            raise StudentError(unhandled_object_error(op, str(reply["internal"])))  # (the reference passed)
        raise self._broke_protocol(op, f"an answer with keys {sorted(map(str, reply))[:5]}")

    def _check_disk(self, op: str) -> None:
        """Kill the worker when its scratch and log folders exceed the disk quota."""
        self._quota_checked = time.monotonic()
        limits = self.config.limits
        used = scratch_ops.usage([self.scratch, self.log_dir], limit_entries=limits.max_disk_entries + 1)
        if used.bytes <= limits.max_disk and used.entries <= limits.max_disk_entries:
            return
        self.kill()
        self.dead = WorkerDied(
            f"disk quota exceeded while running {_stage(op)}: the exercise's scratch folder may hold at most "
            f"{limits.max_disk // 1024**2} MiB in {limits.max_disk_entries} files (it held "
            f"{used.bytes // 1024**2} MiB in {used.entries} files).")
        raise self.dead

    def _trusted_safe_load(self, path: str) -> dict[str, Any]:
        """The track's ``safe_load`` (PyTorch: ``torch.load(path, weights_only=True)``) of a file in the
        scratch directory, in an equally confined reader worker that never imports student code. One
        reader, started at the first read, serves the exercise's reads; one that died is replaced."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout("safe_load")
        if self._reader_worker is None or self._reader_worker.dead is not None:
            if self._reader_worker is not None:
                self._reader_worker.close()
            self._reader_worker = self._start_reader(remaining)
        try:
            return self._reader_worker.request("safe_load", path=path)
        except WorkerDied as died:
            return {"value": None, "problem": f"reading the file ended the reader process: {died.message}"}

    def _start_reader(self, remaining: float) -> "Worker":
        empty = Path(tempfile.mkdtemp(prefix="grade-reader-"))
        log_dir = Path(tempfile.mkdtemp(prefix="grade-log-"))
        config = WorkerConfig(submission_root=str(empty), scratch=str(self.scratch), log_dir=str(log_dir),
                              limits=replace(self.config.limits, timeout=remaining), ops=self.config.ops,
                              sandbox=replace(self.config.sandbox, require=False))
        try:
            pid, conn = self.server.spawn(config.to_json())
        except ForkServerError as exc:
            shutil.rmtree(empty, ignore_errors=True)
            shutil.rmtree(log_dir, ignore_errors=True)
            raise GraderFault(f"could not start a reader process: {exc}") from None
        reader = Worker(pid, self.server, conn, config, scratch=self.scratch, log_dir=log_dir, owns_scratch=False,
                        extra_dirs=(empty,), reader=True)
        try:
            reader.request("__hello__")
        except WorkerDied:
            pass  # said by the read that follows
        return reader

    def _broke_protocol(self, op: str, detail: str) -> WorkerDied:
        """The worker sent something the grader's worker code never sends: it is not trusted
        any more (student code wrote to the channel or replaced the grader's functions)."""
        self.kill()
        self.dead = WorkerDied(
            f"the worker broke the judge–worker protocol while running {_stage(op)} ({detail[:300]}): the grader's "
            f"own worker code never sends that, so the submission wrote to the grader's channel or replaced the "
            f"grader's functions. The exercise ends here.")
        return self.dead

    def _timeout(self, op: str) -> WorkerDied:
        try:
            os.kill(self.pid, signal.SIGUSR1)  # faulthandler dumps the stack
            time.sleep(0.2)
        except OSError:
            pass
        self.kill()
        frames = self._fault_frames()
        where = last_seen(frames)
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
        self.dead = WorkerDied(f"the worker process ended {when}: {exit_.description}{last_seen(frames)}",
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
        return read_head(self.log_dir / FAULT_FILE, 64 * 1024)

    def _fault_frames(self) -> list[dict[str, Any]]:
        return parse_fault_frames(self.fault_log(), self.config.submission_root)

    def output(self) -> str:
        """What student code printed, truncated to the configured size."""
        return read_truncated(self.log_dir / OUTPUT_FILE, self.config.limits.max_output)

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
        if self._reader_worker is not None:
            self._reader_worker.close()
            self._reader_worker = None
        try:
            self.conn.close()
        except OSError:
            pass
        self.kill()
        if self._owns_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        for folder in (self.log_dir, *self._extra_dirs):
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _stage(op: str) -> str:
    return {"import": "the import of the student's module", "build": "the constructor",
            "forward": "forward", "backward": "forward/backward", "value": "the student's function",
            "__hello__": "worker start-up"}.get(op, op)
