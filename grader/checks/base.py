"""What every check kind shares: the context it runs in, and how it fails.

A check kind is a frozen dataclass with ``id``, ``title``, ``points`` and a
``run(ctx)`` method that returns normally when the submission passes, or
raises :class:`Failure` with feedback. Student-code exceptions and worker
deaths are turned into feedback by :func:`student_error_failure` and the
engine; a reference that raises is a :class:`GraderFault`.

Example:
    >>> f = Failure("forward output differs", hints=("no ReLU?",))
    >>> f.hints
    ('no ReLU?',)
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from grader.sandbox.client import GraderFault, StudentError, Worker

__all__ = ["Check", "CheckContext", "Failure", "Runner", "derive_seed",
           "student_error_failure", "GraderFault", "StudentError"]


class Runner(Protocol):
    """Something that runs operations on an exercise's objects: a worker or the reference."""

    def request(self, op: str, **args: Any) -> dict[str, Any]: ...


class Failure(Exception):
    """A check failed: what was compared, how it differs, where to look, and hints.

    ``figure`` is an optional picture of the failure as plain JSON-able data
    (:mod:`grader.checks.figures`), drawn by the HTML report only.
    """

    def __init__(self, feedback: str, *, hints: tuple[str, ...] | list[str] = (),
                 location: dict[str, Any] | None = None, case: str = "",
                 figure: dict[str, Any] | None = None) -> None:
        super().__init__(feedback)
        self.feedback = feedback
        self.hints = tuple(dict.fromkeys(hints))
        self.location = location
        self.case = case
        self.figure = figure


@dataclass
class CheckContext:
    """What a check needs: both runners, the seed, and where the student's file is."""

    exercise: str
    module: str
    student: Worker | Runner
    reference: Any  # ReferenceRunner, or a recording / replaying one (grader.expected)
    seed: int
    submission_root: Path
    max_examples_scale: float = 1.0
    notes: list[str] = field(default_factory=list)
    source_file: str = ""  # the file graded, relative to the submission: a .py or a notebook

    @property
    def source_path(self) -> str:
        """The graded file (``<exercise>.py`` unless a notebook is graded)."""
        return self.source_file or f"{self.exercise}.py"

    def examples(self, n: int) -> int:
        return max(1, round(n * self.max_examples_scale))

    @property
    def casebook(self) -> Any:
        """Where fixed case lists go when expected values are recorded or replayed; None when live."""
        return getattr(self.reference, "casebook", None)

    @property
    def drawn_cases(self) -> Any:
        """The cases each check is known to draw under this seed (a batch's, shared by its students:
        :class:`grader.checks.explore.DrawnCases` by check), or None."""
        return getattr(self.reference, "drawn_cases", None)

    @property
    def recording(self) -> bool:
        """True while `grade release` records the reference's answers: checks then also compute the
        judge-side values a failure would need (known mistakes' outputs)."""
        return bool(getattr(self.reference, "recording_mode", False))


def derive_seed(*parts: Any) -> int:
    """A 32-bit seed derived from the run's seed and names (stable across runs)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "little")


class Check(Protocol):
    """The interface every check kind implements."""

    id: str
    title: str
    points: float

    def run(self, ctx: CheckContext) -> None: ...


# -- turning student exceptions into feedback -------------------------------

_STAGE_WORDS = {"import": "importing your module", "build": "building", "forward": "running forward on",
                "backward": "backpropagating through", "describe": "inspecting", "assign": "setting the parameters of",
                "call": "calling", "state": "reading the state of", "train": "training",
                "to": "moving"}


def last_student_frame(frames: list[dict[str, Any]]) -> dict[str, Any] | None:
    inside = [f for f in frames if f.get("in_submission")]
    return inside[-1] if inside else None


_NO_ARGUMENTS = re.compile(r"(?P<name>\w+)(?P<init>\.__init__)?\(\) takes (?P<takes>\d+) positional argument")


def known_error_hints(err: StudentError) -> list[str]:
    """Hints for exceptions that match known mistakes."""
    hints = []
    msg = err.message
    frames = err.frames
    if err.type == "NotImplementedError":
        if frames and frames[-1].get("in_submission"):
            hints.append("This is still the stub: replace the `raise NotImplementedError` with your "
                         "implementation.")
        else:
            hints.append("PyTorch raised NotImplementedError: a module without a `forward` method was called "
                         "(an nn.ModuleList or nn.ModuleDict cannot be called, and `forward` must be spelled "
                         "exactly so).")
    if "before Module.__init__() call" in msg or "has no attribute '_modules'" in msg \
            or "has no attribute '_parameters'" in msg:
        hints.append("Call `super().__init__()` first thing in your `__init__`: nn.Module must set itself up "
                     "before you assign layers to attributes.")
    fixed = _NO_ARGUMENTS.match(msg) if err.type == "TypeError" else None
    if fixed and int(fixed["takes"]) == (1 if fixed["init"] else 0):
        what = f"`{fixed['name']}`" + (" (its `__init__`)" if fixed["init"] else "")
        hints.append(f"{what} takes no arguments, like the book's version with its sizes written in; the exercise "
                     f"passes the sizes (it draws its own): add the parameters the exercise lists, with their "
                     f"defaults, and build the layers from them.")
    elif err.type == "TypeError" and ("positional argument" in msg or "keyword argument" in msg):
        hints.append("Check the signature against the exercise: the names and defaults of the arguments "
                     "are part of the contract.")
    if err.type == "ModuleNotFoundError" and "'d2l'" in msg:
        hints.append("The `d2l` package is not available while grading, and an exercise file must stand on its "
                     "own: write what you used from `d2l` (a few lines each) in your file, importing only "
                     "torch (and your sibling exercise modules).")
    if err.type == "MissingName" or err.info.get("missing_name"):
        hints.append(f"Your file must define `{err.info.get('missing_name')}` with exactly that name.")
    if err.type == "SystemExit":
        hints.append("Do not call `sys.exit()` or `exit()` in a module: the grader imports and calls your code.")
    if "not compiled with CUDA" in msg or "Found no NVIDIA driver" in msg:
        hints.append("Your code asks for a CUDA device that this machine does not have: do not hard-code "
                     "'cuda'; use the device of the input (`X.device`) or `try_gpu()`.")
    if "mat1 and mat2 shapes cannot be multiplied" in msg:
        hints.append("A layer received an input whose width does not match its `in_features`: check the "
                     "sizes you pass to each `nn.Linear`, and the order in which the layers are applied.")
    if err.type == "MemoryError" or "Failed to allocate" in msg or "can't allocate memory" in msg:
        hints.append("Your code asked for more memory than a worker may use (the grader limits it): look for an "
                     "array far larger than the exercise needs.")
    return hints


def student_error_failure(err: StudentError, *, doing: str, case: str = "") -> Failure:
    """Feedback for an exception raised by student code."""
    frame = last_student_frame(err.frames)
    stage = _STAGE_WORDS.get(str(err.info.get("stage", "")), "running")
    if err.type == "MissingName":
        text = f"Your module does not define `{err.info.get('missing_name')}`."
    elif err.type == "NotCallableName":
        text = err.message
    elif err.type == "UnhandledObject":
        text = (f"{stage.capitalize()} {doing} failed in the grader's handling of your object: {err.message}. "
                "The same step succeeds on the reference solution, so your object differs from what the exercise "
                "asks for here (this is not a grader fault).")
    else:
        text = f"{stage.capitalize()} {doing} raised {err.type}: {err.message}"
    return Failure(text, hints=known_error_hints(err), location=frame, case=case)
