"""A warm fork server: one process imports a track's framework once, then forks a worker per request.

The judge talks to it over a Unix socket: JSON requests, with the worker's
end of a fresh socket pair passed alongside (SCM_RIGHTS); the server answers
with the child's pid, and later with its exit status. Nothing is pickled.
Children never see the control socket.

The server is a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``): a
process that a worker started and that left the worker's process group and
session (``setsid()`` after a double fork) is re-parented to the server, not
to init, when its parent dies. Whenever a worker ends, the server SIGKILLs
every child of its own that is not a live worker, so nothing a submission
started outlives its exercise (seccomp normally forbids new processes
altogether; this is the second line). When the judge goes away, the server
kills every worker and orphan, and removes the scratch and log folders the
judge did not, before it exits.

Example:
    >>> server = ForkServer()                      # doctest: +SKIP
    >>> pid, channel = server.spawn(config)        # doctest: +SKIP
    >>> server.wait(pid, timeout=5)                # doctest: +SKIP
    0
"""
from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from typing import Any, Mapping

from grader.sandbox.framing import Channel
from grader.sandbox.reaping import become_subreaper, kill_group, sweep
from grader.tracks import Track, get_track

__all__ = ["ForkServer", "ForkServerError", "worker_environment"]

_HEADER = struct.Struct("!I")
_MAX_CONTROL = 1 << 20


_ENV_KEPT = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONUSERBASE",
             "PYTHONNOUSERSITE", "LD_LIBRARY_PATH", "VIRTUAL_ENV",
             "CONDA_PREFIX", "CUDA_VISIBLE_DEVICES", "CUDA_HOME", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "OPENBLAS_NUM_THREADS")
_ENV_PREFIXES = ("LC_", "PYTORCH_", "TORCH_", "NVIDIA_", "KMP_", "GOMP_")


