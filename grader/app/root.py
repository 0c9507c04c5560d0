"""The composition root: once per command, the installation (the project or a student release), the
seed, the reference source (live references or recorded expected values) and the worker pool's lifetime.

Every command of ``grade`` (and the notebook's ``check``) asks :func:`compose` for a
:class:`Composition` and grades with what it holds; nothing else looks at the release
manifest, draws a seed or chooses the references. :data:`WIRING` says what each command needs:

- a command that grades in this process starts the fork server first thing (it imports torch
  in its own process while this one imports the judge), and one :class:`WorkerPool` serves the
  command; leaving :func:`compose` closes it, whatever happened inside;
- in a student release (``grader/release.json``), ``exercise``, ``watch``, ``check`` and ``ci``
  replay the recorded expected values for the release's seed (another ``--seed`` is a usage
  error), ``release`` is refused, and the others run as in the project;
- in the project, the references are the solutions (``--solutions``, ``$GRADE_SOLUTIONS`` or
  ``<project>/solutions``) and the seed is the one given, else a fresh one (``batch``: else the
  seed of the earlier batch in the same folder).

What the user asked wrong inside :func:`compose` (an unknown exercise, a seed the release did
not record) becomes a ``click.UsageError`` (exit 2).

Example:
    >>> with compose("batch", seed=4) as run:
    ...     run.installation.kind, run.seed, run.pool is None, run.include_hidden
    ('project', 4, True, True)
    >>> Installation().references("exercise", seed=4).kind
    'live'
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click

if TYPE_CHECKING:  # the heavy modules are imported after the fork server has started
    from grader.catalog import Catalog
    from grader.engine import GradeOptions, RecordedReferences, References
    from grader.release.manifest import Release
    from grader.results import RunResult
    from grader.sandbox.client import WorkerPool

__all__ = ["Wiring", "WIRING", "Installation", "SeedPolicy", "ReferenceSource", "Composition", "compose",
           "live_references", "submission_folder"]


@dataclass(frozen=True)
class Wiring:
    """What a command takes from the root.

    ``grades_here``: it grades in this process (early fork server, one pool for the command);
    ``needs_framework``: it runs the framework elsewhere (a batch's job processes);
    ``include_hidden``: it grades the hidden checks too; ``in_release``: what it does in a
    student release: ``"recorded"`` (replay the recordings, for the release's seed),
    ``"live"`` (as in the project), ``"refused"`` (a usage error); ``command_line``: what the user
    asked wrong is a ``click.UsageError`` (a Python call, the notebook's ``check``, gets the
    catalog's or the release's own exception).
    """

    grades_here: bool = False
    include_hidden: bool = False
    in_release: str = "live"
    command_line: bool = True
    needs_framework: bool = False

    @property
    def runs_framework(self) -> bool:
        """Whether the command runs the track's framework (so a managed environment must be ready)."""
        return self.grades_here or self.needs_framework


WIRING: dict[str, Wiring] = {
    "exercise": Wiring(grades_here=True, in_release="recorded"),
    "watch": Wiring(grades_here=True, in_release="recorded"),
    "check": Wiring(grades_here=True, in_release="recorded", command_line=False),  # the notebook's check(...)
    "ci": Wiring(grades_here=True, include_hidden=True, in_release="recorded"),
    "selftest": Wiring(grades_here=True, include_hidden=True),
    "release": Wiring(grades_here=True, in_release="refused"),
    "batch": Wiring(include_hidden=True, needs_framework=True),  # each job process owns its pool and references
    "list": Wiring(),
    "new": Wiring(),
    "export": Wiring(),
    "setup": Wiring(),  # builds a track's managed environment (grade setup gluon)
}
"""Every command that goes through the root, and what it takes from it."""


@dataclass(frozen=True)
class SeedPolicy:
    """The seed of a run: a release's ``fixed`` seed, else the ``given`` one, else (``batch``) the
    earlier batch's, else a fresh one.

    Example:
        >>> SeedPolicy(given=5).resolve(), SeedPolicy(fixed=77).resolve(), SeedPolicy().resolve(previous=9)
        (5, 77, 9)
        >>> 0 <= SeedPolicy().resolve(previous="junk") < 2**31
        True
    """

    given: int | None = None
    fixed: int | None = None

    def resolve(self, previous: Any = None) -> int:
        if self.fixed is not None:
            return self.fixed
        if self.given is not None:
            return self.given
        if isinstance(previous, int) and 0 <= previous < 2**31:
            return previous
        from grader.engine import new_seed

        return new_seed()


@dataclass(frozen=True)
class ReferenceSource:
    """Where the expected values come from: ``live`` (the reference solutions in ``folder``, run
    in the judge) or ``recorded`` (a release's recordings in ``folder``, for ``seed``).

    Example:
        >>> ReferenceSource("recorded", Path("expected_values"), seed=3).open().seed
        3
    """

    kind: str
    folder: Path
    seed: int | None = None
    track: str = "pytorch"

    def open(self) -> "References | RecordedReferences":
        """The engine's references for :func:`grader.engine.grade`."""
        from grader.engine import RecordedReferences

        if self.kind == "recorded":
            assert self.seed is not None
            return RecordedReferences(self.folder, self.seed)
        return live_references(self.folder, self.track)


def submission_folder(submission: Path | None, track: str = "pytorch") -> Path:
    """The folder to grade (default: ``./exercises``, else the project's stubs); a usage error if absent.

    Example:
        >>> submission_folder(Path("/no/such/folder"))
        Traceback (most recent call last):
        ...
        click.exceptions.UsageError: submission folder /no/such/folder does not exist
    """
    from grader.paths import default_submission

    root = (submission or default_submission(track)).resolve()
    if not root.is_dir():
        raise click.UsageError(f"submission folder {root} does not exist")
    return root


def live_references(solutions: Path | None = None, track: str = "pytorch") -> "References":
    """The reference solutions of ``track`` in this installation (``solutions``, else
    :func:`grader.paths.default_solutions`); what a batch's job processes grade with.

    Example:
        >>> live_references().root.name, live_references(track="gluon").root.parent.name
        ('solutions', 'gluon')
    """
    from grader.engine import References
    from grader.paths import default_solutions

    return References(solutions or default_solutions(track), track)


@dataclass(frozen=True)
class Installation:
    """The project, or the student release this grader was installed from (``release``).

    Example:
        >>> Installation().kind, Installation().seed_policy("exercise", 5)
        ('project', SeedPolicy(given=5, fixed=None))
    """

    release: "Release | None" = None

    @classmethod
    def detect(cls) -> "Installation":
        """This installation, from the release manifest (looked up now: a test may stand in a release)."""
        from grader.release import manifest

        return cls(manifest.current_release())

    @property
    def kind(self) -> str:
        return "project" if self.release is None else "release"

    def refuse(self, command: str) -> None:
        """A usage error when ``command`` cannot run in this installation."""
        if self.release is not None and WIRING[command].in_release == "refused":
            raise click.UsageError(f"this is a student release: {command}s are built from the full project")

    def seed_policy(self, command: str, given: int | None) -> SeedPolicy:
        """The seed policy of ``command``; raises SeedNotRecorded for a ``--seed`` the release cannot replay."""
        if self.release is None or WIRING[command].in_release != "recorded":
            return SeedPolicy(given=given)
        problem = self.release.seed_problem(given)
        if problem:
            from grader.release.manifest import SeedNotRecorded

            raise SeedNotRecorded(problem)
        return SeedPolicy(given=given, fixed=self.release.seed)

    def references(self, command: str, *, seed: int, solutions: Path | None = None,
                   track: str = "pytorch") -> ReferenceSource:
        """Where ``command``'s expected values come from, for ``seed``."""
        if self.release is not None and WIRING[command].in_release == "recorded":
            return ReferenceSource("recorded", self.release.expected, seed=seed, track=track)
        from grader.paths import default_solutions

        return ReferenceSource("live", Path(solutions or default_solutions(track)), track=track)

    def track(self, given: str | None) -> str:
        """The track a command grades: a release's own (another ``--track`` is a usage error), else the
        one given, else the default.

        Example:
            >>> Installation().track(None), Installation().track("gluon")
            ('pytorch', 'gluon')
        """
        from grader.tracks import DEFAULT_TRACK

        recorded = self.release.info.get("track", DEFAULT_TRACK) if self.release is not None else None
        if recorded is not None:
            if given is not None and given != recorded:
                raise click.UsageError(f"this student release grades the {recorded} track; --track {given} needs "
                                       f"a release of that track")
            return str(recorded)
        return given or DEFAULT_TRACK


@dataclass
class Composition:
    """What one command grades with; built by :func:`compose`. ``seed`` and ``references`` are
    decided on first use (after the command has read its other arguments), then kept."""

    command: str
    installation: Installation
    policy: SeedPolicy
    solutions: Path | None = None
    pool: "WorkerPool | None" = None
    jobs: int = 1
    track: str = "pytorch"
    _owns_pool: bool = field(default=False, repr=False)

    @property
    def catalog(self) -> "Catalog":
        """The exercises of the command's track."""
        from grader.catalog import Catalog

        return Catalog(self.track)

    @property
    def wiring(self) -> Wiring:
        return WIRING[self.command]

    @property
    def include_hidden(self) -> bool:
        return self.wiring.include_hidden

    @cached_property
    def seed(self) -> int:
        return self.policy.resolve()

    @cached_property
    def source(self) -> ReferenceSource:
        return self.installation.references(self.command, seed=self.seed, solutions=self.solutions,
                                            track=self.track)

    @cached_property
    def references(self) -> "References | RecordedReferences":
        return self.source.open()

    def submission(self, folder: Path | None) -> Path:
        """The submission folder the command grades (see :func:`submission_folder`)."""
        return submission_folder(folder, self.track)

    def options(self, **options: Any) -> "GradeOptions":
        """The engine's options for this command (``limits``, ``sandbox``, ``examples_scale``...)."""
        from grader.engine import GradeOptions

        return GradeOptions(include_hidden=self.include_hidden, **options)

    def grade(self, submission: Path, exercises: tuple[Any, ...], **kwargs: Any) -> "RunResult":
        """:func:`grader.engine.grade` with this command's seed, references, pool and judge processes."""
        from grader import engine

        options = kwargs.pop("options", None) or self.options()
        if self.jobs > 1:
            kwargs["jobs"] = self.jobs
        return engine.grade(submission, exercises, seed=self.seed, options=options, pool=self.pool,
                            references=self.references, **kwargs)

    def close(self) -> None:
        if self.pool is not None and self._owns_pool:
            self.pool.close()


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    """An unknown exercise or a seed the release did not record becomes a usage error (exit 2)."""
    from grader.catalog import UnknownExercise
    from grader.release.manifest import SeedNotRecorded

    try:
        yield
    except (UnknownExercise, SeedNotRecorded) as exc:
        raise click.UsageError(str(exc)) from None


def _environment_ready(track: str) -> None:
    """Build the managed environment of a track whose framework runs in an interpreter of its own
    (Gluon's) when it is missing, progress on stderr; a ``click.ClickException`` (exit 1) saying what
    to run when it cannot be built (no network, say)."""
    from grader.tracks import get_track

    described = get_track(track)
    if not described.foreign:
        return
    try:
        described.executable()
    except Exception as exc:  # noqa: BLE001 - EnvError, or an environment that cannot even be looked at
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def compose(command: str, *, seed: int | None = None, solutions: Path | None = None,
            pool: "WorkerPool | None" = None, many: bool = False, jobs: int = 1,
            track: str | None = None) -> Iterator[Composition]:
    """Compose ``command`` (a key of :data:`WIRING`): detect the installation, start the fork
    server when the command grades here (or use ``pool``, which the caller keeps), and yield the
    :class:`Composition`; on leaving, the pool it started is closed, even when grading raised.
    ``many``: the command grades several exercises, so the server also preloads the track's
    ``preload_many``; ``jobs``: judge processes that grade the exercises of a submission at once;
    ``track``: the framework graded (``--track``; a release's own; else the default), whose
    environment is built first when it is missing (Gluon's).

    Example:
        >>> with compose("release", seed=3) as run:  # doctest: +SKIP
        ...     run.pool is not None
        True
    """
    installation = Installation.detect()
    installation.refuse(command)
    wiring = WIRING[command]
    chosen = installation.track(track)
    if wiring.runs_framework and pool is None:
        _environment_ready(chosen)
    owns = pool is None and wiring.grades_here
    if owns:
        from grader.sandbox.forkserver import ForkServer
        from grader.tracks import get_track

        described = get_track(chosen)  # the server imports the framework in its own process while this one imports the judge
        server = ForkServer(described, extra=described.preload_many if many else ())
        from grader.sandbox.client import WorkerPool

        pool = WorkerPool(server)
    run: Composition | None = None
    try:
        with _usage_errors() if wiring.command_line else contextlib.nullcontext():
            run = Composition(command, installation, installation.seed_policy(command, seed), solutions=solutions,
                              pool=pool if wiring.grades_here else None, jobs=max(1, jobs), track=chosen,
                              _owns_pool=owns)
            yield run
    finally:
        if run is not None:
            run.close()
        elif owns and pool is not None:
            pool.close()
