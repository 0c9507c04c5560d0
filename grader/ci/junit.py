"""JUnit XML from a :class:`~grader.results.RunResult`, for CI test reporters.

One ``<testsuite>`` per exercise (``name`` = the exercise id) and one
``<testcase classname="<exercise id>" name="<check id>">`` per check. A failed
check carries ``<failure type="CheckFailed">`` (the first line of the feedback
as ``message``; the feedback, the smallest failing case, the student's line and
the hints as text), a grader fault ``<error type="GraderFault">`` and a skipped
check ``<skipped>``. Points are ``<properties>`` of each testcase (``points``,
``max_points``); seed, grader version, score and max score are properties of
every suite. Written with the standard library's ``xml.etree``; characters
that XML 1.0 cannot hold (a NUL printed by student code...) are escaped as
``\\xNN`` so that the file always parses.

Example:
    >>> import xml.etree.ElementTree as ET
    >>> from grader.results import CheckResult, ExerciseResult, RunResult, Status
    >>> ok = CheckResult("ex/a", "names", "names", Status.PASSED, 2.0, 2.0)
    >>> bad = CheckResult("ex/a", "forward", "forward", Status.FAILED, 0.0, 3.0,
    ...                   feedback="Shapes differ.\\nexpected (2, 3)")
    >>> run = RunResult(seed=7, grader_version="0.1.0", submission="s",
    ...                 exercises=(ExerciseResult("ex/a", "A", (ok, bad)),))
    >>> root = ET.fromstring(junit_xml(run))
    >>> suite = root.find("testsuite")
    >>> suite.get("name"), suite.get("tests"), suite.get("failures")
    ('ex/a', '2', '1')
    >>> suite.find("testcase[@name='forward']/failure").get("message")
    'Shapes differ.'
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.render._atomic import atomic_write_text
from grader.render._format import check_details, fmt_points, truncate_output
from grader.results import CheckResult, ExerciseResult, RunResult, Status

__all__ = ["junit_xml", "write_junit"]

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MESSAGE_CHARS = 300


def xml_safe(text: str) -> str:
    """``text`` with every character that XML 1.0 forbids written as an escape.

    Example:
        >>> xml_safe("a\\x00b\\x1b[0m"), xml_safe("ok\\n")
        ('a\\\\x00b\\\\x1b[0m', 'ok\\n')
    """
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _seconds(value: float) -> str:
    """A duration as JUnit writes it.

    Example:
        >>> _seconds(1.23456), _seconds(-1)
        ('1.235', '0.000')
    """
    return f"{max(0.0, value):.3f}"


def _message(check: CheckResult) -> str:
    """The first non-empty line of the feedback (else the title), shortened for an attribute.

    Example:
        >>> from grader.results import Status
        >>> _message(CheckResult("e", "c", "the title", Status.FAILED, 0.0, 1.0, feedback="\\n  first\\nsecond"))
        'first'
        >>> _message(CheckResult("e", "c", "the title", Status.FAILED, 0.0, 1.0))
        'the title'
    """
    first = next((line.strip() for line in check.feedback.splitlines() if line.strip()), "") or check.title
    return first if len(first) <= _MESSAGE_CHARS else first[: _MESSAGE_CHARS - 1] + "…"


def _properties(parent: ET.Element, items: dict[str, str]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in items.items():
        ET.SubElement(props, "property", name=name, value=xml_safe(value))


def _testcase(suite: ET.Element, check: CheckResult, path_prefix: str) -> None:
    attrs = {"classname": check.exercise, "name": check.check, "time": _seconds(check.duration)}
    location = check.location
    attrs["file"] = path_prefix + (location.path if location else f"{check.exercise}.py")
    if location:
        attrs["line"] = str(location.line)
    case = ET.SubElement(suite, "testcase", attrs)
    _properties(case, {"title": check.title, "points": fmt_points(check.score),
                       "max_points": fmt_points(check.max_score), "status": check.status.value})
    points = f"{fmt_points(check.score)}/{fmt_points(check.max_score)} points"
    if check.status is Status.FAILED:
        node = ET.SubElement(case, "failure", message=xml_safe(_message(check)), type="CheckFailed")
        node.text = xml_safe(f"{check.title} ({points})\n\n{check_details(check)}\n")
    elif check.status is Status.ERROR:
        node = ET.SubElement(case, "error", message=xml_safe(_message(check)), type="GraderFault")
        node.text = xml_safe(f"{check.title} ({points})\n\n{check_details(check)}\n")
    elif check.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=xml_safe(_message(check)))


def _testsuite(parent: ET.Element, exercise: ExerciseResult, run: RunResult, path_prefix: str) -> None:
    counts = {s: sum(1 for c in exercise.checks if c.status is s) for s in Status}
    attrs = {"name": exercise.exercise, "tests": str(len(exercise.checks)),
             "failures": str(counts[Status.FAILED]), "errors": str(counts[Status.ERROR]),
             "skipped": str(counts[Status.SKIPPED]), "time": _seconds(exercise.duration)}
    if run.started_at:
        attrs["timestamp"] = run.started_at
    suite = ET.SubElement(parent, "testsuite", attrs)
    props = {"title": exercise.title, "seed": str(run.seed), "grader_version": run.grader_version, "track": run.track,
             "score": fmt_points(exercise.score), "max_score": fmt_points(exercise.max_score)}
    if exercise.message:
        props["message"] = exercise.message
    if exercise.source:
        props["graded_file"] = exercise.source
    if exercise.not_run:
        props["not_run"] = "; ".join(exercise.not_run)
    _properties(suite, props)
    for check in exercise.checks:
        _testcase(suite, check, path_prefix)
    if exercise.output:
        out = ET.SubElement(suite, "system-out")
        out.text = xml_safe(truncate_output(exercise.output, max_lines=200, max_chars=20_000) + "\n")


def junit_xml(run: RunResult, *, path_prefix: str = "") -> str:
    """The JUnit XML document (UTF-8 declaration, indented).

    ``path_prefix`` is put before each testcase's ``file`` (a path relative to the
    submission folder), e.g. ``"exercises/"`` to make it relative to the repository.

    Example:
        >>> from grader.results import RunResult
        >>> text = junit_xml(RunResult(seed=3, grader_version="0.1.0", submission="s", exercises=()))
        >>> text.splitlines()[:2]
        ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="grade" tests="0" failures="0" errors="0" skipped="0" time="0.000" />']
    """
    checks = run.checks
    root = ET.Element("testsuites", {
        "name": "grade", "tests": str(len(checks)),
        "failures": str(sum(1 for c in checks if c.status is Status.FAILED)),
        "errors": str(sum(1 for c in checks if c.status is Status.ERROR)),
        "skipped": str(sum(1 for c in checks if c.status is Status.SKIPPED)),
        "time": _seconds(run.duration)})
    for exercise in run.exercises:
        _testsuite(root, exercise, run, path_prefix)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(run: RunResult, path: Path, *, path_prefix: str = "") -> Path:
    """Write :func:`junit_xml` to ``path`` atomically and return ``path``.

    Example:
        >>> import pathlib, tempfile
        >>> from grader.results import RunResult
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "junit.xml"
        >>> run = RunResult(seed=3, grader_version="0.1.0", submission="s", exercises=())
        >>> write_junit(run, p).read_text(encoding="utf-8").startswith("<?xml")
        True
    """
    return atomic_write_text(Path(path), junit_xml(run, path_prefix=path_prefix))