def worker_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables the fork server (and so every worker) inherits: what Python, the frameworks
    and the C libraries read, never the judge's other variables (tokens, credentials, paths), which
    a submission could print into its own report.

    Example:
        >>> worker_environment({"PATH": "/bin", "AWS_SECRET_ACCESS_KEY": "x", "LC_ALL": "C"})
        {'PATH': '/bin', 'LC_ALL': 'C'}
    """
    return {k: v for k, v in environ.items() if k in _ENV_KEPT or k.startswith(_ENV_PREFIXES)}


class ForkServerError(RuntimeError):
    """The fork server could not start or stopped answering."""


def _send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    payload = _HEADER.pack(len(data)) + data
    if fds:
        socket.send_fds(sock, [payload], fds)
    else:
        sock.sendall(payload)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("control socket closed")
        buf += chunk
    return buf


def _recv(sock: socket.socket, *, with_fds: bool = False) -> tuple[dict[str, Any], list[int]]:
    fds: list[int] = []
    if with_fds:
        head, fds, _flags, _addr = socket.recv_fds(sock, _HEADER.size, 4)
        if not head:
            raise EOFError("control socket closed")
        head += _recv_exact(sock, _HEADER.size - len(head))
    else:
        head = _recv_exact(sock, _HEADER.size)
    (size,) = _HEADER.unpack(head)
    if size > _MAX_CONTROL:
        raise ForkServerError(f"control message of {size} bytes refused")
    return json.loads(_recv_exact(sock, size)), fds


class ForkServer:
    """Judge-side handle on the fork server process of one track (the PyTorch track unless
    told otherwise): it imports the worker loop, the track's ``preload`` modules and its
    operations module before it forks. It runs the judge's Python, or the track's own
    (:meth:`grader.tracks.Track.executable`: an environment of its own, which holds the worker
    core; the judge's ``PYTHONPATH`` is not passed there)."""

    _proc: "subprocess.Popen[bytes] | None"

    def __init__(self, track: Track | None = None, *, extra: tuple[str, ...] = (),
                 _sock: socket.socket | None = None) -> None:
        self.track = track or get_track()
        self.extra = extra
        self._exits: dict[int, int] = {}
        self._ready, self._proc = False, None
        if _sock is not None:  # a clone (see clone()): its server process is a child of another server
            self._sock = _sock
            return
        preload = ("grader.sandbox.worker", *self.track.preload, self.track.ops, *extra)
        judge_end, server_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = worker_environment(os.environ)
        if self.track.foreign:
            # another interpreter with an environment of its own (which holds the worker core):
            # the judge's paths would bring the judge's packages (its NumPy) into it
            try:
                python = self.track.executable()
            except Exception as exc:  # noqa: BLE001 - the environment could not be found or built
                judge_end.close()
                server_end.close()
                raise ForkServerError(f"no interpreter for the {self.track.name} track: {exc}") from None
            for name in ("PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX"):
                env.pop(name, None)
        else:
            python = sys.executable
            # the grader's own folder (a checkout that is not installed), not the judge's sys.path:
            # that may hold the reference solutions
            grader_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            env["PYTHONPATH"] = os.pathsep.join([grader_parent,
                                                 *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))])
        env.update(self.track.environment)
        self._proc = subprocess.Popen(
            [python, "-m", "grader.sandbox.forkserver", str(server_end.fileno()), ",".join(preload)],
            pass_fds=(server_end.fileno(),), env=env, stdin=subprocess.DEVNULL, close_fds=True)
        server_end.close()
        self._sock = judge_end

    def clone(self) -> "ForkServer":
        """A second server forked from this one (no second framework import) on its own channel, for
        another judge process (:mod:`grader.sandbox.split`); it ends with its channel or this server."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            _send(self._sock, {"op": "clone"}, [theirs.fileno()])
        except OSError as exc:
            mine.close()
            raise ForkServerError(f"the fork server stopped: {exc}") from None
        finally:
            theirs.close()
        return ForkServer(self.track, extra=self.extra, _sock=mine)

    def forget(self) -> None:
        """Close this process's end of the channel without waiting (a forked judge that does not use it)."""
        try:
            self._sock.close()
        except OSError:
            pass

    def _read_until(self, predicate: Any, timeout: float | None) -> dict[str, Any] | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self._sock], [], [], remaining)
            if not ready:
                return None
            try:
                message, _ = _recv(self._sock)
            except (EOFError, OSError) as exc:
                raise ForkServerError(f"the fork server stopped: {exc}") from None
            if message.get("event") == "exit":
                self._exits[int(message["pid"])] = int(message["code"])
            if predicate(message):
                return message

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until the server has imported its modules."""
        if self._ready:
            return
        msg = self._read_until(lambda m: m.get("event") in ("ready", "failed"), timeout)
        if msg is None or msg.get("event") != "ready":
            raise ForkServerError(f"the fork server did not start: {msg and msg.get('error')}")
        self._ready = True

    def spawn(self, config: dict[str, Any]) -> tuple[int, Channel]:
        """Fork a worker running :func:`grader.sandbox.worker.worker_main` with ``config``."""
        self.wait_ready()
        judge_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            _send(self._sock, {"op": "spawn", "config": config}, [worker_end.fileno()])
        except OSError as exc:
            judge_end.close()
            raise ForkServerError(f"the fork server stopped: {exc}") from None
        finally:
            worker_end.close()
        msg = self._read_until(lambda m: m.get("event") in ("spawned", "spawn_failed"), 30.0)
        if msg is None or msg["event"] != "spawned":
            judge_end.close()
            raise ForkServerError(f"could not start a worker: {msg and msg.get('error')}")
        return int(msg["pid"]), Channel(judge_end)

    def wait(self, pid: int, timeout: float) -> int | None:
        """The worker's exit code (negative: killed by that signal), or None if still running."""
        if pid not in self._exits:
            self._read_until(lambda m: m.get("event") == "exit" and int(m["pid"]) == pid, timeout)
        return self._exits.pop(pid, None)

    def close(self) -> None:
        self.forget()
        if self._proc is None:  # a clone: its server ends with the channel
            return
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


# -- server side ----------------------------------------------------------------

def _serve(fd: int, preload: list[str]) -> None:
    sock = socket.socket(fileno=fd)
    try:
        for name in preload:
            if name:
                __import__(name)
        from grader.sandbox.confine import prepare
        from grader.sandbox.worker import resolve_import_paths

        prepare()
        resolve_import_paths()
        gc.freeze()  # workers then never walk (and so copy) the server's objects when they collect
    except BaseException as exc:  # noqa: BLE001
        _send(sock, {"event": "failed", "error": f"{type(exc).__name__}: {exc}"})
        return
    _run_server(sock)


