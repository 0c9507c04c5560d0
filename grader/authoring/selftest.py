"""Prove an exercise set sound: solutions score full, stubs score zero, every check catches a mutant.

A *mutant* is a known-bad submission, declared in the exercise's declaration
module (``MUTANTS``, see :mod:`grader.mutants`) as a small change to its
solution; ``grade selftest --mutants DIR`` adds whole module files kept in
``DIR/<topic>/<module>/<slug>.py``. Each mutant is graded in a temporary
submission folder holding a copy of every solution file, with the mutant in
place of its exercise's file (so that a module importing a sibling finds the
sibling's reference). For every exercise :func:`run_selftest` grades, with
hidden checks included:

- the reference solution: every check must pass;
- the stub (the file in ``exercises/``, as students get it): no check may give points;
- each mutant: the checks it fails; a mutant that fails none is *not caught*;
  where its declaration says which checks it must fail (and with which words) or
  pass, a verdict that differs is listed too (*unmet*, a warning: drawn cases
  vary with the seed);

and a check that no mutant fails is *untested*. A grader fault (a check ending
in ``error``) anywhere is a defect too.

Example:
    >>> from grader.catalog import select
    >>> [m.slug for m in find_mutants(None, select("model_construction/mlp")[0])][:2]
    ['missing_relu', 'out_instead_of_output']
    >>> report = run_selftest(select("model_construction/mlp"), seed=1)                         # doctest: +SKIP
    >>> report.sound, report.audits[0].untested                                                  # doctest: +SKIP
    (True, ())
"""
from __future__ import annotations

import ast
import dataclasses
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from grader.catalog import Exercise, mutants_of
from grader.engine import GradeOptions, grade, new_seed
from grader.notebooks.cells import cell_source
from grader.notebooks.locate import locate
from grader.mutants import Mutant
from grader.paths import default_solutions
from grader.tracks import get_track
from grader.results import CheckResult, ExerciseResult, Status
from grader.sandbox.client import WorkerPool

__all__ = ["Mutant", "MutantVerdict", "ExerciseAudit", "SelftestReport", "find_mutants", "stray_mutants",
           "run_selftest", "default_stubs", "unmet", "check_text"]


def default_stubs(track: str = "pytorch") -> Path:
    """The stubs students get: ``<project>/exercises`` (another track's: its own folder)."""
    from grader.paths import track_stubs

    return track_stubs(track)


def first_docstring_line(path: Path) -> str:
    """The first line of a module's docstring ('' when it has none or does not parse).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.py"
        >>> _ = p.write_text('\"\"\"No ReLU.\\n\\nMore.\"\"\"\\nimport torch\\n')
        >>> first_docstring_line(p)
        'No ReLU.'
    """
    try:
        if path.suffix == ".ipynb":  # a notebook mutant: its first markdown cell says what it does
            cells = json.loads(path.read_text(errors="replace")).get("cells", [])
            doc = next((cell_source(c) for c in cells if c.get("cell_type") == "markdown"), "")
        else:
            doc = ast.get_docstring(ast.parse(path.read_text(errors="replace")))
    except (SyntaxError, ValueError, OSError, AttributeError):
        return ""
    return doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""


def find_mutants(root: Path | None, exercise: Exercise) -> tuple[Mutant, ...]:
    """The mutants of ``exercise``: those its declaration module declares, then the module files
    under ``root/<exercise id>/`` when ``root`` is given (sorted by name; hidden and ``_*`` files skipped)."""
    declared = mutants_of(exercise.id, exercise.track)
    if root is None or not (root / exercise.id).is_dir():
        return declared
    files = sorted([*(root / exercise.id).glob("*.py"), *(root / exercise.id).glob("*.ipynb")])
    return declared + tuple(Mutant.from_file(p, first_docstring_line(p)) for p in files
                            if p.is_file() and not p.name.startswith((".", "_")))


def stray_mutants(root: Path | None, exercises: tuple[Exercise, ...]) -> tuple[Path, ...]:
    """Mutant files under ``root`` that belong to no exercise of ``exercises`` (a renamed or removed one)."""
    if root is None or not root.is_dir():
        return ()
    known = {e.id for e in exercises}
    return tuple(p for p in sorted(root.glob("*/*/*.py"))
                 if f"{p.parent.parent.name}/{p.parent.name}" not in known and not p.name.startswith((".", "_")))


