"""Run a batch: find the students, skip those already graded, grade the rest, write the class files.

Example:
    >>> result = run_batch(Path("submissions"), Path("graded"), seed=7,   # doctest: +SKIP
    ...                    target="model_construction", executor=LocalExecutor(jobs=4))
    >>> result.exit_code, (result.out / "index.html").is_file()          # doctest: +SKIP
    (0, True)

The seed: ``seed`` if given; otherwise the seed of the earlier batch written
to the same output folder (so that re-running the same command resumes it);
otherwise a fresh one. Every student of a batch is graded with the same seed.
"""
from __future__ import annotations

import datetime as _dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import __version__
from grader.batch.discover import BatchUsageError, discover
from grader.batch.executors import Executor, LocalExecutor
from grader.batch.gradebook import grades_csv, summary_dict
from grader.batch.keys import grader_fingerprint
from grader.batch.model import FAULT, REFUSED, BatchSettings, StudentRecord
from grader.batch.progress import BatchProgress, SilentProgress
from grader.batch.stats import class_stats
from grader.batch.store import OutputStore
from grader.batch.tasks import read_task
from grader.batch.unpack import UnpackLimits
from grader.sandbox.limits import Limits

if TYPE_CHECKING:
    from grader.app.root import SeedPolicy
    from grader.batch.similarity import SimilarityReport

