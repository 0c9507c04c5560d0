"""The ``grade`` command: thin wrappers over the engine and the renderers.

Example:
    $ grade list
    $ grade exercise model_construction --submission my_work --seed 42 --json results.json
    $ grade batch submissions/ --out graded/ --jobs 8 --seed 42
    $ grade export canvas graded/ --roster roster.csv --out canvas.csv
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.usage import usage_errors

__all__ = ["main", "usage_errors"]


def _console() -> "Console":  # noqa: F821 - rich imported lazily
    """A terminal console; 120 columns wide when the output is not a terminal."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=120)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="d2l-dlc-grader", prog_name="grade")
def main() -> None:
    """Grade the "Deep Learning Computation" exercises of Dive into Deep Learning."""


@main.command("list")
def list_exercises() -> None:
    """Show every exercise with its checks' points."""
    from rich.table import Table

    from grader.catalog import all_exercises, is_hidden

    table = Table(title="Exercises", show_lines=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("title")
    table.add_column("checks", justify="right")
    table.add_column("points", justify="right")
    table.add_column("hidden", justify="right")
    total = 0.0
    for ex in all_exercises():
        hidden = [c for c in ex.checks if is_hidden(c)]
        table.add_row(ex.id, ex.title, str(len(ex.checks)), f"{ex.max_score:g}",
                      f"{len(hidden)} ({sum(c.points for c in hidden):g} pts)" if hidden else "")
        total += ex.max_score
    console = _console()
    console.print(table)
    console.print(f"{len(all_exercises())} exercises, {total:g} points. "
                  "Grade one with `grade exercise <id>`, a topic with `grade exercise <topic>`, "
                  "or everything with `grade exercise all`.")


@main.command("exercise")
@click.argument("target", default="all")
@click.option("--submission", "-s", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with <topic>/<module>.py files (default: ./exercises).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed of the run (default: a fresh one, printed).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results in Gradescope's results.json format to this file.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the HTML report (default: reports/report.html).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
@click.option("--verbose", "-v", is_flag=True, help="Also show what your code printed.")
@click.option("--require-sandbox", is_flag=True,
              help="Refuse to grade (exit 2) unless Landlock, seccomp and a network namespace confine the workers.")
def exercise(target: str, submission: Path | None, seed: int | None, json_path: Path | None,
             html_path: Path | None, timeout: float, memory_mb: int, verbose: bool, require_sandbox: bool) -> None:
    """Grade TARGET: an exercise id (model_construction/mlp), a topic, or `all`.

    Runs the public checks (hidden ones run in `grade batch` and `grade ci`). In a
    student release, the expected values come from the release's recordings.
    """
    from grader.sandbox.forkserver import ForkServer

    server = ForkServer()  # imports torch in its own process while this one does the same

    from grader.catalog import is_hidden, select
    from grader.engine import grade
    from grader.paths import default_submission
    from grader.settings import run_settings
    from grader.render import render_terminal, write_gradescope_json, write_html
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits
    from grader.sandbox.policy import SandboxPolicy, SandboxUnavailable

    with usage_errors(server):
        chosen = select(target)
        root = (submission or default_submission()).resolve()
        if not root.is_dir():
            raise click.UsageError(f"submission folder {root} does not exist")
        seed, options = run_settings(seed, include_hidden=False, sandbox=SandboxPolicy(require=require_sandbox),
                                     limits=Limits(timeout=timeout, memory=memory_mb * 1024**2))
    console = _console()
    with WorkerPool(server) as pool, console.status(f"grading {target} (seed {seed})…") as status:
        def progress(result):  # type: ignore[no-untyped-def]
            status.update(f"graded {result.exercise}: {result.score:g}/{result.max_score:g}")

        try:
            run = grade(root, chosen, seed=seed, options=options, pool=pool, on_exercise=progress)
        except SandboxUnavailable as exc:
            status.stop()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
    render_terminal(run, console, verbose=verbose)
    hidden = [c for e in chosen for c in e.checks if is_hidden(c)]
    if hidden:
        console.print(f"Not run here: {len(hidden)} hidden check(s) ({sum(c.points for c in hidden):g} points) that "
                      f"only your instructor's grading (`grade batch`, `grade ci`) runs.")
    html = write_html(run, html_path or Path("reports") / "report.html")
    console.print(f"HTML report: {html}")
    if json_path:
        console.print(f"results.json: {write_gradescope_json(run, json_path)}")
    sys.exit(0 if run.passed else 1)


@main.command("batch")
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder: DIR/<student>/results.json and report.html, DIR/index.html, grades.csv, "
                   "summary.json.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Job processes (default: all cores).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Seed for every student (default: the seed of an earlier batch in DIR, else a fresh one).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
@click.option("--only", "target", default="all", show_default=True,
              help="Grade only these exercises: a topic (model_construction) or an exercise id.")
@click.option("--force", is_flag=True, help="Grade every student again, even if their results are up to date.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where to grade: local job processes, or a Dask cluster (needs --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--no-similarity", "no_similarity", is_flag=True,
              help="Do not compare the students' code (the class report's \"Similar submissions\").")
def batch(submissions: Path, out: Path, jobs: int | None, seed: int | None, timeout: float, memory_mb: int,
          target: str, force: bool, executor: str, scheduler: str | None, no_similarity: bool) -> None:
    """Grade a class: SUBMISSIONS holds one folder or .zip per student (the name is the student id).

    Exit status: 0 when every student was graded (even if some failed or were
    refused), 1 when a grader fault left a student without a real grade, 2 on
    a usage error. Re-running the same command resumes: students whose
    submission, grader and seed are unchanged are not graded again.
    """
    from grader.batch.cli import run_batch_command

    sys.exit(run_batch_command(submissions=submissions, out=out, jobs=jobs, seed=seed, timeout=timeout,
                               memory_mb=memory_mb, target=target, force=force, executor=executor,
                               scheduler=scheduler, console=_console(), similarity=not no_similarity))


@main.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["canvas", "moodle", "csv"]))
@click.argument("graded", type=click.Path(file_okay=False, path_type=Path))
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV exported from the LMS: maps each submission id to the student's LMS identity.")
@click.option("--roster-key", metavar="COLUMN", help="The roster column holding the submission ids (default: guessed).")
@click.option("--assignment", default="Deep Learning Computation", show_default=True,
              help='Assignment column title; for Canvas, "Title (number)" fills that existing assignment.')
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--per-exercise", is_flag=True, help="One more column per exercise.")
@click.option("--moodle-id", type=click.Choice(["email", "idnumber", "username"]), default="email",
              show_default=True, help="Moodle: the identity column (Email address, ID number or Username).")
