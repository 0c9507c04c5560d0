"""read_write beyond its declared mutants: the judge never unpickles what a submission wrote.

An unsafe loader is graded with ``torch.load`` and ``pickle`` disabled in the judge: grading
still works, and the marker a planted pickle creates never leaves the worker's scratch directory.
"""
from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import torch

from grader.results import Status
from tests.conftest import expect

IO_ID = "read_write/tensor_io"
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
    expect(run, IO_ID, {"load_refuses_code": ["ran code stored in the file", "planted_pt_RAN"]},
           passes=["roundtrip", "torch_load_readable"])
    for where in (Path.cwd(), tmp_path, Path(tempfile.gettempdir())):
        assert not list(where.glob("planted_*_RAN")), where
        assert not list(where.glob("grade-scratch-*/planted_*_RAN")), where
