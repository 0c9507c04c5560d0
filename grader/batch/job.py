"""Grade one student in a job process (or on a Dask worker): :func:`grade_student`.

A job process grades many students with one :class:`WorkerPool` (one warm
fork server), created once per process and thread by :func:`process_pool`
and reused: nothing re-imports torch per student. The submission arrives as
bytes in the :class:`StudentTask`; it is checked (:mod:`grader.batch.unpack`),
written to a private temporary folder named after the student, graded with
:func:`grader.engine.grade`, and rendered (``results.json`` text, HTML
report). Only plain data goes back; the caller writes the files.

:func:`grade_student` never raises for a bad submission: a refused archive
gives a zero result with the reason, and an exception while grading gives a
result whose checks are grader faults (``Status.ERROR``).

This module is preloaded by the multiprocessing fork server of the local
executor, so it imports torch once for all job processes; it never runs a
torch operation at import time.

Example:
    >>> from grader.batch.model import BatchSettings, StudentTask
    >>> settings = BatchSettings(seed=1, target="model_construction/mlp", fingerprint=grader_fingerprint())
    >>> out = grade_student(StudentTask("eve", "refused", key="k", refusal="links are not accepted"), settings)
    >>> out.record.status, out.record.score, "links are not accepted" in out.results_json
    ('refused', 0.0, True)
"""
from __future__ import annotations

import atexit
import dataclasses
import functools
import json
import os
import resource
import signal
import socket
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from grader import __version__
from grader.app.root import live_references
from grader.batch.keys import grader_fingerprint
from grader.batch.model import FAULT, REFUSED, BatchSettings, StudentOutcome, StudentTask
from grader.batch.summarise import summarise
from grader.batch.unpack import Refused, materialise, normalise, read_zip
from grader.catalog import Exercise, select, topics
from grader.engine import GradeOptions, grade
from grader.expected.shared import SharedReferences, sharing_enabled
from grader.render.gradescope import gradescope_dict
from grader.render.html import render_html
from grader.results import CheckResult, ExerciseResult, RunResult, Status
from grader.sandbox.client import WorkerPool
from grader.tracks import get_track

__all__ = ["grade_student", "process_pool", "process_references", "close_pools", "init_job", "zero_run",
           "GradeFunction"]

GradeFunction = Callable[[StudentTask, BatchSettings], StudentOutcome]
"""The shape of :func:`grade_student`, which executors call once per student."""

_local = threading.local()
_pools: list[WorkerPool] = []
_pools_lock = threading.Lock()


def process_pool(track: str = "pytorch") -> WorkerPool:
    """This process's (and thread's) warm :class:`WorkerPool` of ``track``, started on first use.

    The only per-process state of the batch: a Dask worker or a job process
    keeps one pool (one fork server that imported the framework once) for all the
    students it grades. A forked child never reuses its parent's pool.
    """
    if getattr(_local, "pid", None) != os.getpid():
        _local.pools, _local.pid = {}, os.getpid()
    pool = _local.pools.get(track)
    if pool is None:
        chosen = get_track(track)
        pool = WorkerPool(track=chosen, extra=chosen.preload_many)  # e.g. torch._dynamo once, not per worker
        pool.warm_up()
        _local.pools[track] = pool
        with _pools_lock:
            if not _pools:
                atexit.register(close_pools)
            _pools.append(pool)
    return pool


def close_pools() -> None:
    """Stop the fork servers this process started (at exit; safe to call twice)."""
    with _pools_lock:
        pools = list(_pools)
        _pools.clear()
    for pool in pools:
        try:
            pool.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _local.pools = {}


