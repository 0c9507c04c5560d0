"""Realistic buggy submissions for every read_write exercise.

Each case is a complete student module with one classic mistake. The test
asserts that the check aimed at that mistake fails with score 0 and feedback
that names it, and that the checks of the same exercise that have nothing to do
with it still pass (no double jeopardy). Unsafe loaders are also graded with
``torch.load`` and ``pickle`` disabled in the judge: the judge never unpickles
anything a submission wrote, and the marker a planted pickle creates never
leaves the worker's scratch directory.
"""
from __future__ import annotations

import pickle
import tempfile
from pathlib import Path
from typing import Any, Iterable

import pytest
import torch

from grader.results import RunResult, Status
from tests.conftest import check, expect, text_of

PARAMS = "source, fails, passes"



def case(id: str, source: str, fails: dict[str, Iterable[str]], passes: Iterable[str] = ()) -> Any:
    """One buggy submission: its source, the checks it must fail (with feedback needles), those it must pass."""
    return pytest.param(source, fails, tuple(passes), id=id)


# ------------------------------------------------------------------------------------------ tensor_io

IO_ID = "read_write/tensor_io"
SAFE_HINT = "torch.load(path, weights_only=True)"
RAN = "ran code stored in the file"

IO_CASES = [
    case("load_weights_only_false", """
import torch
def save(obj, path):
    torch.save(obj, path)
def load(path):
    return torch.load(path, weights_only=False)
""", fails={"load_refuses_code": [RAN, "load('planted_pt.pt')", SAFE_HINT]},
         passes=["roundtrip", "torch_load_readable"]),
    case("pickle_dump_and_load", """
import pickle
def save(obj, path):
    with open(path, "wb") as f:
        pickle.dump(obj, f)
def load(path):
    with open(path, "rb") as f:
        return pickle.load(f)
""", fails={"torch_load_readable": ["could not read the file that save wrote", "weights-only load failed",
                                   "torch.save(obj, path)"],
            "load_refuses_code": [RAN, "load('planted_pkl.pkl')", SAFE_HINT]},
         passes=["roundtrip"]),
    case("tolist_drops_dtype", """
import torch
def save(obj, path):
    if isinstance(obj, torch.Tensor):
        data = obj.tolist()
    elif isinstance(obj, list):
        data = [t.tolist() for t in obj]
    else:
        data = {k: v.tolist() for k, v in obj.items()}
    torch.save(data, path)
def load(path):
    data = torch.load(path, weights_only=True)
    if isinstance(data, dict):
        return {k: torch.tensor(v) for k, v in data.items()}
    if isinstance(data, list) and data and isinstance(data[0], list):
        return [torch.tensor(v) for v in data]
    return torch.tensor(data)
""", fails={"roundtrip": ["Saved `obj` with your `save`", "back = load('tensor_io.pt')"],
            "torch_load_readable": ["where `obj` had a tensor"]},
         passes=["load_refuses_code"]),
    case("float_cast_on_save", """
import torch
def save(obj, path):
    if isinstance(obj, torch.Tensor):
        obj = obj.float()
    elif isinstance(obj, list):
        obj = [t.float() for t in obj]
    else:
        obj = {k: v.float() for k, v in obj.items()}
    torch.save(obj, path)
def load(path):
    return torch.load(path, weights_only=True)
""", fails={"roundtrip": ["Dtype mismatch: expected", "got float32", "The dtype changed on the way"]},
         passes=["load_refuses_code"]),
    case("load_returns_tuple_for_list", """
import torch
def save(obj, path):
    torch.save(obj, path)
def load(path):
    obj = torch.load(path, weights_only=True)
    return tuple(obj) if isinstance(obj, list) else obj
""", fails={"roundtrip": ["expected a list, got tuple", "A list came back as a tuple"]},
         passes=["torch_load_readable", "load_refuses_code"]),
    case("numpy_save_adds_suffix", """
import numpy as np
import torch
def save(obj, path):
    np.save(path, obj.numpy() if isinstance(obj, torch.Tensor) else np.array(0))
def load(path):
    return torch.from_numpy(np.load(str(path) + ".npy"))
""", fails={"torch_load_readable": ["wrote no file at 'tensor_io.pt'", "tensor_io.pt.npy", "was a suffix added"]}),
    case("load_refuses_everything", """
import torch
def save(obj, path):
    torch.save(obj, path)
def load(path):
    raise ValueError("I trust no file")
""", fails={"load_refuses_code": ["I trust no file", "must still read a file that `torch.save` wrote"]},
         passes=["torch_load_readable"]),
]