def _run_server(sock: socket.socket) -> None:
    subreaper = become_subreaper()
    workers: set[int] = set()
    folders: dict[int, tuple[str, ...]] = {}  # the judge removes them; if it dies, the server does
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _send(sock, {"event": "ready", "pid": os.getpid()})
    try:
        _loop(sock, wake_r, wake_w, workers, folders, subreaper)
    finally:
        for pid in workers:
            kill_group(pid)
        sweep(set())
        for paths in folders.values():  # the judge went away without cleaning up
            for path in paths:
                shutil.rmtree(path, ignore_errors=True)


def _loop(sock: socket.socket, wake_r: int, wake_w: int, workers: set[int], folders: dict[int, tuple[str, ...]],
          subreaper: bool) -> None:
    while True:
        try:
            ready, _, _ = select.select([sock, wake_r], [], [])
        except InterruptedError:
            ready = []
        if wake_r in ready:
            os.read(wake_r, 4096)
        try:
            _reap(sock, workers)
        except OSError:  # the judge went away (a broken pipe): end quietly, the caller kills what is left
            return
        if sock not in ready:
            continue
        try:
            request, fds = _recv(sock, with_fds=True)
        except (EOFError, OSError, ValueError):
            return
        if request.get("op") == "clone" and len(fds) == 1:
            _clone(sock, wake_r, wake_w, workers, fds[0])
            continue
        if request.get("op") != "spawn" or len(fds) != 1:
            for f in fds:
                os.close(f)
            _send(sock, {"event": "spawn_failed", "error": "malformed request"})
            continue
        config = dict(request["config"], subreaper=subreaper)
        server_pid = os.getpid()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake_r)
            os.close(wake_w)
            sock.close()
            code = 1
            try:
                from grader.sandbox.libc import PR_SET_PDEATHSIG, prctl
                from grader.sandbox.worker import run_worker

                prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # a worker does not outlive its fork server
                if os.getppid() == server_pid:
                    run_worker(fds[0], config)
                code = 0
            finally:
                os._exit(code)
        workers.add(pid)
        for done in [p for p, paths in folders.items() if p not in workers and not any(map(os.path.isdir, paths))]:
            del folders[done]  # the judge cleaned up after it
        folders[pid] = tuple(str(config[k]) for k in ("scratch", "log_dir") if isinstance(config.get(k), str))
        os.close(fds[0])
        _send(sock, {"event": "spawned", "pid": pid})


def _clone(sock: socket.socket, wake_r: int, wake_w: int, workers: set[int], fd: int) -> None:
    """Fork a second server on channel ``fd``; to this one it is a worker (swept and killed at the end)."""
    server_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        signal.set_wakeup_fd(-1)
        os.close(wake_r)
        os.close(wake_w)
        sock.close()
        try:
            from grader.sandbox.libc import PR_SET_PDEATHSIG, prctl

            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() == server_pid:
                _run_server(socket.socket(fileno=fd))  # it says "ready" on its channel
        finally:
            os._exit(0)
    os.close(fd)
    workers.add(pid)


def _reap(sock: socket.socket, workers: set[int]) -> None:
    """Reap every ended child; tell the judge about workers. Any ending (a worker, or an orphan
    whose own children were just re-parented here) is followed by a sweep."""
    reaped = False
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        reaped = True
        if pid in workers:
            workers.discard(pid)
            sweep(workers)  # before the judge hears of the exit: nothing it started survives it
            _send(sock, {"event": "exit", "pid": pid, "code": os.waitstatus_to_exitcode(status)})
    if reaped:
        sweep(workers)


if __name__ == "__main__":
    try:
        _serve(int(sys.argv[1]), sys.argv[2].split(","))
    except (BrokenPipeError, ConnectionError):  # the judge went away (a usage error, Ctrl-C): nothing to say
        pass
    os._exit(0)  # cleaned up above; the framework's interpreter teardown would keep the judge waiting
