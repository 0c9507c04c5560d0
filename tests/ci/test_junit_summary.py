"""The pieces of `grade ci` on hand-built results: --min-score, the verdict, JUnit XML, the Markdown summary."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.ci.junit import junit_xml, write_junit
from grader.ci.summary import append_step_summary, fence, summary_markdown, trim_head
from grader.ci.threshold import EXIT_BELOW, EXIT_FAULT, EXIT_OK, Verdict, parse_min_score, verdict
from grader.results import CheckResult, ExerciseResult, Location, RunResult, Status

FEEDBACK = "Your output has shape (2, 5); expected (2, 10).\nMismatched elements: 10 / 20 <&> `x`"


def make_run(*, fault: bool = True) -> RunResult:
    """Two exercises: one with a pass, a failure (every detail), a fault (or a failure) and a skip; one all passed."""
    a = (
        CheckResult("topic/a", "names", "parameter names", Status.PASSED, 2.0, 2.0, duration=0.25),
        CheckResult("topic/a", "forward", "forward matches", Status.FAILED, 0.0, 3.0, feedback=FEEDBACK,
                    hints=("Is the ReLU missing?",), location=Location("topic/a.py", 12, "return self.out(X)"),
                    failing_case="A(1, 2, 3)", duration=1.5),
        CheckResult("topic/a", "init", "initialization", Status.ERROR if fault else Status.FAILED, 0.0, 1.0,
                    feedback="Grader fault (not your fault): KeyError: 'w'" if fault else "bad init"),
        CheckResult("topic/a", "later", "a later check", Status.SKIPPED, 0.0, 1.0,
                    feedback="Not run: the worker died during check 'init'."),
    )
    b = (CheckResult("topic/b", "works", "it works", Status.PASSED, 4.0, 4.0),)
    return RunResult(seed=1234, grader_version="0.1.0", submission="exercises", duration=2.0,
                     started_at="2024-05-01T10:00:00+00:00",
                     exercises=(ExerciseResult("topic/a", "Exercise A", a, duration=1.8),
                                ExerciseResult("topic/b", "Exercise B", b, output="printed\x00\x1b[31mred\n",
                                               duration=0.2)))


# -- --min-score and the verdict ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("0", 0.0), ("0.6", 0.6), (".5", 0.5), ("1", 1.0), ("60%", 0.6),
                                         (" 75 % ", 0.75), ("100%", 1.0), ("0%", 0.0), ("12.5%", 0.125)])
def test_min_score_accepts_fractions_and_percentages(text: str, value: float) -> None:
    assert parse_min_score(text) == pytest.approx(value)


def test_an_empty_min_score_means_every_check_must_pass() -> None:
    assert parse_min_score("") is None and parse_min_score("  ") is None


@pytest.mark.parametrize("text", ["60", "1.01", "-0.1", "101%", "-5%", "abc", "%", "nan", "inf", "0.6%%"])
def test_min_score_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="fraction of the maximum score"):
        parse_min_score(text)


def _scored(score: float, max_score: float, *, status: Status = Status.FAILED) -> RunResult:
    checks = (CheckResult("t/e", "ok", "ok", Status.PASSED, score, score),
              CheckResult("t/e", "bad", "bad", status, 0.0, max_score - score))
    return RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=(ExerciseResult("t/e", "E", checks),))


def test_verdict_against_the_threshold() -> None:
    run = _scored(3, 5)  # 0.6, which 3/5 computes as 0.6 exactly or a hair below
    assert verdict(run, 0.0) is Verdict.PASSED and verdict(run, 0.6) is Verdict.PASSED
    assert verdict(run, parse_min_score("60%")) is Verdict.PASSED
    assert verdict(run, 0.61) is Verdict.BELOW and verdict(run, 1.0) is Verdict.BELOW
    assert (Verdict.PASSED.exit_code, Verdict.BELOW.exit_code, Verdict.FAULT.exit_code) == (
        EXIT_OK, EXIT_BELOW, EXIT_FAULT) == (0, 1, 3)


def test_a_grader_fault_wins_over_any_score() -> None:
    assert verdict(_scored(3, 5, status=Status.ERROR), 0.0) is Verdict.FAULT
    assert verdict(make_run(), 0.0) is Verdict.FAULT
    assert verdict(make_run(fault=False), 0.0) is Verdict.PASSED


# -- JUnit XML ---------------------------------------------------------------------------------------------------

def test_junit_one_suite_per_exercise_one_case_per_check_with_counts() -> None:
    root = ET.fromstring(junit_xml(make_run()).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("5", "1", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["topic/a", "topic/b"]
    a, b = suites
    assert (a.get("tests"), a.get("failures"), a.get("errors"), a.get("skipped")) == ("4", "1", "1", "1")
    assert (b.get("tests"), b.get("failures"), b.get("errors"), b.get("skipped")) == ("1", "0", "0", "0")
    assert a.get("timestamp") == "2024-05-01T10:00:00+00:00" and float(a.get("time")) == pytest.approx(1.8)
    cases = a.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("topic/a", "names"), ("topic/a", "forward"), ("topic/a", "init"), ("topic/a", "later")]
    for case in root.iter("testcase"):
        float(case.get("time"))  # every time parses
        outcomes = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        assert len(outcomes) <= 1, outcomes
    assert [c.tag for c in cases[0] if c.tag != "properties"] == []  # a pass has no outcome element


def test_junit_failure_carries_the_feedback_case_line_and_hints() -> None:
    root = ET.fromstring(junit_xml(make_run(), path_prefix="exercises/"))
    forward = root.find("testsuite/testcase[@name='forward']")
    failure = forward.find("failure")
    assert failure.get("type") == "CheckFailed"
    assert failure.get("message") == "Your output has shape (2, 5); expected (2, 10)."
    text = failure.text
    for needle in ("Mismatched elements: 10 / 20 <&> `x`", "A(1, 2, 3)", "at topic/a.py:12", "return self.out(X)",
                   "hint: Is the ReLU missing?", "forward matches (0/3 points)"):
        assert needle in text, needle
    assert forward.get("file") == "exercises/topic/a.py" and forward.get("line") == "12"
    props = {p.get("name"): p.get("value") for p in forward.findall("properties/property")}
    assert props == {"title": "forward matches", "points": "0", "max_points": "3", "status": "failed"}
    names = root.find("testsuite/testcase[@name='names']")
    assert {p.get("name"): p.get("value") for p in names.findall("properties/property")}["points"] == "2"
    assert names.get("file") == "exercises/topic/a.py" and names.get("line") is None


def test_junit_fault_is_an_error_and_skip_is_skipped() -> None:
    root = ET.fromstring(junit_xml(make_run()))
    error = root.find("testsuite/testcase[@name='init']/error")
    assert error.get("type") == "GraderFault" and "not your fault" in error.text and "KeyError" in error.text
    assert root.find("testsuite/testcase[@name='init']/failure") is None
    skipped = root.find("testsuite/testcase[@name='later']/skipped")
    assert skipped.get("message") == "Not run: the worker died during check 'init'."


def test_junit_suite_properties_and_output() -> None:
    root = ET.fromstring(junit_xml(make_run()))
    for suite in root.findall("testsuite"):
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert props["seed"] == "1234" and props["grader_version"] == "0.1.0"
    a, b = root.findall("testsuite")
    assert {p.get("name"): p.get("value") for p in a.findall("properties/property")}["score"] == "2"
    assert {p.get("name"): p.get("value") for p in a.findall("properties/property")}["max_score"] == "7"
    out = b.find("system-out").text  # student output: the NUL and ESC that XML 1.0 cannot hold are escaped
    assert "printed\\x00\\x1b[31mred" in out


def test_junit_survives_hostile_text(tmp_path: Path) -> None:
    nasty = "\x00\x01\x0b\x0c\ud800 ]]> </failure> <x a='\"'> \ufffe \U0001F600"
    check = CheckResult("t/e", "c", nasty, Status.FAILED, 0.0, 1.0, feedback=nasty, failing_case=nasty,
                        location=Location("t/e.py", 1, nasty))
    run = RunResult(seed=1, grader_version="0.1.0", submission="s",
                    exercises=(ExerciseResult("t/e", nasty, (check,), output=nasty, message=nasty),))
    path = write_junit(run, tmp_path / "junit.xml")
    root = ET.parse(path).getroot()  # parses from the file's bytes
    failure = root.find("testsuite/testcase/failure")
    assert "]]> </failure> <x a='\"'>" in failure.text and "\U0001F600" in failure.text
    assert "\\x00" in failure.get("message") and "\\ud800" in failure.text


def test_junit_same_run_same_bytes() -> None:
    assert junit_xml(make_run()) == junit_xml(make_run())


# -- Markdown summary -------------------------------------------------------------------------------------------

def _table_rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in text.splitlines()
            if line.startswith("| ") and "---" not in line][1:]


def test_summary_verdicts() -> None:
    passed = summary_markdown(make_run(fault=False), min_score=0.5)
    assert passed.startswith("## ✅ Grade: 6/11 (54.55%)\n") and "**Passed:** 54.55% of the points, 50% needed." in passed
    below = summary_markdown(make_run(fault=False), min_score=0.6)
    assert below.startswith("## ❌ Grade: 6/11") and "**Below the threshold:** 54.55% of the points, 60% needed." in below
    fault = summary_markdown(make_run(), min_score=0.0)
    assert fault.startswith("## ⚠️ Grade: 6/11") and "**Grader fault:** 1 check(s)" in fault and "not your fault" in fault
    free = summary_markdown(make_run(fault=False))
    assert free.startswith("## 📝 Grade") and "no minimum score is set" in free


def test_summary_table_per_exercise() -> None:
    text = summary_markdown(make_run(fault=False), min_score=0.5)
    rows = _table_rows(text)
    assert rows == [["❌ `topic/a` Exercise A", "2", "7", "1/4"], ["✅ `topic/b` Exercise B", "4", "4", "1/1"],
                    ["**total**", "**6**", "**11**", "**2/5**"]]
    assert "2/5 checks passed, 1 skipped after an earlier failure. Seed `1234`" in text


def test_summary_lists_failed_checks_with_feedback_and_reproduce_command() -> None:
    text = summary_markdown(make_run(), min_score=0.5, target="topic", submission_arg="my work",
                            hidden={"topic/a :: forward"}, report="grade-results/report.html")
    assert "### Failed checks" in text
    assert "#### ❌ `topic/a` · `forward`: forward matches (0/3)" in text
    assert "#### ⚠️ `topic/a` · `init`: initialization (0/1)" in text
    assert "`later`" not in text.split("### Failed checks")[1].split("### Reproduce")[0]  # skipped: counted, not listed
    block = re.search(r"```text\n(.*?)\n```", text, re.S)
    assert block and FEEDBACK.splitlines()[0] in block.group(1) and "hint: Is the ReLU missing?" in block.group(1)
    assert "A hidden check: `grade exercise` runs only the public checks" in text
    assert "Reproduce: `grade exercise topic/a --submission 'my work' --seed 1234`" in text
    assert "```bash\ngrade exercise topic --submission 'my work' --seed 1234\n```" in text
    assert "`grade-results/report.html`" in text
    assert "1 of the 5 are hidden checks" in text


def test_summary_fences_survive_backticks_and_long_feedback_is_trimmed() -> None:
    long = "first line ````` five ticks\n" + "\n".join(f"line {i}" for i in range(500))
    check = CheckResult("t/e", "c", "t", Status.FAILED, 0.0, 1.0, feedback=long)
    run = RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=(ExerciseResult("t/e", "E", (check,)),))
    text = summary_markdown(run)
    assert "``````text\nfirst line ````` five ticks" in text  # a six-backtick fence around five backticks
    assert "line 38" in text and "line 39" not in text and "461 more lines: see the HTML report" in text
    assert fence("a") == "```text\na\n```"
    assert trim_head("short") == "short"


def test_summary_lists_at_most_max_listed_failures() -> None:
    checks = tuple(CheckResult("t/e", f"c{i}", "t", Status.FAILED, 0.0, 1.0, feedback=f"wrong {i}") for i in range(8))
    run = RunResult(seed=1, grader_version="0.1.0", submission="s", exercises=(ExerciseResult("t/e", "E", checks),))
    text = summary_markdown(run, max_listed=3)
    assert text.count("#### ❌") == 3 and "… and 5 more failed check(s): see the HTML report." in text


def test_summary_cells_cannot_break_the_table() -> None:
    check = CheckResult("t/e", "c", "t", Status.PASSED, 1.0, 1.0)
    run = RunResult(seed=1, grader_version="0.1.0", submission="s",
                    exercises=(ExerciseResult("t/e", "a | b\n<script>", (check,)),))
    row = next(line for line in summary_markdown(run).splitlines() if "`t/e`" in line)
    assert row == "| ✅ `t/e` a \\| b &lt;script&gt; | 1 | 1 | 1/1 |"


def test_step_summary_is_appended_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "step_summary.md"
    path.write_text("## an earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    text = summary_markdown(make_run(fault=False), min_score=0.5)
    assert append_step_summary(text) == path
    assert append_step_summary(text) == path
    assert path.read_text(encoding="utf-8") == "## an earlier step\n" + text + text
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert append_step_summary(text) is None