def _process_token(pid: int) -> str | None:
    """The start time of a live process (so a reused pid is not mistaken for it); None if gone.

    Example:
        >>> _process_token(os.getpid()) is not None
        True
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "?"  # no /proc: alive, start time unknown
    return None if fields[0] in ("Z", "X") else fields[19]


def _watch_batch(pid: int, interval: float = 0.5) -> None:
    """Exit as soon as the batch's main process ``pid`` is gone (killed), instead of lingering.

    The job's parent is the multiprocessing fork server, which itself lives as
    long as any job does, so the parent pid cannot tell; the main process can.
    """
    token = _process_token(pid)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if _process_token(pid) != token:
                os._exit(1)  # the fork server sees its channel close and ends, its workers with it

    threading.Thread(target=watch, name="grade-batch-watch", daemon=True).start()


def _warm(target: str, track: str = "pytorch") -> None:
    """Load the catalog and the references of ``target`` while the fork server starts, then wait
    for it (one worker started and closed), so that students are timed from a warm start.

    Best effort: whatever fails here is reported when a student is graded.
    """
    from grader.sandbox.limits import Limits

    try:
        references = live_references(track=track)
        if getattr(references.runtime, "in_judge", True):  # a reference in a process of its own starts per exercise
            for exercise in _exercises(target, track):
                references.runner(exercise)
        with tempfile.TemporaryDirectory(prefix="grade-warm-") as empty:
            process_pool(track).start(submission_root=Path(empty), limits=Limits()).close()
    except Exception:  # noqa: BLE001 - reported later, per check
        pass


def init_job(threads: int, batch_pid: int, target: str = "all", track: str = "pytorch") -> None:
    """Initializer of a local job process: quiet Ctrl-C, torch threads, warm pool and references,
    watch the batch.

    ``torch.set_num_threads`` is safe here: the process was forked from a
    server that imported torch but never ran a torch operation (and this
    process never forks: its fork server is a fresh interpreter).
    """
    import multiprocessing.util

    import torch

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(max(1, threads))
    process_pool(track)
    multiprocessing.util.Finalize(None, close_pools, exitpriority=10)
    _watch_batch(batch_pid)
    _warm(target, track)


@functools.lru_cache(maxsize=8)
def _exercises(target: str, track: str = "pytorch") -> tuple[Exercise, ...]:
    return select(target, track)


def zero_run(settings: BatchSettings, student: str, message: str, status: Status) -> RunResult:
    """A run where every selected check has ``status``, score 0 and ``message`` as feedback.

    Used for a refused submission (``FAILED``: the student's to fix) and for a
    grader fault (``ERROR``: not the student's fault).

    Example:
        >>> from grader.batch.model import BatchSettings
        >>> s = BatchSettings(seed=2, target="model_construction/mlp", fingerprint="f")
        >>> run = zero_run(s, "bob", "refused", Status.FAILED)
        >>> run.score, run.max_score > 0, {c.status for c in run.checks}
        (0.0, True, {<Status.FAILED: 'failed'>})
    """
    exercises = tuple(
        ExerciseResult(ex.id, ex.title, tuple(
            CheckResult(exercise=ex.id, check=c.id, title=c.title, status=status, score=0.0,
                        max_score=float(c.points), feedback=message) for c in ex.checks), message=message)
        for ex in _exercises(settings.target, settings.track))
    return RunResult(seed=settings.seed, grader_version=__version__, submission=student, exercises=exercises,
                     student=student, track=settings.track)


def _render(run: RunResult) -> tuple[str, str]:
    """``results.json`` text (as :func:`grader.render.write_gradescope_json` writes it) and the HTML page."""
    return json.dumps(gradescope_dict(run), indent=2, sort_keys=True) + "\n", render_html(run)


def _folder_name(student: str) -> str:
    """The student's id as a single path component (the submission's name in reports)."""
    ok = student and "/" not in student and "\x00" not in student and student not in (".", "..")
    return student if ok else "submission"


def _grade_files(task: StudentTask, settings: BatchSettings, pool: WorkerPool | None) -> RunResult:
    if task.kind == "zip":
        assert isinstance(task.payload, bytes)
        files = read_zip(task.payload, settings.unpack)
    elif task.kind == "folder":
        files = dict(task.payload)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown task kind {task.kind!r}")
    files = normalise(files, topics=topics(settings.track))
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as tmp:
        root = materialise(files, Path(tmp) / _folder_name(task.student))
        return grade(root, _exercises(settings.target, settings.track), seed=settings.seed,
                     options=GradeOptions(limits=settings.limits), pool=pool or process_pool(settings.track),
                     student=task.student, references=process_references(settings.track))


def process_references(track: str = "pytorch") -> Any:
    """This process's references: the live ones behind the answers shared by every student it
    grades (:class:`grader.expected.shared.SharedReferences`), unless ``GRADE_SHARED_REFERENCES=0``.

    Example:
        >>> type(process_references()).__name__, process_references() is process_references()
        ('SharedReferences', True)
    """
    if not sharing_enabled():
        return live_references(track=track)
    if getattr(_local, "references_pid", None) != os.getpid():
        _local.references, _local.references_pid = {}, os.getpid()
    shared = _local.references.get(track)
    if shared is None:
        shared = _local.references[track] = SharedReferences(live_references(track=track))
    return shared


def _where() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(),
            "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def refusal_message(reason: str) -> str:
    """What a refused student reads.

    Example:
        >>> refusal_message("the archive has a link ('a')")
        "Submission refused: the archive has a link ('a'). Nothing was graded; fix the submission and hand it in again."
    """
    return f"Submission refused: {reason}. Nothing was graded; fix the submission and hand it in again."


def fault_outcome(task: StudentTask, settings: BatchSettings, message: str) -> StudentOutcome:
    """A grader-fault outcome for ``task`` (every check ``ERROR`` with ``message``)."""
    text = f"Grader fault (not your fault): {message}"
    run = zero_run(settings, task.student, text, Status.ERROR)
    results_json, report_html = _render(run)
    record = summarise(run, student=task.student, key=task.key, status=FAULT, message=message)
    return StudentOutcome(record, results_json, report_html, _where())


def grade_student(task: StudentTask, settings: BatchSettings, *, pool: WorkerPool | None = None) -> StudentOutcome:
    """Grade one student; never raises for anything the submission does (see the module docstring).

    ``pool`` defaults to this process's :func:`process_pool`.
    """
    t0 = time.perf_counter()
    try:
        local = grader_fingerprint(track=settings.track) if settings.verify_grader else settings.fingerprint
        if local != settings.fingerprint:
            return fault_outcome(task, settings, f"the grader on {socket.gethostname()} ({local}) differs "
                                                 f"from the one that started the batch ({settings.fingerprint}); "
                                                 "install the same version and references everywhere")
        status, message = "", ""
        if task.kind == "fault":
            return fault_outcome(task, settings, task.refusal)
        if task.kind == "refused":
            raise Refused(task.refusal)
        run = _grade_files(task, settings, pool)
    except Refused as refused:
        message = refusal_message(refused.message.rstrip("."))
        run = zero_run(settings, task.student, message, Status.FAILED)
        status = REFUSED
    except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
        detail = "".join(traceback.format_exception(exc))[-3000:]
        return fault_outcome(task, settings, f"{type(exc).__name__}: {exc}\n{detail}")
    try:
        results_json, report_html = _render(run)
    except Exception as exc:  # noqa: BLE001
        return fault_outcome(task, settings, f"rendering the results failed: {type(exc).__name__}: {exc}")
    record = summarise(run, student=task.student, key=task.key, status=status, message=message)
    if record.duration == 0.0:
        record = dataclasses.replace(record, duration=time.perf_counter() - t0)
    return StudentOutcome(record, results_json, report_html, _where())
