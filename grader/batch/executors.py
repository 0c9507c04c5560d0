"""Where students are graded: in this process, in local job processes, or on a Dask cluster.

Every executor maps :func:`grader.batch.job.grade_student` over the tasks and
yields one :class:`StudentOutcome` per task, in completion order, keeping only
a small window of tasks in flight (so a large class is never all in memory).
An executor never raises because of one student: a job process that dies or a
Dask task that fails becomes a grader-fault outcome for that student.

- :class:`LocalExecutor` (``--executor local``, the default): ``jobs``
  processes from a ``forkserver`` multiprocessing context whose server
  preloads :mod:`grader.batch.job` (torch is imported once for all of them;
  no job is forked from a process that ran torch operations). Each job
  process creates one :class:`WorkerPool` in its initializer and grades many
  students. If a job process dies, the students that were in flight are
  graded again one at a time in a fresh pool; the one that kills it again is
  reported as a grader fault.
- :class:`DaskExecutor` (``--executor dask --scheduler ADDRESS``): the same
  tasks on a Dask distributed cluster. Submissions travel inside the tasks and
  results come back through the client; workers need the grader installed,
  not access to the instructor's folders.
- :class:`InlineExecutor`: one after the other in the calling process (tests,
  debugging).

Example:
    >>> LocalExecutor(jobs=2).describe()
    'local, 2 job processes'
"""
from __future__ import annotations

import collections
import dataclasses
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterable, Iterator, Protocol

from grader.batch.model import BatchSettings, StudentOutcome, StudentTask

__all__ = ["Executor", "LocalExecutor", "DaskExecutor", "InlineExecutor", "ExecutorUnavailable", "default_jobs"]


class ExecutorUnavailable(RuntimeError):
    """The executor cannot start (Dask not installed, scheduler unreachable)."""


class Executor(Protocol):
    """Grades tasks and yields their outcomes as they complete."""

    def describe(self) -> str:
        """A short description for reports ("local, 4 job processes")."""
        ...

    def start(self) -> None:
        """Begin slow start-up work early (optional; :meth:`run` works without it)."""
        ...

    def run(self, tasks: Iterable[StudentTask], settings: BatchSettings) -> Iterator[StudentOutcome]:
        """One outcome per task, in completion order."""
        ...


def default_jobs() -> int:
    """All the cores this process may use.

    Example:
        >>> default_jobs() >= 1
        True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _grade_function() -> Any:
    from grader.batch.job import grade_student

    return grade_student


def _fault(task: StudentTask, settings: BatchSettings, message: str) -> StudentOutcome:
    from grader.batch.job import fault_outcome

    return fault_outcome(task, settings, message)


class InlineExecutor:
    """Grade in the calling process, one student after the other, with ``pool`` (or this process's)."""

    def __init__(self, pool: Any = None) -> None:
        self.pool = pool

    def describe(self) -> str:
        return "inline (in this process)"

    def start(self) -> None:
        pass

    def run(self, tasks: Iterable[StudentTask], settings: BatchSettings) -> Iterator[StudentOutcome]:
        from grader.batch.job import grade_student

        for task in tasks:
            yield grade_student(task, settings, pool=self.pool)


class LocalExecutor:
    """``jobs`` local job processes, each with one warm worker pool (see the module docstring).

    ``function`` replaces :func:`grade_student` (it must be importable by
    name in the job processes); ``window`` is how many tasks may be in flight
    (default: twice ``jobs``).
    """

    max_consecutive_deaths = 3
    """Pool deaths in a row (no student graded in between) after which the rest is not tried."""

    def __init__(self, jobs: int | None = None, *, function: Any = None, window: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs!r}")
        self.function = function
        self.window = window or 2 * self.jobs

    def describe(self) -> str:
        return f"local, {self.jobs} job process{'es' if self.jobs != 1 else ''}"

    @staticmethod
    def _context() -> Any:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["grader.batch.job"])
        return ctx

    def start(self) -> None:
        """Start the multiprocessing fork server now: it imports torch while this process does other work."""
        from multiprocessing import forkserver

        self._context()
        forkserver.ensure_running()

    def _new_pool(self, target: str, track: str = "pytorch") -> ProcessPoolExecutor:
        from grader.batch.job import init_job

        ctx = self._context()
        threads = max(1, default_jobs() // self.jobs)
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx, initializer=init_job,
                                   initargs=(threads, os.getpid(), target, track))

    def run(self, tasks: Iterable[StudentTask], settings: BatchSettings) -> Iterator[StudentOutcome]:
        function = self.function or _grade_function()
        pending = iter(tasks)
        alone: collections.deque[StudentTask] = collections.deque()  # run one at a time: a pool died under them
        strikes: collections.Counter[str] = collections.Counter()
        in_flight: dict[Future[StudentOutcome], StudentTask] = {}
        pool = self._new_pool(settings.target, settings.track)
        deaths = 0
        try:
            while True:
                limit = 1 if alone else self.window
                while len(in_flight) < limit:
                    task = alone.popleft() if alone else next(pending, None)
                    if task is None:
                        break
                    in_flight[_submit(pool, function, task, settings)] = task
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                broken = any(isinstance(f.exception(), BrokenProcessPool) for f in done)
                if broken:
                    wait(in_flight)  # the pool is unusable: every future ends now
                    done = set(in_flight)
                for future in done:
                    task = in_flight.pop(future)
                    exc = future.exception()
                    if exc is None:
                        deaths = 0
                        yield future.result()
                    elif isinstance(exc, BrokenProcessPool):
                        strikes[task.student] += 1
                        if strikes[task.student] >= 2:
                            yield _fault(task, settings, "the job process grading this student died twice, "
                                                         f"the second time grading it alone: {exc}")
                        else:
                            alone.append(task)
                    else:
                        yield _fault(task, settings, f"the job process raised {type(exc).__name__}: {exc}")
                if broken:
                    deaths += 1
                    _stop(pool, kill=True)
                    if deaths >= self.max_consecutive_deaths:
                        for task in (*alone, *pending):
                            yield _fault(task, settings, f"not graded: the job processes died {deaths} times in "
                                                         "a row (is the machine out of memory?)")
                        return
                    pool = self._new_pool(settings.target, settings.track)
        finally:
            _stop(pool, kill=True)  # idle once finished: no need to wait for interpreters (torch) to tear down


