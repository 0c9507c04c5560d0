"""The Device check kind's CUDA branch, tested without a GPU.

The branch runs only where the worker reports CUDA *and* a module the grader
builds runs there. Here a fake worker runs requests in-process on a module,
answers ``cuda_available`` as told, and runs ``forward_on(device='cuda')`` on
the CPU (reporting the output on ``cuda:0``), so the branch's logic — when it
is taken, what it compares, what it says — is exercised for real.
"""
from __future__ import annotations

import textwrap
import types
from typing import Any

import pytest
import torch

from grader.catalog import find
from grader.checks.base import CheckContext, Failure
from grader.tracks.pytorch.checks.device import Device, cuda_usable, device_hints
from grader.tracks.pytorch.checks.draw import cases, width
from grader.engine import References
from grader.sandbox import codec
from grader.sandbox.client import StudentError
from grader.sandbox.limits import Limits
from grader.tracks.pytorch.worker.ops import Session
from grader.tracks.pytorch.worker.specs import ex
from tests.conftest import ROOT

GOOD = """
import torch
from torch import nn
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device, dtype=X.dtype)
"""
OFF_BY_ONE = GOOD.replace("torch.arange(X.shape[-1],", "1 + torch.arange(X.shape[-1],")
TO_CPU = GOOD.replace("return X + ", "return (X + ").replace("dtype=X.dtype)", "dtype=X.dtype)).cpu()")


class FakeCudaWorker:
    """In-process stand-in for a worker on a machine with (or without) a usable GPU."""

    def __init__(self, source: str, *, available: bool, usable: bool = True, report: str = "cuda:0") -> None:
        module = types.ModuleType("devices.placement")
        exec(compile(textwrap.dedent(source), "placement.py", "exec"), module.__dict__)  # noqa: S102 - test code
        self.session = Session(module, root=None)
        self.available, self.usable, self.report = available, usable, report
        self.devices: list[str] = []

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        if op == "cuda_available":
            return {"available": self.available, "count": int(self.available)}
        if op == "forward_on":
            self.devices.append(args.get("device", "meta"))
            if args.get("device") == "cuda":
                if not self.usable:
                    raise StudentError({"type": "RuntimeError", "message": "CUDA error: initialization error",
                                        "frames": []})
                answer = self._run(op, {**args, "device": "cpu"})
                answer["output"]["device"] = self.report
                return answer
        return self._run(op, args)

    def _run(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        answer = self.session.run(op, args)
        if "error" in answer:
            raise StudentError(answer["error"])
        return codec.decode(codec.encode(answer))


CHECK = Device(build=lambda c: ex.AddPositions(), inputs=lambda c: [((2, c["n"]), "float32")],
               cases=cases(n=width(1, 5)), max_examples=3)


def context(worker: Any, tmp_path: Any) -> CheckContext:
    reference = References(ROOT / "solutions").runner(find("devices/placement"))
    return CheckContext(exercise="devices/placement", module="devices.placement", student=worker,
                        reference=reference, seed=3, submission_root=tmp_path)


def test_cuda_branch_runs_and_passes_a_correct_module(tmp_path):
    worker = FakeCudaWorker(GOOD, available=True)
    CHECK.run(context(worker, tmp_path))
    assert "meta" in worker.devices and worker.devices.count("cuda") > 1  # the probe, then every case


def test_cuda_branch_compares_values_with_the_reference_on_the_cpu(tmp_path):
    worker = FakeCudaWorker(OFF_BY_ONE, available=True)
    with pytest.raises(Failure) as failed:
        CHECK.run(context(worker, tmp_path))
    assert "on cuda and compared the output with the reference's on the CPU" in failed.value.feedback
    assert "Tensors are not close!" in failed.value.feedback
    assert "net = AddPositions().to('cuda')" in failed.value.case


def test_without_cuda_only_meta_runs(tmp_path):
    worker = FakeCudaWorker(OFF_BY_ONE, available=False)
    CHECK.run(context(worker, tmp_path))  # meta sees shapes and dtypes only: the wrong values pass here
    assert set(worker.devices) == {"meta"}


def test_cuda_reported_but_unusable_is_skipped_not_blamed(tmp_path):
    worker = FakeCudaWorker(GOOD, available=True, usable=False)
    CHECK.run(context(worker, tmp_path))
    assert worker.devices.count("cuda") == 1  # the probe only


def test_an_output_left_on_another_device_fails(tmp_path):
    worker = FakeCudaWorker(GOOD, available=True, report="cpu")
    with pytest.raises(Failure) as failed:
        CHECK.run(context(worker, tmp_path))
    assert "The output is on cpu, expected cuda." in failed.value.feedback


def test_meta_catches_an_output_moved_to_the_cpu(tmp_path):
    worker = FakeCudaWorker(TO_CPU, available=False)
    with pytest.raises(Failure) as failed:
        CHECK.run(context(worker, tmp_path))
    assert "device: expected meta, got cpu" in failed.value.feedback


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: the suites run the branch for real")
def test_a_real_worker_without_cuda_skips_the_branch(pool, tmp_path):
    with pool.start(submission_root=tmp_path, limits=Limits()) as worker:
        assert cuda_usable(context(worker, tmp_path)) is False


@pytest.mark.parametrize("message, device, needle", [
    ("Expected all tensors to be on the same device, but found at least two devices, meta and cpu!", "meta",
     "is on the CPU while the input is on meta"),
    ("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", "cuda",
     "is on the CPU while the input is on cuda"),
    ("Expected all tensors to be on the same device, but found at least two devices, meta and cuda:0!", "meta",
     "`'cuda'`"),
    ("Cannot copy out of meta tensor; no data!", "meta", "no host values"),
])
def test_device_hints(message, device, needle):
    assert any(needle in h for h in device_hints(message, device))