def unmet(mutant: Mutant, result: ExerciseResult) -> tuple[str, ...]:
    """How ``result`` differs from what ``mutant`` declares (empty when it is as declared).

    Example:
        >>> from grader.results import CheckResult, ExerciseResult, Status
        >>> r = ExerciseResult("t/m", "T", (CheckResult("t/m", "forward", "F", Status.FAILED, 0.0, 1.0,
        ...                                              feedback="no ReLU"),))
        >>> unmet(Mutant("x", "bug", edits=[("a", "b")], fails={"forward": "ReLU"}), r)
        ()
        >>> unmet(Mutant("x", "bug", edits=[("a", "b")], fails={"forward": "tanh"}), r)
        ("forward: 'tanh' not in its feedback",)
    """
    by_id = {c.check: c for c in result.checks}
    out: list[str] = []
    for check_id in (*mutant.fails, *mutant.passes, *mutant.absent, *mutant.line_of):
        if check_id not in by_id:
            out.append(f"{check_id}: no such check was graded")
    for check_id in mutant.fails:
        c = by_id.get(check_id)
        if c is None:
            continue
        text = check_text(c)
        if c.status is not Status.FAILED or c.score != 0:
            out.append(f"{check_id}: should fail, got {c.status.value} ({c.score:g}/{c.max_score:g})")
        out += [f"{check_id}: {needle!r} not in its feedback" for needle in mutant.needles(check_id)
                if needle not in text]
    for check_id in mutant.passes:
        c = by_id.get(check_id)
        if c is not None and not (c.passed and c.score == c.max_score):
            out.append(f"{check_id}: should pass, got {c.status.value} ({c.score:g}/{c.max_score:g})")
    for check_id in mutant.absent:
        c = by_id.get(check_id)
        out += [f"{check_id}: {needle!r} should not appear" for needle in mutant.absent_needles(check_id)
                if c is not None and needle in check_text(c)]
    for check_id, line in mutant.line_of.items():
        c = by_id.get(check_id)
        shown = (c.location.source or "") if c is not None and c.location is not None else ""
        if c is not None and line not in shown:
            out.append(f"{check_id}: should point at a line with {line!r}, points at {shown!r}")
    return tuple(out)


def check_text(result: CheckResult) -> str:
    """Everything a student reads about a check: feedback, failing case, hints."""
    return "\n".join([result.feedback, result.failing_case, *result.hints])


@dataclass(frozen=True)
class MutantVerdict:
    """How one mutant fared: the checks it failed, and those that ended in a grader fault."""

    mutant: Mutant
    result: ExerciseResult

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(c.check for c in self.result.checks if c.status is Status.FAILED)

    @property
    def faults(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.result.checks if c.status is Status.ERROR)

    @property
    def unmet(self) -> tuple[str, ...]:
        """How the verdicts differ from the mutant's declaration (see :func:`unmet`)."""
        return unmet(self.mutant, self.result)

    @property
    def caught(self) -> bool:
        """At least one check failed on it (a mutant scoring full, or only skipping, is not caught)."""
        return bool(self.failed)


