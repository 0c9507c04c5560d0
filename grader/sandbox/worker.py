"""The worker: the only process that imports and runs student code.

Started from a warm fork server (torch already imported), it confines itself,
then answers the judge's requests one at a time over a pipe. Requests and
answers are JSON (:mod:`grader.sandbox.codec`); nothing is unpickled on the
judge's side.
"""
from __future__ import annotations

import faulthandler
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch  # noqa: F401 - preloaded in the fork server

from grader.sandbox import codec
from grader.sandbox.limits import Limits, apply_limits
from grader.sandbox.ops import Session

__all__ = ["WorkerConfig", "worker_main", "run_worker", "OUTPUT_FILE", "FAULT_FILE"]

OUTPUT_FILE = "output.log"
FAULT_FILE = "fault.log"


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to start: where the submission is, where it may write."""

    submission_root: str
    scratch: str
    log_dir: str
    limits: Limits

    def to_json(self) -> dict[str, Any]:
        return {"submission_root": self.submission_root, "scratch": self.scratch, "log_dir": self.log_dir,
                "limits": dict(vars(self.limits))}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "WorkerConfig":
        return cls(submission_root=data["submission_root"], scratch=data["scratch"], log_dir=data["log_dir"],
                   limits=Limits(**data["limits"]))


def run_worker(fd: int, config: dict[str, Any]) -> None:
    """Entry point in the forked child: ``fd`` is its end of the channel to the judge."""
    from multiprocessing.connection import Connection

    worker_main(Connection(fd), WorkerConfig.from_json(config))


def _confine(config: WorkerConfig) -> list[str]:
    protections = []
    try:
        os.setsid()
        protections.append("own session and process group (killed as a group)")
    except OSError:
        pass
    protections += apply_limits(config.limits, address_space=not _cuda_present())
    return protections


def _cuda_present() -> bool:
    """Whether CUDA is there (NVML check, no initialisation): its driver maps far more
    address space than any limit we could set, so RLIMIT_AS is left off then."""
    return torch.version.cuda is not None and torch.cuda.is_available()


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


def worker_main(conn: Any, config: WorkerConfig) -> None:
    """Entry point of a worker process (runs in the forked child)."""
    protections = _confine(config)
    fault = _redirect_output(config)
    _trace_hard_exit(fault)
    torch.set_num_threads(1)
    os.chdir(config.scratch)
    sys.path.insert(0, config.submission_root)
    sys.argv = ["worker"]
    session = Session(None, Path(config.submission_root))
    conn.send_bytes(codec.dumps({"ok": {"protections": protections, "pid": os.getpid()}}))
    while True:
        try:
            raw = conn.recv_bytes()
        except (EOFError, OSError):
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
            conn.send_bytes(data)
        except (OSError, ValueError):
            break
    os._exit(0)