@click.option("--feedback-url", metavar="URL",
              help="Moodle: the feedback is URL/<student>/report.html (default: a short summary).")
def export(fmt: str, graded: Path, roster: Path | None, roster_key: str | None, assignment: str, out: Path | None,
           per_exercise: bool, moodle_id: str, feedback_url: str | None) -> None:
    """Write a finished batch (GRADED: the --out of grade batch) as a gradebook file: canvas, moodle or csv.

    No submission, refused or grader fault: an empty cell, never 0; listed on standard error.
    """
    from grader.export.cli import run_export

    sys.exit(run_export(fmt, graded, roster=roster, roster_key=roster_key, assignment=assignment, out=out,
                        per_exercise=per_exercise, moodle_id=moodle_id, feedback_url=feedback_url))


def _min_score(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """``--min-score``: ``0.6`` or ``60%``, a fraction of the maximum score; absent (or empty):
    every check must pass, as for ``grade exercise``."""
    from grader.ci.threshold import parse_min_score

    if value is None:
        return None
    try:
        return parse_min_score(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command("ci")
@click.argument("target", default="all")
@click.option("--submission", "-s", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with <topic>/<module>.py files (default: ./exercises).")
@click.option("--min-score", callback=_min_score, default=None, metavar="FRACTION|PERCENT%",
              help="Least score for exit 0: a fraction of the maximum (0.6) or a percentage (60%). "
                   "Default: every check must pass (as `grade exercise`); 0: exit 0 whatever the score.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("grade-results"),
              show_default=True, help="Folder for junit.xml, results.json, summary.md and report.html.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed of the run (default: a fresh one, printed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
@click.option("--verbose", "-v", is_flag=True, help="Also show what the submission printed.")
@click.option("--require-sandbox", is_flag=True,
              help="Refuse to grade (exit 2) unless Landlock, seccomp and a network namespace confine the workers.")
def ci(target: str, submission: Path | None, min_score: float | None, out: Path, seed: int | None, timeout: float,
       memory_mb: int, verbose: bool, require_sandbox: bool) -> None:
    """Grade TARGET (default `all`) in a CI job: every check, public and hidden.

    Writes OUT/junit.xml, results.json, summary.md (also appended to
    $GITHUB_STEP_SUMMARY when set) and report.html. Exit status: 0 when every
    check passed (or, with --min-score, at or above it), 1 otherwise, 2 usage
    error, 3 grader fault.
    """
    from grader.ci.command import run_ci_command

    sys.exit(run_ci_command(target=target, submission=submission, min_score=min_score, seed=seed, timeout=timeout,
                            memory_mb=memory_mb, out=out, require_sandbox=require_sandbox, verbose=verbose,
                            console=_console()))


@main.command("new")
@click.argument("exercise_id", metavar="TOPIC/NAME")
@click.option("--title", help="The exercise's title (default: derived from NAME).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder to write into (default: the checkout this grader runs from).")
def new(exercise_id: str, title: str | None, root: Path | None) -> None:
    """Scaffold exercise TOPIC/NAME: a stub, a solution, a mutant and its check declarations.

    Refuses (exit 2) a malformed id, an id already in the catalog, or any file that exists.
    """
    from grader.authoring.scaffold import ScaffoldError, scaffold
    from grader.catalog import all_exercises
    from grader.paths import project_root

    target = (root or project_root()).resolve()
    try:
        written = scaffold(exercise_id, root=target, title=title, known_ids=tuple(e.id for e in all_exercises()))
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    console = _console()
    for path in written:
        console.print(f"wrote {path.relative_to(target)}")
    if target != project_root().resolve():
        console.print(f"Note: this grader reads its catalog from {project_root() / 'grader'}, not {target}.")
    console.print(f"Next: edit the files, add mutants, then `grade selftest {exercise_id}`.")


@main.command("selftest")
@click.argument("target", default="all")
@click.option("--examples-scale", type=click.FloatRange(min=0.01, max=10.0), default=1.0, show_default=True,
              help="Scale the number of drawn examples of every check (0.3: a faster, lighter run).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed of the run (default: a fresh one, printed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per graded exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
@click.option("--solutions", type=click.Path(file_okay=False, path_type=Path),
              help="Reference solutions (default: ./solutions of the project, or $GRADE_SOLUTIONS).")
@click.option("--stubs", type=click.Path(file_okay=False, path_type=Path),
              help="Stubs as students get them (default: the project's exercises/).")
@click.option("--mutants", type=click.Path(file_okay=False, path_type=Path),
              help="Also grade the known-bad submissions kept as module files here, "
                   "<topic>/<module>/<slug>.py (the mutants each declaration module declares always run).")
def selftest(target: str, examples_scale: float, seed: int | None, timeout: float, memory_mb: int,
             solutions: Path | None, stubs: Path | None, mutants: Path | None) -> None:
    """Prove TARGET's exercises sound (an exercise id, a topic, or `all`).

    Every solution must score full and every stub zero (hidden checks included);
    each mutant must fail at least one check, and each check must fail on at least
    one mutant. Exit status: 0 sound, 1 not, 2 usage error.
    """
    from grader.sandbox.forkserver import ForkServer

    server = ForkServer()  # imports torch in its own process while this one does the same
    from grader.authoring.report import render_selftest
    from grader.authoring.selftest import run_selftest
    from grader.catalog import select
    from grader.engine import GradeOptions, new_seed
    from grader.paths import default_solutions
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits

    with usage_errors(server):
        chosen = select(target)
        if not (solutions or default_solutions()).is_dir():
            raise click.UsageError(f"solutions folder {solutions or default_solutions()} does not exist")
    seed = new_seed() if seed is None else seed
    console = _console()
    console.print(f"selftest of {target}: {len(chosen)} exercise(s), seed {seed}")
    options = GradeOptions(limits=Limits(timeout=timeout, memory=memory_mb * 1024**2), examples_scale=examples_scale)
    with WorkerPool(server) as pool, console.status(f"selftest {target} (seed {seed})…") as status:
        report = run_selftest(chosen, seed=seed, options=options, solutions=solutions, stubs=stubs,
                              mutants=mutants, pool=pool, on_step=status.update, check_strays=target == "all")
    render_selftest(report, console)
    sys.exit(0 if report.sound else 1)


@main.command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--only", "target", default="all", show_default=True,
              help="Release only these exercises: a topic (model_construction) or an exercise id.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1),
              help="Seed whose cases are recorded (default: a fresh one, printed).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per graded exercise, in seconds.")
@click.option("--notebooks", is_flag=True, help="Hand the stubs out as one exercises/<topic>.ipynb per topic.")
def release(out: Path, target: str, seed: int | None, force: bool, timeout: float, notebooks: bool) -> None:
    """Build the student release in OUT: stubs, grader, public checks, recorded expected values.

    No solutions, no mutants, no hidden checks go in. The expected values are
    recorded from the references while grading the solutions, the stubs and the
    mutants; the release is then verified by replaying all of them (each check's
    status and score must equal the live grading) and by scanning it for lines
    of the solutions. Exit status: 0 built and verified, 1 verification failed,
    2 usage error.
    """
    from grader.release.manifest import current_release

    if current_release() is not None:
        raise click.UsageError("this is a student release: releases are built from the full project")
    from grader.sandbox.forkserver import ForkServer

    server = ForkServer()
    from grader.catalog import select
    from grader.engine import GradeOptions, new_seed
    from grader.release.build import ReleaseError, build_release
    from grader.sandbox.client import WorkerPool
    from grader.sandbox.limits import Limits

    with usage_errors(server):
        chosen = select(target)
    seed = new_seed() if seed is None else seed
    console = _console()
    options = GradeOptions(limits=Limits(timeout=timeout))
    with WorkerPool(server) as pool, console.status(f"building the release of {target} (seed {seed})…") as status:
        try:
            report = build_release(out, exercises=chosen, seed=seed, pool=pool, force=force, options=options,
                                   notebooks=notebooks, step=status.update)
        except ReleaseError as exc:
            status.stop()
            raise click.UsageError(str(exc)) from None
    points = sum(e.max_score for e in report.exercises)
    console.print(f"Release in {report.out}: {len(report.exercises)} exercise(s), {points:g} points of public "
                  f"checks, seed {report.seed}; expected values recorded from {report.submissions} submissions "
                  f"(solutions, stubs, mutants): {report.recorded_bytes / 1024:.0f} KiB.")
    for line in report.mismatches:
        console.print(f"[red]replay differs[/red]: {line}")
    for leak in report.leaks:
        console.print(f"[red]solution code inside[/red]: {leak.found_in} has {leak.line!r} ({leak.solution})")
    if report.feedback_differs:
        console.print(f"{len(report.feedback_differs)} check(s) replay with other feedback text than live "
                      f"(same verdict): {', '.join(report.feedback_differs[:5])}")
    if report.ok:
        console.print("Verified: replaying every recorded submission gives the live verdicts; no solution line "
                      "inside. Students install it with `pip install -e .` in that folder.")
    sys.exit(0 if report.ok else 1)


from grader.watch.command import watch  # noqa: E402 - the command lives with its package
main.add_command(watch)

if __name__ == "__main__":  # pragma: no cover
    main()
