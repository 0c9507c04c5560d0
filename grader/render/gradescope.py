"""Gradescope's ``results.json`` from a :class:`~grader.results.RunResult`.

Gradescope knows only ``"passed"`` and ``"failed"`` per test, so grader faults
(``error``) and ``skipped`` checks become ``"failed"``; the real status is kept
in each test's ``extra_data``. The output is deterministic: two runs that differ
only in durations differ only in ``execution_time``.

Example:
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> c = CheckResult("ex", "c1", "t", Status.SKIPPED, 0.0, 2.0)
    >>> run = RunResult(seed=9, grader_version="0.1.0", submission="s",
    ...                 exercises=(ExerciseResult("ex", "Ex", (c,)),))
    >>> d = gradescope_dict(run)
    >>> d["tests"][0]["status"], d["tests"][0]["extra_data"]["status"], d["max_score"]
    ('failed', 'skipped', 2.0)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.render._atomic import atomic_write_text
from grader.render._format import check_details, exercise_notes, fmt_points
from grader.results import CheckResult, RunResult, Status

__all__ = ["gradescope_dict", "write_gradescope_json"]


def _summary(run: RunResult) -> str:
    """One-line summary for the top-level ``output``.

    Example:
        >>> from grader.results import RunResult
        >>> _summary(RunResult(seed=4, grader_version="0.1.0", submission="s", exercises=()))
        'Score 0/0, 0/0 checks passed. Seed 4 (re-run with --seed 4 to reproduce).'
    """
    checks = run.checks
    n_passed = sum(1 for c in checks if c.passed)
    line = (
        f"Score {fmt_points(run.score)}/{fmt_points(run.max_score)}, "
        f"{n_passed}/{len(checks)} checks passed. "
        f"Seed {run.seed} (re-run with --seed {run.seed} to reproduce)."
    )
    n_faults = len(run.faults)
    if n_faults:
        line += f" {n_faults} grader fault(s): not your fault, please report them."
    return line


def _test(check: CheckResult) -> dict[str, Any]:
    """One entry of ``tests``.

    Example:
        >>> from grader.results import Status
        >>> t = _test(CheckResult("ex", "c1", "t", Status.PASSED, 1.0, 1.0))
        >>> t["name"], t["status"], t["output"]
        ('ex :: c1', 'passed', '')
    """
    return {
        "name": check.name,
        "score": float(check.score),
        "max_score": float(check.max_score),
        "status": "passed" if check.status is Status.PASSED else "failed",
        "output": check_details(check),
        "extra_data": {
            "exercise": check.exercise,
            "check": check.check,
            "status": check.status.value,
        },
    }


def gradescope_dict(run: RunResult) -> dict[str, Any]:
    """The ``results.json`` content as a dict (JSON-serialisable).

    Example:
        >>> from grader.results import RunResult
        >>> d = gradescope_dict(RunResult(seed=4, grader_version="0.1.0",
        ...                               submission="s", exercises=()))
        >>> sorted(d)
        ['execution_time', 'extra_data', 'max_score', 'output', 'score', 'tests']
    """
    return {
        "score": float(run.score),
        "max_score": float(run.max_score),
        "execution_time": float(run.duration),
        "output": "\n".join([_summary(run)] + [f"{e.exercise}: {note}" for e in run.exercises
                                                 for note in exercise_notes(e)]),
        "tests": [_test(c) for c in run.checks],
        "extra_data": {
            "seed": run.seed,
            "grader_version": run.grader_version,
            "protections": list(run.protections),
            "submission": run.submission,
            "track": run.track,
        },
    }


def write_gradescope_json(run: RunResult, path: Path) -> Path:
    """Write ``results.json`` atomically (sorted keys, indent 2, trailing newline).

    Example:
        >>> import json, pathlib, tempfile
        >>> from grader.results import RunResult
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "results.json"
        >>> run = RunResult(seed=4, grader_version="0.1.0", submission="s", exercises=())
        >>> json.loads(write_gradescope_json(run, p).read_text())["extra_data"]["seed"]
        4
    """
    text = json.dumps(gradescope_dict(run), indent=2, sort_keys=True) + "\n"
    return atomic_write_text(Path(path), text)
