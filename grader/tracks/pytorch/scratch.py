"""The PyTorch track's judge-side operation on a worker's scratch directory: planting
booby-trapped pickles (a ``torch.save`` zip and a plain pickle) that a submission's loader
must refuse. The judge writes them itself and never reads them (see :mod:`grader.sandbox.scratch`).

Importing this module registers ``plant_pickles`` with :mod:`grader.sandbox.scratch`.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from grader.sandbox.scratch import run_op
    >>> d = Path(tempfile.mkdtemp())
    >>> run_op(d, "plant_pickles", {"base": "evil", "marker": "RAN"})
    {'files': ['evil.pt', 'evil.pkl']}
    >>> run_op(d, "listdir", {})["entries"], run_op(d, "exists", {"path": "RAN"})
    (['evil.pkl', 'evil.pt'], {'exists': False})
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import torch

from grader.sandbox.scratch import inside, register, write_new
from grader.tracks.pytorch.worker.ops_files import planted_payload

__all__ = ["plant_pickles"]


def plant_pickles(scratch: Path, base: str, marker: str) -> dict[str, Any]:
    """The judge writes (never reads) a torch.save zip and a plain pickle that would create
    ``marker`` in the scratch directory if unpickled unsafely."""
    target = inside(scratch, base)
    write_new(Path(f"{target}.pt"), lambda fh: torch.save(planted_payload(marker), fh))
    write_new(Path(f"{target}.pkl"), lambda fh: pickle.dump(planted_payload(marker), fh))
    return {"files": [base + ".pt", base + ".pkl"]}


register("plant_pickles", plant_pickles)
