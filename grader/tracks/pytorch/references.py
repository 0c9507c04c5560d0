"""The PyTorch track's reference runtime: the reference solution's objects, in the judge.

:class:`ReferenceRunner` runs the same operations as a worker
(:class:`grader.tracks.pytorch.worker.ops.Session`) on the reference module, in the judge
process, and passes its answers through the same codec, so both sides are compared like for like.

Example:
    >>> import types, torch
    >>> r = ReferenceRunner(types.SimpleNamespace(Lin=torch.nn.Linear), Path("."))
    >>> h = r.request("build", spec={"kind": "call", "fn": {"kind": "attr", "name": "Lin"},
    ...     "args": [{"kind": "value", "value": 2}, {"kind": "value", "value": 3}], "kwargs": {}}, seed=0)["handle"]
    >>> r.request("state", handle=h)["tensors"]["weight"].shape
    torch.Size([3, 2])
    >>> r.request("value", spec={"kind": "attr", "name": "Nope"})
    Traceback (most recent call last):
    ...
    grader.sandbox.errors.GraderFault: the reference solution raised MissingName: Nope during value
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from grader.sandbox import codec
from grader.sandbox.errors import GraderFault
from grader.tracks.pytorch.worker.ops import Session

__all__ = ["ReferenceRunner"]


class ReferenceRunner:
    """Runs operations on the reference solution in the judge process.

    Answers go through the same encoding as the worker's, so both sides are
    compared like for like. The reference raising is a grader fault.
    """

    def __init__(self, module: Any, root: Path) -> None:
        self.session = Session(module, root)
        self.session.locate = False  # the reference's source lines never enter an answer (nor a recording)

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        answer = self.session.run(op, args)
        if "error" in answer:
            err = answer["error"]
            raise GraderFault(f"the reference solution raised {err['type']}: {err['message']} "
                              f"during {op}")
        return codec.decode(codec.encode(answer))

    def obj(self, handle: int) -> Any:
        """The live reference object behind ``handle`` (judge side only)."""
        return self.session.objects[handle]

    def derive(self, handle: int, label: str, fn: Callable[[Any], Any], *, inputs: Any = None,
               mutates: bool = False) -> Any:
        """``fn`` applied to the live object behind ``handle``: a judge-side value (a known mistake's
        output, say) that a recording can store under ``label`` and ``inputs``. Say ``mutates=True``
        when ``fn`` changes the object, so that a recording tells its later answers apart."""
        return fn(self.obj(handle))
