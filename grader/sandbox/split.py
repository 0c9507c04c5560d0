"""Grade the exercises of one submission in several judge processes at once: :func:`run_split`.

The judge forks ``jobs - 1`` copies of itself, before it has run any framework
operation (forking is safe then, as for the batch's job processes). Each copy
grades with a *clone* of the fork server (:meth:`grader.sandbox.forkserver.ForkServer.clone`:
a fork of it, no second framework import) and all of them take items from one
queue, a pipe holding the items' indices (two bytes each; a read of two bytes
from a pipe is atomic), so no process waits on a fixed share. A copy sends each
result back pickled over a pipe (only judge processes write it: student code
runs in workers) and the results are put back in the items' order. Grading an
exercise depends only on the seed, never on the process or the moment, so the
results are the same whatever the scheduling. An item a copy took but did not
report (it crashed, or its grading raised) is graded again by the parent, which
then sees any error itself.

Example:
    >>> run_split(["mlp", "block", "ffn"], lambda name, pool: name.upper(), jobs=2, pool=None)
    ['MLP', 'BLOCK', 'FFN']
    >>> cores() >= 1
    True
"""
from __future__ import annotations

import os
import pickle
import struct
import threading
from typing import Any, Callable, Iterator, Protocol, Sequence, TypeVar

__all__ = ["run_split", "SplittablePool", "cores"]

T = TypeVar("T")
R = TypeVar("R")
_INDEX = struct.Struct("!H")
_SIZE = struct.Struct("!Q")


class SplittablePool(Protocol):
    """What :func:`run_split` needs of a worker pool (:class:`grader.sandbox.client.WorkerPool`)."""

    def split(self) -> "SplittablePool": ...

    def forget(self) -> None: ...


def cores() -> int:
    """The cores this process may run on (the default number of judge processes)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_split(items: Sequence[T], work: Callable[[T, Any], R], *, jobs: int, pool: SplittablePool | None,
              on_result: Callable[[R], None] | None = None,
              share: Callable[[int], None] | None = None) -> list[R]:
    """``[work(item, pool_of_its_process) for item in items]``, computed by ``jobs`` processes.

    ``pool`` is this process's pool (None: no pools); each forked copy gets ``pool.split()``.
    ``work`` must be deterministic and its results picklable. ``on_result`` sees each result,
    in the items' order, once it and all before it are known; ``share(jobs)`` runs in every
    judge process before it grades (say, to give each its share of the framework's threads).
    """
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1 or len(items) >= 2 ** 16:
        return [_seen(work(item, pool), on_result) for item in items]
    queue_r, queue_w = os.pipe()
    os.write(queue_w, b"".join(_INDEX.pack(i) for i in range(len(items))))
    os.close(queue_w)
    results: dict[int, R] = {}
    children, readers = [], []
    for _ in range(jobs - 1):
        child_pool = pool.split() if pool is not None else None
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the forked copy, which never returns
            os.close(out_r)
            _child(items, work, queue_r, out_w, pool, child_pool, share, jobs)
        os.close(out_w)
        if child_pool is not None:
            child_pool.forget()
        children.append(pid)
        reader = threading.Thread(target=_collect, args=(out_r, results), daemon=True)
        reader.start()
        readers.append(reader)
    if share is not None:
        share(jobs)
    for index in _take(queue_r):
        results[index] = work(items[index], pool)
    os.close(queue_r)
    for pid, reader in zip(children, readers):
        reader.join()
        os.waitpid(pid, 0)
    return [_seen(results[i] if i in results else work(items[i], pool), on_result) for i in range(len(items))]


def _seen(result: R, on_result: Callable[[R], None] | None) -> R:
    if on_result is not None:
        on_result(result)
    return result


def _take(queue_r: int) -> Iterator[int]:
    while True:
        raw = os.read(queue_r, _INDEX.size)
        if len(raw) < _INDEX.size:
            return
        yield _INDEX.unpack(raw)[0]


def _child(items: Sequence[Any], work: Callable[[Any, Any], Any], queue_r: int, out_w: int,
           parent_pool: SplittablePool | None, pool: SplittablePool | None,
           share: Callable[[int], None] | None, jobs: int) -> None:  # pragma: no cover - a forked copy
    code = 1
    try:
        if parent_pool is not None:
            parent_pool.forget()
        if share is not None:
            share(jobs)
        with os.fdopen(out_w, "wb") as out:
            for index in _take(queue_r):
                try:
                    data = pickle.dumps((index, work(items[index], pool)))
                except Exception:  # noqa: BLE001 - the parent grades it again and sees the error itself
                    continue
                out.write(_SIZE.pack(len(data)) + data)
                out.flush()
        if pool is not None:
            pool.forget()
        code = 0
    finally:
        os._exit(code)


def _collect(out_r: int, results: dict[int, Any]) -> None:
    with os.fdopen(out_r, "rb") as stream:
        while True:
            head = stream.read(_SIZE.size)
            if len(head) < _SIZE.size:
                return
            body = stream.read(_SIZE.unpack(head)[0])
            try:
                index, value = pickle.loads(body)
            except Exception:  # noqa: BLE001 - a truncated result: graded again by the parent
                return
            results[index] = value
