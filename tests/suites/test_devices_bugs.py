"""Realistic buggy submissions for every devices exercise.

Each case is a complete student module with one classic mistake; the check
aimed at it must fail with score 0 and feedback naming it, and the unrelated
checks of the same exercise must still pass. GPUs are simulated in the worker
only: grading never changes what the judge's own torch reports.
"""
from __future__ import annotations

from typing import Any, Iterable

import pytest
import torch

from grader.results import RunResult, Status
from tests.conftest import check, expect, text_of

PARAMS = "source, fails, passes"



def case(id: str, source: str, fails: dict[str, Iterable[str]], passes: Iterable[str] = ()) -> Any:
    """One buggy submission: its source, the checks it must fail (with feedback needles), those it must pass."""
    return pytest.param(source, fails, tuple(passes), id=id)


# ---------------------------------------------------------------------------------------------- select

SEL_ID = "devices/select"
ALL_GPUS = """
def try_all_gpus():
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices if devices else [torch.device("cpu")]
"""
TRY_GPU = """
import torch
def try_gpu(i=0):
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")
"""

SEL_CASES = [
    case("try_gpu_ignores_i", """
import torch
def try_gpu(i=0):
    if torch.cuda.is_available():
        return torch.device("cuda:0")
    return torch.device("cpu")
""" + ALL_GPUS, fails={"try_gpu": ["returned device(type='cuda', index=0)", "use the argument"]},
         passes=["try_all_gpus"]),
    case("try_gpu_always_cuda", """
import torch
def try_gpu(i=0):
    return torch.device(f"cuda:{i}")
""" + ALL_GPUS, fails={"try_gpu": ["With 0 GPUs simulated", "expected device(type='cpu')", "There is no GPU here"]},
         passes=["try_all_gpus"]),
    case("try_gpu_off_by_one", """
import torch
def try_gpu(i=0):
    if torch.cuda.device_count() >= i and torch.cuda.is_available():
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")
""" + ALL_GPUS, fails={"try_gpu": ["GPUs are numbered from 0"]}, passes=["try_all_gpus"]),
    case("try_gpu_returns_string", """
import torch
def try_gpu(i=0):
    return f"cuda:{i}" if torch.cuda.device_count() > i else "cpu"
""" + ALL_GPUS, fails={"try_gpu": ["returned 'cpu'", "not a string"]}, passes=["try_all_gpus"]),
    case("all_gpus_empty_without_gpu", TRY_GPU + """
def try_all_gpus():
    return [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
""", fails={"try_all_gpus": ["With 0 GPUs simulated, try_all_gpus() returned []", "not an empty list"]},
         passes=["try_gpu"]),
    case("all_gpus_skips_last", TRY_GPU + """
def try_all_gpus():
    n = torch.cuda.device_count()
    return [torch.device(f"cuda:{i}") for i in range(n - 1)] if n else [torch.device("cpu")]
""", fails={"try_all_gpus": ["With 1 GPU simulated", "one device per GPU"]}, passes=["try_gpu"]),
]


@pytest.mark.parametrize(PARAMS, SEL_CASES)
def test_select_bugs(grade_files, source, fails, passes):
    cuda_before = (torch.cuda.device_count(), torch.cuda.is_available())
    run = grade_files({f"{SEL_ID}.py": source}, SEL_ID)
    expect(run, SEL_ID, fails, passes)
    assert (torch.cuda.device_count(), torch.cuda.is_available()) == cuda_before  # the judge's torch untouched


# ------------------------------------------------------------------------------------------- placement

PL_ID = "devices/placement"
GOOD_POSITIONS = """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device, dtype=X.dtype)
"""
GOOD_TO_DEVICE = """
import torch
from torch import nn
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch
"""
TO_DEVICE_CHECKS = ("to_device", "to_device_input_unchanged")
POSITION_CHECKS = ("add_positions_forward", "add_positions_dtype", "add_positions_device")
HEAD = """
import torch
from torch import nn
"""

