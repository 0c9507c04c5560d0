"""The ``grade`` command: its options, and one call per command into :mod:`grader.app` (each
command's module asks the composition root, :mod:`grader.app.root`, for its installation, seed,
references and worker pool).

Example:
    $ grade list
    $ grade exercise model_construction --submission my_work --seed 42 --json results.json
    $ grade batch submissions/ --out graded/ --jobs 8 --seed 42
    $ grade export canvas graded/ --roster roster.csv --out canvas.csv

The same, in a test (:class:`click.testing.CliRunner`; ``--help`` and usage errors start nothing):
    >>> from click.testing import CliRunner
    >>> result = CliRunner().invoke(main, ["--help"])
    >>> result.exit_code, "Deep Learning Computation" in result.output
    (0, True)
    >>> sorted(main.commands)
    ['batch', 'ci', 'exercise', 'export', 'list', 'new', 'release', 'selftest', 'setup', 'watch']
    >>> CliRunner().invoke(main, ["exercise", "--seed", "-1"]).exit_code   # a usage error
    2
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["main", "entry"]



def entry() -> None:
    """The ``grade`` console script: :func:`main`, told (in its context object) that a command which
    has closed everything it opened may end the process without the interpreter's teardown (about
    0.4 s with torch loaded)."""
    main(obj={"quick_exit": True})


def _leave(code: int) -> None:
    """Exit with ``code``: at once (``os._exit``, output flushed) under :func:`entry`, else ``sys.exit``.

    Example:
        >>> _leave(0)
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and isinstance(ctx.find_root().obj, dict) and ctx.find_root().obj.get("quick_exit"):
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _console() -> "Console":  # noqa: F821 - rich imported lazily
    """A terminal console; 120 columns wide when the output is not a terminal."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=120)


track_option = click.option(
    "--track", type=click.Choice(["pytorch", "gluon"]), default=None,
    help="The framework the exercises are written in: pytorch (default) or gluon (MXNet Gluon; its environment is "
         "built on first use, see `grade setup gluon`). A student release knows its own.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="d2l-dlc-grader", prog_name="grade")
def main() -> None:
    """Grade the "Deep Learning Computation" exercises of Dive into Deep Learning."""


@main.command("list")
@track_option
def list_exercises(track: str | None) -> None:
    """Show every exercise with its checks' points."""
    from grader.app.listing import run_list

    sys.exit(run_list(_console(), track=track))


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
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Exercises graded at once (default: one per core).")
@click.option("--verbose", "-v", is_flag=True, help="Also show what your code printed.")
@click.option("--require-sandbox", is_flag=True,
              help="Refuse to grade (exit 2) unless Landlock, seccomp and a network namespace confine the workers.")
@track_option
def exercise(target: str, submission: Path | None, seed: int | None, json_path: Path | None,
             html_path: Path | None, timeout: float, memory_mb: int, jobs: int | None, verbose: bool,
             require_sandbox: bool, track: str | None) -> None:
    """Grade TARGET: an exercise id (model_construction/mlp), a topic, or `all`.

    Runs the public checks (hidden ones run in `grade batch` and `grade ci`). In a
    student release, the expected values come from the release's recordings.
    """
    from grader.app.exercise import run_exercise

    _leave(run_exercise(target=target, submission=submission, seed=seed, json_path=json_path, html_path=html_path,
                          timeout=timeout, memory_mb=memory_mb, verbose=verbose, require_sandbox=require_sandbox,
                          console=_console(), jobs=jobs, track=track))


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
@track_option
def batch(submissions: Path, out: Path, jobs: int | None, seed: int | None, timeout: float, memory_mb: int,
          target: str, force: bool, executor: str, scheduler: str | None, no_similarity: bool,
          track: str | None) -> None:
    """Grade a class: SUBMISSIONS holds one folder or .zip per student (the name is the student id).

    Exit status: 0 when every student was graded (even if some failed or were
    refused), 1 when a grader fault left a student without a real grade, 2 on
    a usage error. Re-running the same command resumes: students whose
    submission, grader and seed are unchanged are not graded again.
    """
    from grader.batch.cli import run_batch_command

    sys.exit(run_batch_command(submissions=submissions, out=out, jobs=jobs, seed=seed, timeout=timeout,
                               memory_mb=memory_mb, target=target, force=force, executor=executor,
                               scheduler=scheduler, console=_console(), similarity=not no_similarity, track=track))


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
@track_option
def ci(target: str, submission: Path | None, min_score: float | None, out: Path, seed: int | None, timeout: float,
       memory_mb: int, verbose: bool, require_sandbox: bool, track: str | None) -> None:
    """Grade TARGET (default `all`) in a CI job: every check, public and hidden.

    Writes OUT/junit.xml, results.json, summary.md (also appended to
    $GITHUB_STEP_SUMMARY when set) and report.html. Exit status: 0 when every
    check passed (or, with --min-score, at or above it), 1 otherwise, 2 usage
    error, 3 grader fault.
    """
    from grader.ci.command import run_ci_command

    sys.exit(run_ci_command(target=target, submission=submission, min_score=min_score, seed=seed, timeout=timeout,
                            memory_mb=memory_mb, out=out, require_sandbox=require_sandbox, verbose=verbose,
                            console=_console(), track=track))


