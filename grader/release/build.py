"""`grade release OUT`: build what students receive, and prove it grades like the full grader.

Steps: copy the grader, its declaration modules stripped of their hidden checks and
mutants (:mod:`grader.release.strip`); copy the stubs; record the
references' answers while grading the solutions, the stubs and the mutants on
the public checks; write the manifest, ``pyproject.toml`` and README; then
replay every one of those submissions against the recordings and compare each
check's status and score with the live grading, and scan the release for lines
of the solutions.

Example::

    report = build_release(Path("release"), exercises=select("all"), seed=7, pool=pool)
    report.ok   # True: replay verdicts equal live ones, no solution line inside
"""
from __future__ import annotations

import importlib.metadata
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from grader import __version__
from grader.catalog import Exercise
from grader.engine import GradeOptions, RecordedReferences, grade
from grader.paths import project_root
from grader.tracks import get_track
from grader.release.leaks import Leak, find_leaks, grader_sources, unstripped
from grader.release.manifest import EXPECTED_DIR_NAME, MANIFEST_NAME
from grader.release.notebooks import as_notebook_submission, write_topic_notebooks
from grader.release.record import Known, record_expected, verdicts
from grader.release.strip import strip_declarations
from grader.sandbox.client import WorkerPool

__all__ = ["build_release", "ReleaseReport", "ReleaseError"]

_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", MANIFEST_NAME, EXPECTED_DIR_NAME)


class ReleaseError(ValueError):
    """The release cannot be built as asked (an output folder in the way, no solutions...)."""


@dataclass
class ReleaseReport:
    """What was built and what the verification found.

    Example:
        >>> report = ReleaseReport(Path("release"), seed=7, exercises=())
        >>> report.ok, report.submissions, report.mismatches
        (True, 0, [])
        >>> report.mismatches.append("solutions on model_construction/mlp: live ..., replayed ...")
        >>> report.ok
        False
        >>> ReleaseReport(Path("release"), seed=7, exercises=(), feedback_differs=["stubs :: forward"]).ok
        True
    """

    out: Path
    seed: int
    exercises: tuple[Exercise, ...]
    submissions: int = 0
    recorded_bytes: int = 0
    mismatches: list[str] = field(default_factory=list)
    feedback_differs: list[str] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.leaks


def build_release(out: Path, *, exercises: tuple[Exercise, ...], seed: int, pool: WorkerPool,
                  solutions: Path | None = None, stubs: Path | None = None, mutants: Path | None = None,
                  force: bool = False, options: GradeOptions = GradeOptions(), notebooks: bool = False,
                  step: Callable[[str], None] = lambda _: None) -> ReleaseReport:
    """Build the release in ``out`` for ``exercises`` (their public checks) and verify it. With
    ``notebooks``, the stubs are handed out as one ``exercises/<topic>.ipynb`` per topic, and the
    verification also replays the stubs and the solutions in that form."""
    from grader.authoring.selftest import find_mutants

    from grader.paths import track_stubs

    root = project_root()
    track = exercises[0].track if exercises else "pytorch"
    solutions = (solutions or root / get_track(track).solutions).resolve()
    stubs = (stubs or track_stubs(track)).resolve()
    mutants = mutants.resolve() if mutants is not None else None
    if not solutions.is_dir():
        raise ReleaseError(f"no reference solutions in {solutions}: a release is built from the full project")
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        if not force:
            raise ReleaseError(f"{out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out)
    public = tuple(e.public() for e in exercises)
    options = GradeOptions(limits=options.limits, sandbox=options.sandbox, include_hidden=False)
    report = ReleaseReport(out=out, seed=seed, exercises=public)

    step("copying the grader and the stubs")
    shutil.copytree(root / "grader", out / "grader", ignore=_SKIP)
    shutil.rmtree(out / "grader" / "hidden", ignore_errors=True)
    for declarations in (out / "grader" / "tracks").glob("*/declarations"):
        strip_declarations(declarations)  # no hidden checks, no mutants (solution code) in a release
        released = {e.id for e in public} if declarations.parent.name == track else set()
        _keep_only(declarations, released)  # its catalog: exactly the released exercises (none of another track)
    _copy_stubs(stubs, out / "exercises", public)
    if notebooks:  # a topic notebook only counts where no <topic>/<module>.py is left
        write_topic_notebooks(stubs, out / "exercises", [e.id for e in public])
        for exercise in public:
            (out / "exercises" / exercise.path).unlink(missing_ok=True)
        for folder in {(out / "exercises" / e.topic) for e in public}:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    workflow = root / "student-template" / ".github"
    if workflow.is_dir():
        shutil.copytree(workflow, out / ".github", ignore=shutil.ignore_patterns("__pycache__"))

    with tempfile.TemporaryDirectory(prefix="grade-release-") as tmp:
        known = [Known("solution", solutions), Known("stub", stubs)]
        for exercise in public:
            for n, mutant in enumerate(find_mutants(mutants, exercise)):
                folder = mutant.write_submission(exercise.id, solutions,
                                                 Path(tmp) / f"{exercise.id.replace('/', '__')}__{n}")
                known.append(Known(f"mutant {exercise.id}/{mutant.slug}", folder, (exercise.id,)))
        if notebooks:  # the same code in notebooks must get the verdicts the folders get
            ids = [e.id for e in public]
            known.append(Known("solution (notebooks)", as_notebook_submission(solutions, Path(tmp) / "nb-solutions", ids)))
            known.append(Known("stub (notebooks)", as_notebook_submission(stubs, Path(tmp) / "nb-stubs", ids)))
        report.submissions = len(known)
        recordings, live = record_expected(public, seed=seed, solutions=solutions, known=known, pool=pool,
                                           options=options, step=step)
        expected = out / "grader" / EXPECTED_DIR_NAME
        for recording in recordings.values():
            report.recorded_bytes += recording.save(expected).stat().st_size
        _write_manifest(out, public, seed)
        _write_project_files(out, public, seed, notebooks=notebooks)

        step("replaying every recorded submission")
        replay = GradeOptions(limits=options.limits, sandbox=options.sandbox, include_hidden=False)
        for sub in known:
            chosen = tuple(e for e in public if sub.exercises is None or e.id in sub.exercises)
            step(f"replaying: {sub.label}")
            run = grade(sub.root, chosen, seed=seed, options=replay, pool=pool,
                        references=RecordedReferences(expected, seed))
            for result in run.exercises:
                before = live[(sub.label.removesuffix(" (notebooks)"), result.exercise)]
                if verdicts(result) != verdicts(before):
                    report.mismatches.append(f"{sub.label} on {result.exercise}: live {verdicts(before)}, "
                                             f"replayed {verdicts(result)}")
                for a, b in zip(before.checks, result.checks):  # (a notebook's places differ: cell N, line M)
                    if (a.feedback, a.hints) != (b.feedback, b.hints) and not sub.label.endswith("(notebooks)"):
                        report.feedback_differs.append(f"{sub.label} on {result.exercise} :: {a.check}")
    step("looking for solution code in the release")
    stripped = sorted((out / "grader").glob("tracks/*/declarations/**/*.py"))
    report.leaks = unstripped(out / "grader") or find_leaks(
        out, solutions=solutions, allowed=[stubs, *grader_sources(out / "grader"), *stripped])
    return report


def _keep_only(declarations: Path, ids: set[str]) -> None:
    """Remove the declaration modules of exercises not in ``ids`` (and topics left without any)."""
    for topic in sorted(p for p in declarations.iterdir() if p.is_dir() and p.name != "__pycache__"):
        for module in sorted(topic.glob("*.py")):
            if module.name != "__init__.py" and f"{topic.name}/{module.stem}" not in ids:
                module.unlink()
        if not any(p.name != "__init__.py" for p in topic.glob("*.py")):
            shutil.rmtree(topic)


def _copy_stubs(stubs: Path, target: Path, exercises: tuple[Exercise, ...]) -> None:
    topics = {e.topic for e in exercises}
    for path in sorted(stubs.rglob("*")):
        rel = path.relative_to(stubs)
        if not path.is_file() or "__pycache__" in rel.parts:
            continue
        if len(rel.parts) > 1 and rel.parts[0] not in topics:
            continue
        if path.suffix == ".py" and len(rel.parts) == 2 and rel.name != "__init__.py" \
                and f"{rel.parts[0]}/{rel.stem}" not in {e.id for e in exercises}:
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)