PL_CASES = [
    case("tuples_become_lists", HEAD + """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, (list, tuple)):
        return [to_device(v, device) for v in batch]
    return batch
""" + GOOD_POSITIONS, fails={"to_device": ["expected a tuple, got list", "A tuple came back as a list"]},
         passes=("to_device_input_unchanged",) + POSITION_CHECKS),
    case("namedtuples_become_tuples", HEAD + """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, list):
        return [to_device(v, device) for v in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch
""" + GOOD_POSITIONS, fails={"to_device": ["(namedtuple), got tuple", "= namedtuple(", "type(x)(*items)"]},
         passes=("to_device_input_unchanged",) + POSITION_CHECKS),
    case("dicts_not_recursed", HEAD + """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch
""" + GOOD_POSITIONS, fails={"to_device": ["Device mismatch: expected meta, got cpu", "A tensor inside a dict was not "
                                           "moved"]},
         passes=("to_device_input_unchanged",) + POSITION_CHECKS),
    case("ordered_dict_becomes_dict", HEAD + """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch
""" + GOOD_POSITIONS, fails={"to_device": ["expected an OrderedDict, got a dict", "An OrderedDict came back"]},
         passes=("to_device_input_unchanged",) + POSITION_CHECKS),
    case("non_tensors_converted", HEAD + """
def to_device(batch, device):
    if isinstance(batch, dict):
        return type(batch)((k, to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    if isinstance(batch, (int, float)):
        return torch.tensor(batch).to(device)
    return batch.to(device) if isinstance(batch, torch.Tensor) else batch
""" + GOOD_POSITIONS, fails={"to_device": ["got Tensor", "A value that is not a tensor was changed"]},
         passes=("to_device_input_unchanged",) + POSITION_CHECKS),
    case("moves_in_place", HEAD + """
def to_device(batch, device):
    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        for k in batch:
            batch[k] = to_device(batch[k], device)
        return batch
    if isinstance(batch, list):
        for i, v in enumerate(batch):
            batch[i] = to_device(v, device)
        return batch
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(v, device) for v in batch))
    if isinstance(batch, tuple):
        return tuple(to_device(v, device) for v in batch)
    return batch
""" + GOOD_POSITIONS, fails={"to_device_input_unchanged": ["compared `batch` with what it was before",
                                                           "Device mismatch: expected cpu, got meta"]},
         passes=("to_device",) + POSITION_CHECKS),
    case("arange_without_device", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], dtype=X.dtype)
""", fails={"add_positions_device": ["on the meta device raised", "found at least two devices, meta and cpu",
                                     "device=X.device", "net = AddPositions().to('meta')"]},
         passes=TO_DEVICE_CHECKS + ("add_positions_forward", "add_positions_dtype")),
    case("arange_without_dtype", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device)
""", fails={"add_positions_dtype": ["Dtype mismatch: expected int32, got int64", "arange's default dtype"]},
         passes=TO_DEVICE_CHECKS + ("add_positions_forward", "add_positions_device")),
    case("float32_positions", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], device=X.device).float()
""", fails={"add_positions_dtype": ["Dtype mismatch: expected float16, got float32", "are float32 whatever"]},
         passes=TO_DEVICE_CHECKS + ("add_positions_forward", "add_positions_device")),
    case("positions_on_cpu_without_dtype", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1])
""", fails={"add_positions_device": ["meta and cpu"], "add_positions_dtype": ["expected int32, got int64"]},
         passes=TO_DEVICE_CHECKS + ("add_positions_forward",)),
    case("hard_coded_cuda", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(X.shape[-1], dtype=X.dtype, device="cuda")
""", fails={"add_positions_forward": ["raised"], "add_positions_device": ["raised"]},
         passes=TO_DEVICE_CHECKS),
    case("positions_start_at_one", GOOD_TO_DEVICE + """
class AddPositions(nn.Module):
    def forward(self, X):
        return X + torch.arange(1, X.shape[-1] + 1, device=X.device, dtype=X.dtype)
""", fails={"add_positions_forward": ["Tensors are not close!"], "add_positions_dtype": ["not close"]},
         passes=TO_DEVICE_CHECKS + ("add_positions_device",)),
]


@pytest.mark.parametrize(PARAMS, PL_CASES)
def test_placement_bugs(grade_files, source, fails, passes):
    run = grade_files({f"{PL_ID}.py": source}, PL_ID)
    expect(run, PL_ID, fails, passes)
