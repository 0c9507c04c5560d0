"""Planted pickles: does a student's loader run code hidden in a file?

The judge never opens, let alone unpickles, a file a submission wrote. It has the
worker plant a ``torch.save`` zip and a plain pickle that create a marker
directory when unpickled unsafely, runs the student's loader on each in the
worker, and looks for the marker. Raising is refusing (fine); the marker
appearing is a failure, whose hint is :data:`SAFE_LOAD_HINT`.

Example:
    >>> "weights_only=True" in SAFE_LOAD_HINT, "pickle.load" in UNSAFE_NEEDLES
    (True, True)
"""
from __future__ import annotations

from typing import Callable

from grader.checks.base import CheckContext, Failure
from grader.tracks.pytorch.checks.files import code_ran, function_location
from grader.sandbox.client import StudentError

__all__ = ["SAFE_LOAD_HINT", "UNSAFE_NEEDLES", "refuse_planted"]

#: Text of a line that loads unsafely (where a failure points in the student's function).
UNSAFE_NEEDLES = ("weights_only=False", "pickle.load", "dill", "torch.load", "pickle")
SAFE_LOAD_HINT = ("Load with `torch.load(path, weights_only=True)`: it reads tensors, numbers and plain "
                  "containers and refuses anything else. `pickle.load` and `torch.load(path, weights_only=False)` "
                  "rebuild arbitrary Python objects, which runs whatever code the file names.")


def refuse_planted(ctx: CheckContext, call: Callable[[str], None], shown_call: str, function: str) -> None:
    """Plant a torch.save zip and a plain pickle that would create a marker directory when
    unpickled; ``call(path)`` runs the student's loader on one of them in the worker. Raising
    is refusing (fine); the marker appearing is a failure."""
    for suffix in (".pt", ".pkl"):
        base, marker = f"planted{suffix.replace('.', '_')}", f"planted{suffix.replace('.', '_')}_RAN"
        ctx.student.request("plant_pickles", base=base, marker=marker)
        path = base + suffix
        kind = "a torch.save file" if suffix == ".pt" else "a plain pickle file"
        try:
            call(path)
        except StudentError:
            pass  # refused
        if code_ran(ctx, marker):
            raise Failure(
                f"{shown_call.format(path=repr(path))} ran code stored in the file ({kind} holding a tensor and "
                f"an object whose unpickling creates the directory {marker!r}): the directory was created. "
                f"A file from anyone else could run any command this way.",
                hints=(SAFE_LOAD_HINT,), location=function_location(ctx, function, UNSAFE_NEEDLES),
                case=f"# {path}: torch.save / pickle.dump of {{'weight': torch.zeros(2), 'evil': <object whose "
                     f"__reduce__ is (os.mkdir, ({marker!r},))>}}\n{shown_call.format(path=repr(path))}")
