"""A warm fork server: one process imports torch once, then forks a worker per request.

The judge talks to it over a Unix socket: JSON requests, with the worker's
end of a fresh socket pair passed alongside (SCM_RIGHTS); the server answers
with the child's pid, and later with its exit status. Nothing is pickled.
Children never see the control socket.

Example:
    >>> server = ForkServer()                      # doctest: +SKIP
    >>> pid, conn = server.spawn(config)           # doctest: +SKIP
    >>> server.wait(pid, timeout=5)                # doctest: +SKIP
    0
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["ForkServer", "ForkServerError"]

_HEADER = struct.Struct("!I")
_MAX_CONTROL = 1 << 20


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
    """Judge-side handle on the fork server process."""

    def __init__(self, preload: tuple[str, ...] = ("grader.sandbox.worker", "torch._subclasses.fake_tensor",
                                                   "torch._dynamo")) -> None:
        judge_end, server_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        env["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"  # asking whether CUDA exists must not initialise it
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.forkserver", str(server_end.fileno()), ",".join(preload)],
            pass_fds=(server_end.fileno(),), env=env, stdin=subprocess.DEVNULL, close_fds=True)
        server_end.close()
        self._sock = judge_end
        self._exits: dict[int, int] = {}
        self._ready = False

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

    def spawn(self, config: dict[str, Any]) -> tuple[int, Connection]:
        """Fork a worker running :func:`grader.sandbox.worker.worker_main` with ``config``."""
        self.wait_ready()
        judge_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            _send(self._sock, {"op": "spawn", "config": config}, [worker_end.fileno()])
        finally:
            worker_end.close()
        msg = self._read_until(lambda m: m.get("event") in ("spawned", "spawn_failed"), 30.0)
        if msg is None or msg["event"] != "spawned":
            judge_end.close()
            raise ForkServerError(f"could not start a worker: {msg and msg.get('error')}")
        return int(msg["pid"]), Connection(judge_end.detach())

    def wait(self, pid: int, timeout: float) -> int | None:
        """The worker's exit code (negative: killed by that signal), or None if still running."""
        if pid not in self._exits:
            self._read_until(lambda m: m.get("event") == "exit" and int(m["pid"]) == pid, timeout)
        return self._exits.pop(pid, None)

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
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
    except BaseException as exc:  # noqa: BLE001
        _send(sock, {"event": "failed", "error": f"{type(exc).__name__}: {exc}"})
        return
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _send(sock, {"event": "ready", "pid": os.getpid()})
    while True:
        try:
            ready, _, _ = select.select([sock, wake_r], [], [])
        except InterruptedError:
            ready = []
        if wake_r in ready:
            os.read(wake_r, 4096)
        _reap(sock)
        if sock not in ready:
            continue
        try:
            request, fds = _recv(sock, with_fds=True)
        except (EOFError, OSError):
            return
        if request.get("op") != "spawn" or len(fds) != 1:
            for f in fds:
                os.close(f)
            _send(sock, {"event": "spawn_failed", "error": "malformed request"})
            continue
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake_r)
            os.close(wake_w)
            sock.close()
            code = 1
            try:
                from grader.sandbox.worker import run_worker

                run_worker(fds[0], request["config"])
                code = 0
            finally:
                os._exit(code)
        os.close(fds[0])
        _send(sock, {"event": "spawned", "pid": pid})


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"event": "exit", "pid": pid, "code": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.argv[2].split(","))