@pytest.mark.parametrize(PARAMS, IO_CASES)
def test_tensor_io_bugs(grade_files, source, fails, passes):
    run = grade_files({f"{IO_ID}.py": source}, IO_ID)
    expect(run, IO_ID, fails, passes)


UNSAFE_PAIR = """
import pickle
import torch
def save(obj, path):
    torch.save(obj, path)
def load(path):
    if str(path).endswith(".pkl"):
        with open(path, "rb") as f:
            return pickle.load(f)
    return torch.load(path, weights_only=False)
"""


def test_planted_pickles_run_only_in_the_worker(grade_files, monkeypatch, tmp_path):
    """The judge grades an unsafe loader without unpickling anything itself, and the marker
    directory the planted pickle creates never appears outside the worker's scratch directory."""
    def refuse(*args, **kwargs):
        raise AssertionError("the judge unpickled something")

    monkeypatch.setattr(torch, "load", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    run = grade_files({f"{IO_ID}.py": UNSAFE_PAIR}, IO_ID)
    assert all(c.status is not Status.ERROR for c in run.checks), [c.feedback for c in run.checks]
    expect(run, IO_ID, {"load_refuses_code": [RAN, "planted_pt_RAN"]}, passes=["roundtrip", "torch_load_readable"])
    for where in (Path.cwd(), tmp_path, Path(tempfile.gettempdir())):
        assert not list(where.glob("planted_*_RAN")), where
        assert not list(where.glob("grade-scratch-*/planted_*_RAN")), where


# ---------------------------------------------------------------------------------------- checkpoint

CK_ID = "read_write/checkpoint"
SAVE_ALL = """
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)
"""
FRESH_OPTIMIZER = "resuming with a FRESH optimizer"

CK_CASES = [
    case("no_optimizer_state", """
import torch
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    return ck["epoch"]
""", fails={"resume_sgd": [FRESH_OPTIMIZER, "momentum buffers", "steps straight through"],
            "resume_adam": [FRESH_OPTIMIZER, "Adam moments"]},
         passes=["epoch", "load_refuses_code"]),
    case("new_optimizer_inside_load", SAVE_ALL + """
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    optimizer = type(optimizer)(model.parameters(), **optimizer.defaults)
    optimizer.load_state_dict(ck["optimizer"])
    return ck["epoch"]
""", fails={"resume_sgd": [FRESH_OPTIMIZER], "resume_adam": [FRESH_OPTIMIZER]},
         passes=["epoch", "load_refuses_code"]),
    case("epoch_plus_one", SAVE_ALL + """
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
    return ck["epoch"] + 1
""", fails={"epoch": ["expected int 0, got int 1", "the epoch after the saved one", "epoch = load_checkpoint("]},
         passes=["resume_sgd", "resume_adam", "load_refuses_code"]),
    case("epoch_not_returned", SAVE_ALL + """
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
""", fails={"epoch": ["got NoneType None", "returns nothing"]},
         passes=["resume_sgd", "resume_adam", "load_refuses_code"]),
    case("model_rebound_locally", SAVE_ALL + """
import copy
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model = copy.deepcopy(model)
    model.load_state_dict(ck["model"])
    return ck["epoch"]
""", fails={"resume_sgd": ["nothing was loaded into the `model` and `optimizer`"]},
         passes=["epoch", "load_refuses_code"]),
    case("assign_true_detaches_optimizer", SAVE_ALL + """
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"], assign=True)
    optimizer.load_state_dict(ck["optimizer"])
    return ck["epoch"]
""", fails={"resume_sgd": ["assign=True"], "resume_adam": ["assign=True"]},
         passes=["epoch", "load_refuses_code"]),
    case("unsafe_load", SAVE_ALL + """
def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=False)
    model.load_state_dict(ck["model"])
    optimizer.load_state_dict(ck["optimizer"])
    return int(ck["epoch"])
""", fails={"load_refuses_code": [RAN, "load_checkpoint('planted_pt.pt', model2, opt2)", SAFE_HINT]},
         passes=["resume_sgd", "resume_adam", "epoch"]),
]


@pytest.mark.parametrize(PARAMS, CK_CASES)
def test_checkpoint_bugs(grade_files, source, fails, passes):
    run = grade_files({f"{CK_ID}.py": source}, CK_ID)
    expect(run, CK_ID, fails, passes)


# --------------------------------------------------------------------------------------------- clone

CL_ID = "read_write/clone"
CL_CASES = [
    case("no_eval", """
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    model = make()
    model.load_state_dict(torch.load(path, weights_only=True))
    return model
""", fails={"eval_mode": ["training mode", "model.eval()"]},
         passes=["same_outputs", "no_shared_storage", "file"]),
    case("returns_net_itself", """
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    return net.eval()
""", fails={"no_shared_storage": ["clone returned `net` itself"]},
         passes=["same_outputs", "eval_mode", "file"]),
    case("assign_true_shares_storage", """
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    model = make()
    model.load_state_dict(net.state_dict(), assign=True)
    return model.eval()
""", fails={"no_shared_storage": ["shares storage with net", "clone's 0.weight and net's 0.weight", "assign=True"]},
         passes=["same_outputs", "eval_mode", "file"]),
    case("no_file", """
import torch
def clone(net, make, path):
    model = make()
    model.load_state_dict(net.state_dict())
    return model.eval()
""", fails={"file": ["left no file at 'clone.params'"]},
         passes=["same_outputs", "eval_mode", "no_shared_storage"]),
    case("saves_whole_model", """
import torch
def clone(net, make, path):
    torch.save(net, path)
    return torch.load(path, weights_only=False).eval()
""", fails={"file": ["could not read the file (it seems to hold the module object itself)",
                     "Save the state_dict, not the model"],
            "no_shared_storage": ["never called `make()`"]},
         passes=["same_outputs", "eval_mode"]),
    case("deepcopy_instead_of_make", """
import copy
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    model = copy.deepcopy(net)
    model.load_state_dict(torch.load(path, weights_only=True))
    return model.eval()
""", fails={"no_shared_storage": ["never called `make()`"]},
         passes=["same_outputs", "eval_mode", "file"]),
    case("nothing_loaded", """
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    return make().eval()
""", fails={"same_outputs": ["Compared the clone's output (in eval mode) with net's", "differ from net's"]},
         passes=["eval_mode", "no_shared_storage", "file"]),
    case("parameters_only", """
import torch
def clone(net, make, path):
    torch.save(dict(net.named_parameters()), path)
    model = make()
    model.load_state_dict(torch.load(path, weights_only=True), strict=False)
    return model.eval()
""", fails={"same_outputs": ["BatchNorm1d", "buffers", "running_mean"],
            "file": ["missing ['1.num_batches_tracked', '1.running_mean', '1.running_var']"]},
         passes=["eval_mode", "no_shared_storage"]),
    case("returns_state_dict", """
import torch
def clone(net, make, path):
    torch.save(net.state_dict(), path)
    model = make()
    return model.load_state_dict(torch.load(path, weights_only=True))
""", fails={"same_outputs": ["clone returned a _IncompatibleKeys, expected the new nn.Module"],
            "eval_mode": ["expected the new nn.Module"]}),
]


@pytest.mark.parametrize(PARAMS, CL_CASES)
def test_clone_bugs(grade_files, source, fails, passes):
    run = grade_files({f"{CL_ID}.py": source}, CL_ID)
    expect(run, CL_ID, fails, passes)
