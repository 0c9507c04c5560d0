"""What the Gluon worker tests share: spec nodes, a submission written to a temporary folder, and a
confined worker started on it from the module's pool (``conftest.py``)."""
from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path
from typing import Any, Iterator

from grader.sandbox.client import Worker, WorkerPool
from grader.sandbox.limits import Limits

__all__ = ["val", "attr", "call", "mx", "gluon", "handle", "method", "submission", "worker_on", "ctx_of"]


def val(value: Any) -> dict[str, Any]:
    return {"kind": "value", "value": value}


def attr(name: str) -> dict[str, Any]:
    return {"kind": "attr", "name": name}


def mx(name: str) -> dict[str, Any]:
    return {"kind": "mx", "name": name}


def gluon(name: str) -> dict[str, Any]:
    return {"kind": "gluon", "name": name}


def handle(number: int) -> dict[str, Any]:
    return {"kind": "handle", "id": number}


def _node(a: Any) -> dict[str, Any]:
    return a if isinstance(a, dict) and "kind" in a else val(a)


def call(fn: str | dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A call node: ``fn`` a name of the module or a node; plain arguments become value nodes."""
    return {"kind": "call", "fn": attr(fn) if isinstance(fn, str) else fn, "args": [_node(a) for a in args],
            "kwargs": {k: _node(v) for k, v in kwargs.items()}}


def method(of: dict[str, Any], name: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    return call({"kind": "getattr", "of": of, "name": name}, *args, **kwargs)


def submission(tmp_path: Path, topic: str = "model_construction", **modules: str) -> Path:
    """A submission folder with ``<topic>/<name>.py`` for each module given (dedented)."""
    (tmp_path / topic).mkdir(exist_ok=True)
    for name, text in modules.items():
        (tmp_path / topic / f"{name}.py").write_text(textwrap.dedent(text))
    return tmp_path


@contextlib.contextmanager
def worker_on(pool: WorkerPool, root: Path, module: str | None = None) -> Iterator[Worker]:
    """A confined worker on ``root`` that has imported ``module`` (``topic.name``) when given."""
    with pool.start(submission_root=root, limits=Limits(timeout=60)) as worker:
        if module is not None:
            worker.request("import", module=module)
        yield worker


def ctx_of(value: Any) -> tuple[str, int]:
    """A context as the judge decodes it: ``(device_type, device_id)``, from the judge's own decoded
    object (attributes) or the plain ``{"$mxctx": ...}`` dict when the judge has no decoder for it."""
    if isinstance(value, dict):
        payload = value["$mxctx"]
        return payload["device_type"], payload["device_id"]
    return value.device_type, value.device_id
