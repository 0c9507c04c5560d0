"""The body of ``grade batch``: options to a :func:`run_batch` call, and the closing summary.

Exit status: 0 when the batch completed, whatever the students' scores (a
refused submission is the student's failure); 1 when some student could not
be graded because of a grader fault (the fault is listed; re-running grades
those students again); 2 on a usage error (raised as ``click.UsageError``
before anything is graded); 130 when interrupted (what was finished is kept).

Example:
    $ grade batch submissions/ --out graded/ --jobs 4 --seed 42 --only model_construction
"""
from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.batch.discover import BatchUsageError
from grader.batch.executors import DaskExecutor, Executor, ExecutorUnavailable, LocalExecutor
from grader.batch.progress import progress_for
from grader.batch.runner import BatchResult, run_batch
from grader.render._format import fmt_points

__all__ = ["run_batch_command", "print_summary"]


def _executor(kind: str, jobs: int | None, scheduler: str | None) -> Executor:
    if kind == "dask":
        if not scheduler:
            raise click.UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise click.UsageError("--executor dask needs Dask: pip install 'd2l-dlc-grader[dask]'") from None
        return DaskExecutor(scheduler)
    if scheduler:
        raise click.UsageError("--scheduler is only for --executor dask")
    return LocalExecutor(jobs)


def run_batch_command(*, submissions: Path, out: Path, jobs: int | None, seed: int | None, timeout: float,
                      memory_mb: int, target: str, force: bool, executor: str, scheduler: str | None,
                      console: Console, similarity: bool = True, track: str = "pytorch") -> int:
    """Run the batch and print its summary; returns the exit status (see the module docstring).

    Composed by :func:`grader.app.root.compose`: the seed policy (``--seed``, else the earlier
    batch's, else a fresh one); the job processes own their pools and live references."""
    from grader.app.root import compose
    from grader.sandbox.limits import Limits

    with compose("batch", seed=seed, track=track) as run:
        chosen = _executor(executor, jobs, scheduler)
        try:
            result = run_batch(submissions, out, seed=seed, target=target, force=force, executor=chosen,
                               limits=Limits(timeout=timeout, memory=memory_mb * 1024**2),
                               progress=progress_for(console), similarity=similarity, seed_policy=run.policy,
                               track=run.track)
        except BatchUsageError as exc:
            raise click.UsageError(str(exc)) from None
        except ExecutorUnavailable as exc:
            raise click.UsageError(str(exc)) from None
        except KeyboardInterrupt:
            console.print(Text("interrupted: the students finished so far are saved; run the same command again "
                               "to resume", style="yellow"))
            return 130
    print_summary(result, console)
    return result.exit_code


def print_summary(result: BatchResult, console: Console) -> None:
    """What the instructor reads at the end: counts, faults apart from refusals, where the files are.

    Example:
        >>> from rich.console import Console
        >>> from grader.batch.model import GRADED, REFUSED, StudentRecord
        >>> records = (StudentRecord("ada", key="k1", status=GRADED, score=9, max_score=10),
        ...            StudentRecord("bob", key="k2", status=REFUSED, max_score=10, message="no .py file"))
        >>> result = BatchResult(Path("graded"), seed=7, target="all", records=records,
        ...                      fresh=frozenset({"ada"}), executor="local")
        >>> print_summary(result, Console(width=100, color_system=None))
        2 students: 1 graded now, 1 reused; 1 refused; 0 grader faults. Mean score 45.0%.
        seed 7 · only all · local · 0.0 s
        Refused submissions (scored 0; each student's report says why):
          bob: no .py file
        class report: graded/index.html
        gradebook:    graded/grades.csv
        summary:      graded/summary.json
    """
    n = len(result.records)
    percents = sorted(r.percent for r in result.records)
    mean = sum(percents) / n if n else 0.0
    console.print(Text(f"{n} student{'s' if n != 1 else ''}: {len(result.fresh)} graded now, {result.reused} "
                       f"reused; {len(result.refused)} refused; {len(result.faults)} grader "
                       f"fault{'s' if len(result.faults) != 1 else ''}. Mean score {mean:.1f}%.", style="bold"))
    console.print(Text(f"seed {result.seed} · only {result.target} · {result.executor} · {result.duration:.1f} s"))
    if result.ignored:
        console.print(Text("ignored (not a folder or .zip): " + ", ".join(result.ignored), style="yellow"))
    if result.refused:
        console.print(Text("Refused submissions (scored 0; each student's report says why):", style="yellow"))
        for r in result.refused:
            console.print(Text(f"  {r.student}: {r.message}"))
    if result.faults:
        console.print(Text("GRADER FAULTS (not the students' fault; fix and run again, they will be regraded):",
                           style="bold magenta"))
        for r in result.faults:
            first = r.message.splitlines()[0] if r.message else ""
            console.print(Text(f"  {r.student}: {fmt_points(r.score)}/{fmt_points(r.max_score)} — {first}"))
    for label, name in (("class report", "index.html"), ("gradebook", "grades.csv"), ("summary", "summary.json")):
        console.print(Text(f"{label + ':':14s}{result.out / name}"))