__all__ = ["BatchResult", "run_batch"]


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: every student's record (in id order), who was graded now, where the files are.

    Example (a grader fault makes the exit status 1; a refusal does not):
        >>> records = (StudentRecord("ada", key="k1", status="graded", score=4, max_score=5),
        ...            StudentRecord("bob", key="k2", status=REFUSED, max_score=5),
        ...            StudentRecord("eve", key="k3", status=FAULT, max_score=5, message="worker died"))
        >>> result = BatchResult(Path("graded"), seed=7, target="all", records=records, fresh=frozenset({"ada"}))
        >>> [r.student for r in result.refused], [r.student for r in result.faults], result.reused, result.exit_code
        (['bob'], ['eve'], 2, 1)
    """

    out: Path
    seed: int
    target: str
    records: tuple[StudentRecord, ...]
    fresh: frozenset[str]
    ignored: tuple[str, ...] = ()
    duration: float = 0.0
    executor: str = ""
    workers: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def faults(self) -> tuple[StudentRecord, ...]:
        """Students whose grading hit a grader fault (not their fault)."""
        return tuple(r for r in self.records if r.status == FAULT)

    @property
    def refused(self) -> tuple[StudentRecord, ...]:
        return tuple(r for r in self.records if r.status == REFUSED)

    @property
    def reused(self) -> int:
        return len(self.records) - len(self.fresh)

    @property
    def exit_code(self) -> int:
        """0 when every student was graded (whatever their scores), 1 if a grader fault left one ungraded."""
        return 1 if self.faults else 0


def _exercises(target: str, track: str = "pytorch") -> list[dict[str, Any]]:
    from grader.catalog import UnknownExercise, select

    try:
        chosen = select(target, track)
    except UnknownExercise as exc:
        raise BatchUsageError(str(exc)) from None
    return [{"id": e.id, "title": e.title, "max_score": e.max_score,
             "checks": [{"id": c.id, "title": c.title, "points": float(c.points)} for c in e.checks]}
            for e in chosen]


def _check_folders(submissions: Path, out: Path) -> None:
    if not submissions.is_dir():
        raise BatchUsageError(f"SUBMISSIONS {submissions} is not a folder")
    if out == submissions or submissions in out.parents:
        raise BatchUsageError(f"--out {out} is inside SUBMISSIONS {submissions}: it would be graded as a student")
    if out.exists() and not out.is_dir():
        raise BatchUsageError(f"--out {out} exists and is not a folder")


def _seed(policy: "SeedPolicy", store: OutputStore) -> int:
    """The batch's seed: ``policy`` (:mod:`grader.app.root`) given the earlier batch's seed in ``store``."""
    return policy.resolve(previous=store.read_batch().get("seed"))


def run_batch(submissions: Path, out: Path, *, seed: int | None = None, target: str = "all",
              limits: Limits = Limits(), force: bool = False, executor: Executor | None = None,
              progress: BatchProgress | None = None, unpack: UnpackLimits = UnpackLimits(),
              similarity: bool = True, seed_policy: "SeedPolicy | None" = None, track: str = "pytorch") -> BatchResult:
    """Grade every student in ``submissions`` into ``out``; see the module docstring.

    ``target`` restricts the exercises (``all``, a topic or an exercise id);
    ``force`` grades again students whose stored results are still valid;
    ``executor`` defaults to :class:`LocalExecutor` with all cores.
    ``similarity`` compares the students' code for the class report
    (:mod:`grader.batch.similarity`; refused students are left out).
    ``seed_policy`` is the command's (:func:`grader.app.root.compose`); default: ``seed``, else
    the earlier batch's, else a fresh one. ``track`` is the framework the exercises are graded in.
    Raises :class:`BatchUsageError` before grading anything if the batch
    cannot start; a bad submission or a grader fault never stops it.
    """
    t0 = time.perf_counter()
    started = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    _check_folders(submissions, out)
    if executor is not None:
        executor.start()  # e.g. job processes import torch while this one reads the catalog
    exercises = _exercises(target, track)
    found = discover(submissions)
    store = OutputStore(out)
    if seed_policy is None:
        from grader.app.root import SeedPolicy

        seed_policy = SeedPolicy(given=seed)
    settings = BatchSettings(seed=_seed(seed_policy, store), target=target, fingerprint=grader_fingerprint(track=track),
                             limits=limits, unpack=unpack, track=track)
    store.write_batch({"seed": settings.seed, "target": target, "track": track, "grader_version": __version__,
                       "fingerprint": settings.fingerprint, "submissions": str(submissions), "started_at": started})
    records: dict[str, StudentRecord] = {}
    todo = []
    for entry in found.entries:
        reused = None if force else store.reusable(entry.student, read_task(entry, settings).key)
        if reused is not None:
            records[entry.student] = reused
        else:
            todo.append(entry)
    progress = progress or SilentProgress()
    progress.start(total=len(todo), reused=len(records))
    fresh: set[str] = set()
    workers: list[dict[str, Any]] = []
    executor = executor or (LocalExecutor() if todo else None)
    try:
        if todo and executor is not None:
            for outcome in executor.run((read_task(e, settings) for e in todo), settings):
                store.save(outcome)
                records[outcome.record.student] = outcome.record
                fresh.add(outcome.record.student)
                workers.append(outcome.worker)
                progress.advance(outcome.record)
    finally:
        progress.finish()
    ordered = tuple(records[e.student] for e in found.entries if e.student in records)
    result = BatchResult(out=out, seed=settings.seed, target=target, records=ordered, fresh=frozenset(fresh),
                         ignored=tuple(found.ignored), duration=time.perf_counter() - t0,
                         executor=executor.describe() if todo and executor is not None else "none (nothing to grade)",
                         workers=tuple(workers))
    report = None
    if similarity:
        from grader.batch.similarity import class_similarity

        graded = {r.student for r in ordered if r.status != REFUSED}
        report = class_similarity([(e.student, e.path, e.kind) for e in found.entries if e.student in graded],
                                  [e["id"] for e in exercises])
    _write_class_files(result, store, settings, exercises, started, report)
    return result


def _write_class_files(result: BatchResult, store: OutputStore, settings: BatchSettings,
                       exercises: list[dict[str, Any]], started: str, similarity: "SimilarityReport | None") -> None:
    from grader.batch.class_report import render_class_report

    stats = class_stats(result.records)
    generated = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    meta = {"seed": settings.seed, "grader_version": __version__, "fingerprint": settings.fingerprint,
            "target": settings.target, "track": settings.track, "executor": result.executor, "generated_at": generated}
    batch = {**meta, "started_at": started, "duration": result.duration,
             "limits": settings.key_limits(), "ignored": list(result.ignored)}
    store.write_text("grades.csv", grades_csv(result.records, [e["id"] for e in exercises], settings.track))
    summary = summary_dict(result.records, stats, batch=batch, exercises=exercises, fresh=set(result.fresh),
                           similarity=similarity)
    store.write_text("summary.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    store.write_text("index.html", render_class_report(result.records, stats, meta=meta, exercises=exercises,
                                                       similarity=similarity))