@main.command("new")
@click.argument("exercise_id", metavar="TOPIC/NAME")
@click.option("--title", help="The exercise's title (default: derived from NAME).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder to write into (default: the checkout this grader runs from).")
@track_option
def new(exercise_id: str, title: str | None, root: Path | None, track: str | None) -> None:
    """Scaffold exercise TOPIC/NAME: a stub, a solution, a mutant and its check declarations.

    Refuses (exit 2) a malformed id, an id already in the catalog, or any file that exists.
    """
    from grader.app.new import run_new

    sys.exit(run_new(exercise_id, title=title, root=root, console=_console(), track=track))


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
              help="Reference solutions (default: the project's solutions/, or $GRADE_SOLUTIONS; Gluon's: gluon/solutions/).")
@click.option("--stubs", type=click.Path(file_okay=False, path_type=Path),
              help="Stubs as students get them (default: the project's exercises/; Gluon's: gluon/exercises/).")
@click.option("--mutants", type=click.Path(file_okay=False, path_type=Path),
              help="Also grade the known-bad submissions kept as module files here, "
                   "<topic>/<module>/<slug>.py (the mutants each declaration module declares always run).")
@track_option
def selftest(target: str, examples_scale: float, seed: int | None, timeout: float, memory_mb: int,
             solutions: Path | None, stubs: Path | None, mutants: Path | None, track: str | None) -> None:
    """Prove TARGET's exercises sound (an exercise id, a topic, or `all`).

    Every solution must score full and every stub zero (hidden checks included);
    each mutant must fail at least one check, and each check must fail on at least
    one mutant. Exit status: 0 sound, 1 not, 2 usage error.
    """
    from grader.app.selftest import run_selftest_command

    sys.exit(run_selftest_command(target=target, examples_scale=examples_scale, seed=seed, timeout=timeout,
                                  memory_mb=memory_mb, solutions=solutions, stubs=stubs, mutants=mutants,
                                  console=_console(), track=track))


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
@track_option
def release(out: Path, target: str, seed: int | None, force: bool, timeout: float, notebooks: bool,
            track: str | None) -> None:
    """Build the student release in OUT: stubs, grader, public checks, recorded expected values.

    No solutions, no mutants, no hidden checks go in. The expected values are
    recorded from the references while grading the solutions, the stubs and the
    mutants; the release is then verified by replaying all of them (each check's
    status and score must equal the live grading) and by scanning it for lines
    of the solutions. Exit status: 0 built and verified, 1 verification failed,
    2 usage error.
    """
    from grader.app.release import run_release_command

    sys.exit(run_release_command(out=out, target=target, seed=seed, force=force, timeout=timeout,
                                 notebooks=notebooks, console=_console(), track=track))


@main.command("watch")
@click.argument("target", default="all")
@click.option("--submission", "-s", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with <topic>/<module>.py or .ipynb files (default: ./exercises).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed of every run (default: a fresh one, printed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Wall-clock limit per exercise, in seconds.")
@click.option("--memory", "memory_mb", type=click.IntRange(min=64), default=3072, show_default=True,
              help="Memory a worker may use beyond its start-up size, in MiB.")
@track_option
def watch(target: str, submission: Path | None, seed: int | None, timeout: float, memory_mb: int,
          track: str | None) -> None:
    """Grade TARGET (an exercise, a topic or `all`), then re-grade on every save of a .py or
    .ipynb file, printing a compact verdict and the checks that newly pass or fail.

    One warm judge and worker pool serve every run, with one seed, so a change in a verdict
    comes from a change in your code. Stop with Ctrl-C (exit status 0).
    """
    from grader.watch.command import run_watch

    sys.exit(run_watch(target=target, submission=submission, seed=seed, timeout=timeout, memory_mb=memory_mb,
                       track=track))


@main.command("setup")
@click.argument("track", type=click.Choice(["gluon"]))
@click.option("--env", "env", type=click.Path(file_okay=False, path_type=Path),
              help="Where the environment goes (default: $GRADE_GLUON_ENV, else the user's cache folder, "
                   "~/.cache/d2l-dlc-grader/gluon-env).")
def setup(track: str, env: Path | None) -> None:
    """Build the managed environment of TRACK (gluon: MXNet 1.9.1 with NumPy < 1.24, in a
    virtual environment of its own, since the judge's NumPy cannot share it).

    Needs network access to PyPI (or a configured index) once. Run it again to repair the
    environment. Exit status: 0 ready, 1 could not be built.
    """
    from grader.app.setup import run_setup

    sys.exit(run_setup(track, env=env, console=_console()))


if __name__ == "__main__":  # pragma: no cover
    main()
