"""The plain data of a batch: what goes to a job, what comes back, what is stored.

Both sides of these objects are the trusted judge (the main process and its
job processes or Dask workers), so they cross as pickled dataclasses; student
code never sees them. A :class:`StudentRecord` is also stored as JSON beside
each student's results (``DIR/<student>/.grade.json``) so that a re-run can
rebuild the class report without grading again.

Example:
    >>> r = StudentRecord(student="alice", key="k", status=GRADED, score=3.0, max_score=4.0)
    >>> StudentRecord.from_json(r.to_json()) == r
    True
    >>> r.percent
    75.0
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from grader.batch.unpack import UnpackLimits
from grader.sandbox.limits import Limits

__all__ = ["GRADED", "REFUSED", "FAULT", "BatchSettings", "StudentTask", "CheckSummary", "ExerciseSummary",
           "StudentRecord", "StudentOutcome"]

GRADED = "graded"
"""Every selected exercise was graded (whatever the score)."""
REFUSED = "refused"
"""The submission was refused (unsafe or unreadable archive): score 0 with the reason."""
FAULT = "fault"
"""A grader fault: some check ended in ``Status.ERROR``, or grading the student raised."""


@dataclass(frozen=True)
class BatchSettings:
    """What every student of a batch is graded with (the same for all of them).

    Example:
        >>> BatchSettings(seed=1, target="all", fingerprint="0.1.0+x").limits.timeout
        60.0
    """

    seed: int
    target: str
    fingerprint: str
    limits: Limits = Limits()
    track: str = "pytorch"
    unpack: UnpackLimits = UnpackLimits()
    verify_grader: bool = False
    """Refuse to grade (grader fault) where the grader's fingerprint differs from ``fingerprint``:
    set by executors whose workers may run another installation (Dask)."""

    def key_limits(self) -> dict[str, Any]:
        """The limits that can change a verdict (part of the grade key)."""
        return {"timeout": self.limits.timeout, "memory": self.limits.memory}


@dataclass(frozen=True)
class StudentTask:
    """One student to grade, self-contained: the submission travels as bytes.

    ``kind`` is ``"zip"`` (``payload`` holds the archive, checked by the job),
    ``"folder"`` (``payload`` holds ``(path, bytes)`` pairs already read),
    ``"refused"`` (``refusal`` says why; nothing to grade), or ``"fault"``
    (the judge could not read it; ``refusal`` says why; a grader fault).
    """

    student: str
    kind: str
    key: str
    payload: bytes | tuple[tuple[str, bytes], ...] = b""
    refusal: str = ""


@dataclass(frozen=True)
class CheckSummary:
    """One check of one student, as the class report needs it.

    ``message`` is the normalised first line of the feedback (to group similar
    failures); ``example`` is that line as the student saw it.
    """

    exercise: str
    check: str
    title: str
    status: str
    score: float
    max_score: float
    message: str = ""
    example: str = ""


@dataclass(frozen=True)
class ExerciseSummary:
    """One exercise of one student: its score and its overall status."""

    exercise: str
    title: str
    score: float
    max_score: float
    status: str


@dataclass(frozen=True)
class StudentRecord:
    """Everything the class report and the gradebook need about one student."""

    student: str
    key: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    message: str = ""
    duration: float = 0.0
    protections: tuple[str, ...] = ()
    exercises: tuple[ExerciseSummary, ...] = ()
    checks: tuple[CheckSummary, ...] = ()

    @property
    def percent(self) -> float:
        """Score as a percentage of the maximum (0 when there is nothing to score)."""
        return 0.0 if self.max_score <= 0 else max(0.0, min(100.0, 100.0 * self.score / self.max_score))

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (see :meth:`from_json`)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StudentRecord":
        """Rebuild a record written by :meth:`to_json`; raises ``KeyError``/``TypeError`` if malformed."""
        fields = dict(data)
        fields["protections"] = tuple(fields.get("protections", ()))
        fields["exercises"] = tuple(ExerciseSummary(**e) for e in fields.get("exercises", ()))
        fields["checks"] = tuple(CheckSummary(**c) for c in fields.get("checks", ()))
        return cls(**fields)


@dataclass(frozen=True)
class StudentOutcome:
    """What grading one student returns: the record and the two rendered files.

    ``worker`` describes where it ran (host, pid, peak memory of the job
    process in KiB) for the benchmark and the logs; it is not stored.
    """

    record: StudentRecord
    results_json: str
    report_html: str
    worker: dict[str, Any] = field(default_factory=dict)