def _write_manifest(out: Path, exercises: tuple[Exercise, ...], seed: int) -> None:
    import hypothesis
    import torch

    info = {"seed": seed, "grader_version": __version__, "hypothesis": hypothesis.__version__,
            "torch": torch.__version__.split("+")[0], "track": exercises[0].track if exercises else "pytorch",
            "exercises": {e.id: [c.id for c in e.checks] for e in exercises}}
    (out / "grader" / MANIFEST_NAME).write_text(json.dumps(info, indent=2) + "\n")


def _dependencies() -> list[str]:
    """The release's dependencies: the project's, with hypothesis and torch pinned to the versions
    its expected values were recorded with (the project itself accepts a range of torch)."""
    import hypothesis
    import torch

    pinned = {"hypothesis": hypothesis.__version__, "torch": torch.__version__.split("+")[0]}
    deps = []
    for req in importlib.metadata.requires("d2l-dlc-grader") or []:
        if "extra ==" in req:
            continue
        name = req.split(">")[0].split("=")[0].split("<")[0].split(";")[0].strip()
        deps.append(f"{name}=={pinned[name]}" if name in pinned else req)
    return deps


def _write_project_files(out: Path, exercises: tuple[Exercise, ...], seed: int, *, notebooks: bool = False) -> None:
    import torch

    env = jinja2.Environment(loader=jinja2.PackageLoader("grader.release", "templates"),
                             keep_trailing_newline=True, autoescape=False)
    track = get_track(exercises[0].track if exercises else "pytorch")
    values = {"version": __version__, "dependencies": _dependencies(), "seed": seed, "exercises": exercises,
              "points": sum(e.max_score for e in exercises), "torch": torch.__version__.split("+")[0],
              "track": track.name, "track_title": track.title,
              "notebooks": notebooks, "topics": list(dict.fromkeys(e.topic for e in exercises))}
    (out / "pyproject.toml").write_text(env.get_template("pyproject.toml.j2").render(**values))
    (out / "README.md").write_text(env.get_template("README.md.j2").render(**values))
    colab = [dep for dep in _dependencies() if not dep.replace(" ", "").startswith("torch")]
    (out / "requirements-colab.txt").write_text("# what the grader needs besides torch (Colab has its own)\n"
                                                + "\n".join(colab) + "\n")
    (out / ".gitignore").write_text("reports/\ngrade-results/\n__pycache__/\n*.egg-info/\nbuild/\n")
