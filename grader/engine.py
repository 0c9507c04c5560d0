"""Grade one submission: one worker per exercise, checks run by the judge.

Example:
    >>> from grader.catalog import select
    >>> run = grade(Path("solutions"), select("model_construction/mlp"), seed=1)  # doctest: +SKIP
    >>> run.score == run.max_score                                               # doctest: +SKIP
    True
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import importlib
import secrets
import sys
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from grader import __version__
from grader.catalog import Exercise
from grader.checks.base import CheckContext, Failure, GraderFault, StudentError, derive_seed, student_error_failure
from grader.notebooks import places as notebook_places
from grader.notebooks.locate import Graded, locate
from grader.notebooks.outcome import NotebookRun
from grader.paths import default_solutions
from grader.results import CheckResult, ExerciseResult, Location, RunResult, Status
from grader.sandbox.client import WorkerDied, WorkerPool
from grader.sandbox.limits import Limits
from grader.sandbox.policy import SandboxPolicy, SandboxUnavailable
from grader.sandbox.split import run_split
from grader.tracks import get_track

__all__ = ["GradeOptions", "References", "RecordedReferences", "grade", "new_seed", "SandboxPolicy",
           "SandboxUnavailable"]


def new_seed() -> int:
    """A fresh run seed (printed in every report so the run can be reproduced)."""
    return secrets.randbelow(2**31)


@dataclass(frozen=True)
class GradeOptions:
    """How to grade: limits, confinement, which checks, how many examples to draw.

    ``sandbox=SandboxPolicy(require=True)`` makes :func:`grade` raise SandboxUnavailable,
    before any student code runs, when Landlock, seccomp or a network namespace is missing.
    ``solutions`` is the folder of the live references :func:`grade` runs when it is given no
    ``references`` (the commands pass theirs, chosen by :mod:`grader.app.root`).
    """

    limits: Limits = Limits()
    solutions: Path | None = None
    examples_scale: float = 1.0
    include_hidden: bool = True
    sandbox: SandboxPolicy = SandboxPolicy()


class References:
    """The reference solutions of ``track`` in the folder ``root``, run in the track's reference runtime
    (``Track.references``): imported in the judge process (PyTorch), or, for a runtime that is not
    ``in_judge`` (Gluon: MXNet cannot share the judge's process), started in a trusted process of
    the exercise's worker pool."""

    def __init__(self, root: Path, track: str = "pytorch") -> None:
        self.track = track
        self.runtime = get_track(track).reference_runner()
        self.root = root.resolve()
        if not self.root.is_dir():
            raise GraderFault(f"the reference solutions folder {self.root} does not exist")
        if getattr(self.runtime, "in_judge", True) and str(self.root) not in sys.path:
            sys.path.insert(0, str(self.root))

    def runner(self, exercise: Exercise, pool: WorkerPool | None = None) -> Any:
        if exercise.track != self.track:
            raise GraderFault(f"{exercise.id} is an exercise of the {exercise.track} track; these references "
                              f"are the {self.track} track's")
        if not getattr(self.runtime, "in_judge", True):
            if pool is None:
                raise GraderFault(f"the {self.track} references run in a process of the worker pool; none was given")
            return self.runtime.start(pool, exercise.module, self.root)
        try:
            module = importlib.import_module(exercise.module)
        except Exception as exc:  # noqa: BLE001
            raise GraderFault(f"cannot import the reference {exercise.module}: {exc}") from exc
        origin = Path(getattr(module, "__file__", "") or "").resolve()
        if self.root not in origin.parents:
            raise GraderFault(f"the reference {exercise.module} resolved to {origin}, outside {self.root}")
        return self.runtime(module, self.root)


class RecordedReferences:
    """Expected values replayed from recordings (a student release): no reference code runs."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder, self.seed = folder, seed

    def runner(self, exercise: Exercise, pool: WorkerPool | None = None) -> Any:
        from grader.expected import Recording, ReplayReference

        try:
            recording = Recording.load(self.folder, exercise.id)
        except (OSError, ValueError) as exc:
            raise GraderFault(f"no usable recording of the expected values of {exercise.id}: {exc}") from exc
        if recording.seed != self.seed:
            raise GraderFault(f"the expected values of {exercise.id} were recorded for seed {recording.seed}, "
                              f"not {self.seed}")
        return ReplayReference(recording)


def grade(submission: Path, exercises: tuple[Exercise, ...], *, seed: int | None = None,
          options: GradeOptions = GradeOptions(), pool: WorkerPool | None = None,
          on_exercise: Callable[[ExerciseResult], None] | None = None, student: str = "",
          references: Any = None, jobs: int = 1) -> RunResult:
    """Grade ``exercises`` of the submission folder ``submission``; returns the run's result.

    The expected values come from ``references`` (anything with ``runner(exercise)``: the
    :class:`References` or :class:`RecordedReferences` that :mod:`grader.app.root` chose for the
    command); without them, from the live references in ``options.solutions`` (default: the
    project's solutions), as tests and library callers grade.
    Raises SandboxUnavailable (naming what is missing) when ``options.sandbox.require`` and
    this machine cannot confine workers fully. ``jobs`` > 1 grades the exercises in that many
    judge processes (:func:`grader.sandbox.split.run_split`; only while this process has run no
    framework operation): the same results, in the same order."""
    seed = new_seed() if seed is None else seed
    t0 = time.perf_counter()
    started = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    track = exercises[0].track if exercises else "pytorch"
    pool = pool or WorkerPool(track=get_track(track))
    if pool.track.name != track:
        raise GraderFault(f"a worker pool of the {pool.track.name} track cannot grade {track} exercises")
    pool.warm_up()
    if options.sandbox.require:
        pool.check_sandbox(options.sandbox)
    if references is None:
        references = References(options.solutions or default_solutions(track), track)
    submission = submission.resolve()
    graded = run_split(exercises, lambda exercise, p: _grade_exercise(
        exercise, submission, seed=seed, options=options, pool=p, references=references),
        jobs=jobs, pool=pool, on_result=(lambda pair: on_exercise(pair[0])) if on_exercise else None)
    results = [result for result, _ in graded]
    protections = next((prot for _, prot in graded if prot), ())
    return RunResult(seed=seed, grader_version=__version__, submission=submission.name,
                     exercises=tuple(results), protections=protections,
                     duration=time.perf_counter() - t0, started_at=started, student=student,
                     track=track)


def _grade_exercise(exercise: Exercise, submission: Path, *, seed: int, options: GradeOptions,
                    pool: WorkerPool, references: Any) -> tuple[ExerciseResult, tuple[str, ...]]:
    t0 = time.perf_counter()
    checks = [c for c in exercise.checks if options.include_hidden or not getattr(c, "hidden", False)]
    graded = locate(submission, exercise.id)
    if graded is None:
        message = f"File not found: {exercise.path} (expected in {submission.name}/)."
        return _all_failed(exercise, checks, message, t0), ()
    if graded.problem:
        return _noted(_all_failed(exercise, checks, graded.problem, t0), graded), ()
    try:
        reference = references.runner(exercise, pool)
    except GraderFault as fault:
        return _all_status(exercise, checks, Status.ERROR, f"Grader fault: {fault}", t0), ()
    worker = None
    try:
        worker = pool.start(submission_root=submission, limits=options.limits, sandbox=options.sandbox)
        ctx = CheckContext(exercise=exercise.id, module=exercise.module, student=worker, reference=reference,
                           seed=seed, submission_root=submission, max_examples_scale=options.examples_scale,
                           source_file=graded.path)
        try:
            worker.request("import", module=exercise.module)
        except StudentError as err:
            failure = student_error_failure(err, doing="")
            failure.hints = get_track(exercise.track).hints_for(err, failure.hints)
            message = f"Your module {graded.path} could not be imported: {err.type}: {err.message}"
            results = tuple(_failed(exercise, c, failure, submission, feedback=message) for c in checks)
            return _noted(ExerciseResult(exercise.id, exercise.title, results, message=message,
                                         output=worker.output(), duration=time.perf_counter() - t0),
                          graded), worker.protections
        notebook = NotebookRun(graded, worker.request("notebook")["stopped"] if graded.is_notebook else None)
        out = []
        ended: str = ""
        for check in checks:
            if ended:
                out.append(_skipped(exercise, check, ended))
                continue
            result, died = _run_check(check, ctx, exercise, submission,
                                      control=_control(references, exercise, pool))
            out.append(notebook.explain(result))
            if died:
                ended = f"Not run: the worker died during check '{check.id}' ({died})."
        message = "\n".join(m for m in (notebook.stop_note(), ended and ended.replace(
            "Not run: ", "The exercise ended early: ")) if m)
        return _noted(ExerciseResult(exercise.id, exercise.title, tuple(out), message=message,
                                     output=worker.output(), duration=time.perf_counter() - t0),
                      graded), worker.protections
    except WorkerDied as died:
        results = tuple(_failed(exercise, c, Failure(died.message), submission) for c in checks)
        return _noted(ExerciseResult(exercise.id, exercise.title, results, message=died.message,
                                     output=worker.output() if worker else "", duration=time.perf_counter() - t0),
                      graded), ()
    finally:
        if worker is not None:
            worker.close()
        _close(reference)


def _close(runner: Any) -> None:
    """End a reference runner that holds a process (the Gluon track's)."""
    close = getattr(runner, "close", None)
    if callable(close):
        close()


def _control(references: Any, exercise: Exercise, pool: WorkerPool | None = None) -> Callable[[], Any] | None:
    """Fresh reference runners for a control run: live ones, or a batch's shared ones
    (``controls``); None when the references are recordings."""
    live = isinstance(references, References) or getattr(references, "controls", False)
    return (lambda: references.runner(exercise, pool)) if live else None


def _passes_on_reference(check: Any, ctx: CheckContext, control: Callable[[], Any] | None) -> bool:
    """Whether ``check`` passes when the reference plays the student: the control run that tells a
    grader bug (it fails there too) from an object of the student's the grader could not handle."""
    if control is None:
        return False
    runners: list[Any] = []
    try:
        runners = [control(), control()]
        check.run(replace(ctx, student=runners[0], reference=runners[1], notes=[]))
    except BaseException:  # noqa: BLE001 - any failure of the control leaves the fault with the grader
        return False
    finally:
        for runner in runners:
            _close(runner)
    return True


def _run_check(check: Any, ctx: CheckContext, exercise: Exercise, root: Path, *,
               control: Callable[[], Any] | None = None) -> tuple[CheckResult, str]:
    t0 = time.perf_counter()
    try:
        check.run(ctx)
    except Failure as failure:
        return _failed(exercise, check, failure, root, duration=time.perf_counter() - t0), ""
    except WorkerDied as died:
        loc = died.frames[-1] if died.frames else None
        failure = Failure(died.message, location=loc, hints=_death_hints(died.message))
        return _failed(exercise, check, failure, root, duration=time.perf_counter() - t0), died.message
    except GraderFault as fault:
        if type(fault).__name__ == "ReferenceUnavailable":
            return _error(exercise, check, f"This check could not be judged from the expected values recorded in "
                                           f"this release ({fault}); your instructor's grading judges it in full.",
                          t0), ""
        return _error(exercise, check, f"Grader fault (not your fault): {fault}", t0), ""
    except Exception as exc:  # noqa: BLE001 - a bug of the grader must not look like the student's
        if _passes_on_reference(check, ctx, control):  # then what the student built is what differs
            failure = Failure(f"The grader could not handle what your code built or returned in this check: "
                              f"{type(exc).__name__}: {exc}. The same check passes on the reference solution, so "
                              "your object differs from what the exercise asks for (this is not a grader fault).",
                              hints=("Compare the types and shapes your code returns with the exercise's "
                                     "description (a tensor where a tensor is asked for, an nn.Module where a "
                                     "module is asked for).",))
            return _failed(exercise, check, failure, root, duration=time.perf_counter() - t0), ""
        text = "".join(traceback.format_exception(exc))[-3000:]
        return _error(exercise, check, f"Grader fault (not your fault): {type(exc).__name__}: {exc}\n{text}", t0), ""
    return CheckResult(exercise=exercise.id, check=check.id, title=check.title, status=Status.PASSED,
                       score=float(check.points), max_score=float(check.points),
                       duration=time.perf_counter() - t0), ""


def _death_hints(message: str) -> list[str]:
    if message.startswith("time limit"):
        return ["A `while` loop whose condition never becomes false, or a computation far larger than the "
                "exercise needs, keeps the worker busy until the time limit."]
    if "os._exit" in message or "exited with status" in message:
        return ["Do not end the process (`os._exit`, `sys.exit`, `exit`) from your code."]
    if "SIGSEGV" in message:
        return ["The process crashed in native code (a segmentation fault): look for ctypes, or for "
                "operations on freed or out-of-range memory."]
    if "memory" in message:
        return ["The worker ran out of memory: look for a tensor far larger than the exercise needs."]
    return []


def _location(frame: dict[str, Any] | None, root: Path) -> Location | None:
    """Where a failure points, its line quoted (a notebook's as ``cell N, line M``)."""
    return notebook_places.location(root, frame)


def _noted(result: ExerciseResult, graded: Graded) -> ExerciseResult:
    """The exercise's result, saying which file was graded and what of a notebook was not run."""
    return dataclasses.replace(result, source=graded.note(), not_run=graded.not_run())


def _failed(exercise: Exercise, check: Any, failure: Failure, root: Path, *, duration: float = 0.0,
            feedback: str | None = None) -> CheckResult:
    return CheckResult(exercise=exercise.id, check=check.id, title=check.title, status=Status.FAILED,
                       score=0.0, max_score=float(check.points), feedback=feedback or failure.feedback,
                       hints=failure.hints, location=_location(failure.location, root),
                       failing_case=failure.case, duration=duration, figure=getattr(failure, "figure", None))


def _error(exercise: Exercise, check: Any, message: str, t0: float) -> CheckResult:
    return CheckResult(exercise=exercise.id, check=check.id, title=check.title, status=Status.ERROR,
                       score=0.0, max_score=float(check.points), feedback=message,
                       duration=time.perf_counter() - t0)


def _skipped(exercise: Exercise, check: Any, message: str) -> CheckResult:
    return CheckResult(exercise=exercise.id, check=check.id, title=check.title, status=Status.SKIPPED,
                       score=0.0, max_score=float(check.points), feedback=message)


def _all_failed(exercise: Exercise, checks: list[Any], message: str, t0: float) -> ExerciseResult:
    return _all_status(exercise, checks, Status.FAILED, message, t0)


def _all_status(exercise: Exercise, checks: list[Any], status: Status, message: str, t0: float) -> ExerciseResult:
    results = tuple(CheckResult(exercise=exercise.id, check=c.id, title=c.title, status=status, score=0.0,
                                max_score=float(c.points), feedback=message) for c in checks)
    return ExerciseResult(exercise.id, exercise.title, results, message=message, duration=time.perf_counter() - t0)
