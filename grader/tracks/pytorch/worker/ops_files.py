"""Operations with files and training: checkpoints, planted pickles, safe loads.

They run in the worker (on the student's functions) and in the judge (on the
reference), always inside the exercise's scratch directory.

Example:
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> _ = plant_pickles(None, os.path.join(d, "evil"), os.path.join(d, "marker"))
    >>> os.path.exists(os.path.join(d, "marker"))
    False
"""
from __future__ import annotations

import os
import pickle
from typing import TYPE_CHECKING, Any

import torch

from grader.sandbox.file_ops import NEUTRAL_FILE_OPS

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["FILE_OPS", "plant_pickles", "planted_payload"]


class _RunsCode:
    """Unpickling this creates the directory ``marker``: the side effect a safe loader never causes."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (self.marker,))


def planted_payload(marker: str) -> dict[str, Any]:
    """A tensor and an object whose unpickling creates the directory ``marker``."""
    return {"weight": torch.zeros(2), "evil": _RunsCode(marker)}


def plant_pickles(session: "Session | None", base: str, marker: str) -> dict[str, Any]:
    """Write ``base + '.pt'`` (a torch.save zip) and ``base + '.pkl'`` (a plain pickle)
    that would create ``marker`` if unpickled unsafely."""
    payload = planted_payload(marker)
    torch.save(payload, base + ".pt")
    with open(base + ".pkl", "wb") as fh:
        pickle.dump(payload, fh)
    return {"files": [base + ".pt", base + ".pkl"]}


def op_safe_load(session: "Session", path: str) -> dict[str, Any]:
    """``torch.load(path, weights_only=True)``: what a safe reader sees in the file.

    A file it cannot read is reported under ``problem`` (an answer's ``error`` key is the
    protocol's mark of an exception raised by student code)."""
    try:
        return {"value": torch.load(path, weights_only=True), "problem": None}
    except Exception as exc:  # noqa: BLE001 - reported, the file is the student's
        return {"value": None, "problem": f"{type(exc).__name__}: {str(exc)[:3000]}"}


def op_train(session: "Session", model: int, optimizer: int, X: torch.Tensor, Y: torch.Tensor,
             steps: int) -> dict[str, Any]:
    """``steps`` steps of full-batch MSE training of ``model`` with ``optimizer``."""
    net, opt = session.objects[model], session.objects[optimizer]
    with session.student("train"):
        for _ in range(steps):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(X), Y)
            loss.backward()
            opt.step()
    return {"loss": float(loss.detach()) if steps else None}


FILE_OPS = {
    "plant_pickles": lambda session, base, marker: plant_pickles(session, base, marker),
    **NEUTRAL_FILE_OPS, "safe_load": op_safe_load, "train": op_train,
}