@dataclass(frozen=True)
class ExerciseAudit:
    """The selftest of one exercise."""

    exercise: Exercise
    solution: ExerciseResult
    stub: ExerciseResult
    stub_present: bool
    mutants: tuple[MutantVerdict, ...]

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.exercise.checks)

    @property
    def solution_failures(self) -> tuple[CheckResult, ...]:
        """Checks of the reference solution that did not pass."""
        return tuple(c for c in self.solution.checks if not c.passed)

    @property
    def stub_points(self) -> tuple[CheckResult, ...]:
        """Checks that gave the stub points (or passed it)."""
        return tuple(c for c in self.stub.checks if c.score > 0 or c.passed)

    @property
    def uncaught(self) -> tuple[MutantVerdict, ...]:
        return tuple(v for v in self.mutants if not v.caught)

    @property
    def untested(self) -> tuple[str, ...]:
        """Checks that no mutant fails."""
        failed = {c for v in self.mutants for c in v.failed}
        return tuple(c for c in self.check_ids if c not in failed)

    @property
    def faults(self) -> tuple[tuple[str, CheckResult], ...]:
        """``(what was graded, check)`` for every check that ended in a grader fault."""
        graded = [("solution", self.solution), ("stub", self.stub)] + \
                 [(f"mutant {v.mutant.slug}", v.result) for v in self.mutants]
        return tuple((who, c) for who, r in graded for c in r.checks if c.status is Status.ERROR)

    @property
    def problems(self) -> tuple[str, ...]:
        """Every defect, one line each (empty when the exercise is sound)."""
        out = []
        if self.solution_failures:
            out.append(f"the solution does not score full: {', '.join(c.check for c in self.solution_failures)}")
        if not self.stub_present:
            out.append(f"no stub: {'gluon/' if self.exercise.track == 'gluon' else ''}exercises/{self.exercise.path} "
                       "is missing")
        elif self.stub_points:
            out.append(f"the stub scores {self.stub.score:g}/{self.stub.max_score:g}: "
                       f"{', '.join(c.check for c in self.stub_points)}")
        for v in self.uncaught:
            out.append(f"mutant {v.mutant.slug} not caught (scores {v.result.score:g}/{v.result.max_score:g})")
        if self.untested:
            out.append(f"untested (no mutant fails them): {', '.join(self.untested)}")
        for who, c in self.faults:
            if not (who == "solution" and c in self.solution_failures):
                out.append(f"grader fault in {c.check} ({who})")
        return tuple(out)

    @property
    def sound(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SelftestReport:
    """The selftest of a set of exercises."""

    seed: int
    examples_scale: float
    audits: tuple[ExerciseAudit, ...]
    strays: tuple[Path, ...] = ()
    duration: float = 0.0
    mutants_root: Path | None = None

    @property
    def sound(self) -> bool:
        """Every audited exercise is sound (stray mutant files are only warned about)."""
        return all(a.sound for a in self.audits)

    @property
    def mutant_count(self) -> int:
        return sum(len(a.mutants) for a in self.audits)


Progress = Callable[[str], None]


def run_selftest(exercises: tuple[Exercise, ...], *, seed: int | None = None,
                 options: GradeOptions = GradeOptions(), solutions: Path | None = None,
                 stubs: Path | None = None, mutants: Path | None = None, pool: WorkerPool | None = None,
                 on_step: Progress | None = None, check_strays: bool = False,
                 references: Any = None) -> SelftestReport:
    """Selftest ``exercises``: grade each one's solution, stub and mutants with hidden checks included.

    ``solutions`` and ``stubs`` default to the project's ``solutions/`` (or
    ``$GRADE_SOLUTIONS``) and ``exercises/``; the mutants are the declared ones, plus the
    module files under ``mutants`` when given.
    One ``pool`` serves every grading (a fresh one is started and closed when none is
    given). ``check_strays`` also lists mutant files of exercises not in the catalog.
    ``references`` (the command's, from :mod:`grader.app.root`) default to those of ``solutions``.
    """
    t0 = time.perf_counter()
    seed = new_seed() if seed is None else seed
    track = exercises[0].track if exercises else "pytorch"
    solutions = (solutions or options.solutions or default_solutions(track)).resolve()
    stubs = (stubs or default_stubs(track)).resolve()
    mutants = mutants.resolve() if mutants is not None else None
    options = dataclasses.replace(options, include_hidden=True, solutions=solutions)
    step = on_step or (lambda _text: None)
    own_pool = pool is None
    pool = pool or WorkerPool(track=get_track(track))
    audits = []
    try:
        with tempfile.TemporaryDirectory(prefix="grade-selftest-") as tmp:
            base = Path(tmp) / "solutions"
            _copy_python_files(solutions, base)
            for n, exercise in enumerate(exercises):
                audits.append(_audit(exercise, seed=seed, options=options, pool=pool, solutions=solutions,
                                     stubs=stubs, mutants=mutants, base=base, tmp=Path(tmp), step=step,
                                     where=f"[{n + 1}/{len(exercises)}]", references=references))
    finally:
        if own_pool:
            pool.close()
    strays = stray_mutants(mutants, _catalog(track)) if check_strays else ()
    return SelftestReport(seed=seed, examples_scale=options.examples_scale, audits=tuple(audits), strays=strays,
                          duration=time.perf_counter() - t0, mutants_root=mutants)


def _catalog(track: str = "pytorch") -> tuple[Exercise, ...]:
    from grader.catalog import all_exercises

    return all_exercises(track)


def _audit(exercise: Exercise, *, seed: int, options: GradeOptions, pool: WorkerPool, solutions: Path,
           stubs: Path, mutants: Path | None, base: Path, tmp: Path, step: Progress, where: str,
           references: Any = None) -> ExerciseAudit:
    def one(root: Path, what: str) -> ExerciseResult:
        step(f"{where} {exercise.id}: {what}")
        return grade(root, (exercise,), seed=seed, options=options, pool=pool, references=references).exercises[0]

    solution = one(solutions, "solution")
    stub = one(stubs, "stub")
    verdicts = []
    for n, mutant in enumerate(find_mutants(mutants, exercise)):
        folder = mutant.write_submission(exercise.id, base, tmp / f"{exercise.id.replace('/', '__')}__{n}")
        try:
            verdicts.append(MutantVerdict(mutant, one(folder, f"mutant {mutant.slug}")))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return ExerciseAudit(exercise=exercise, solution=solution, stub=stub,
                         stub_present=locate(stubs, exercise.id) is not None, mutants=tuple(verdicts))


def _copy_python_files(src: Path, dst: Path) -> None:
    """Copy the ``*.py`` files of ``src`` to ``dst``, keeping the layout (no caches, no data files)."""
    dst.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if any(part.startswith((".", "__pycache__")) for part in rel.parts):
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dst / rel)