def _submit(pool: ProcessPoolExecutor, function: Any, task: StudentTask,
            settings: BatchSettings) -> Future[StudentOutcome]:
    """``pool.submit``, or a future that already failed if the pool broke meanwhile."""
    try:
        return pool.submit(function, task, settings)
    except BrokenProcessPool as exc:
        future: Future[StudentOutcome] = Future()
        future.set_exception(exc)
        return future


def _stop(pool: ProcessPoolExecutor, *, kill: bool) -> None:
    """Shut the pool down; with ``kill`` terminate its processes first (they may be busy or broken,
    or idle with nothing left to do: their fork servers and workers end when they do)."""
    if kill:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                process.terminate()
            except (OSError, AttributeError):
                pass
    pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Tasks on the Dask distributed cluster whose scheduler is at ``address`` (``tcp://host:8786``).

    Each Dask worker process grades with its own lazily created, cached
    :class:`WorkerPool`. ``window`` defaults to twice the cluster's threads.
    """

    def __init__(self, address: str, *, function: Any = None, window: int | None = None,
                 connect_timeout: float = 30.0) -> None:
        self.address = address
        self.function = function
        self.window = window
        self.connect_timeout = connect_timeout

    def describe(self) -> str:
        return f"dask, scheduler {self.address}"

    def start(self) -> None:
        pass

    def _client(self) -> Any:
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorUnavailable("the dask executor needs Dask: pip install 'd2l-dlc-grader[dask]'") from None
        try:
            return Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None

    def run(self, tasks: Iterable[StudentTask], settings: BatchSettings) -> Iterator[StudentOutcome]:
        from distributed import as_completed

        function = self.function or _grade_function()
        settings = dataclasses.replace(settings, verify_grader=True)  # workers may run another installation
        client = self._client()
        try:
            window = self.window or max(2, 2 * sum(client.nthreads().values()))
            pending = iter(tasks)
            futures = as_completed(loop=client.loop)
            owners: dict[str, StudentTask] = {}

            def submit() -> bool:
                task = next(pending, None)
                if task is None:
                    return False
                future = client.submit(function, task, settings, pure=False, key=f"grade-{task.student}-"
                                       f"{task.key[:16]}-{os.urandom(4).hex()}")
                owners[future.key] = task
                futures.add(future)
                return True

            for _ in range(window):
                if not submit():
                    break
            for future in futures:
                task = owners.pop(future.key)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, a missing package on a worker…
                    outcome = _fault(task, settings, f"the Dask task failed: {type(exc).__name__}: {exc}")
                future.release()
                yield outcome
                submit()
        finally:
            client.close()
