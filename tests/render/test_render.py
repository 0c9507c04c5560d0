"""Tests of the renderers in grader.render (terminal, HTML, Gradescope JSON)."""
from __future__ import annotations

import dataclasses
import doctest
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

import grader.render
from grader.render import (
    gradescope_dict,
    render_html,
    render_terminal,
    write_gradescope_json,
    write_html,
)
from grader.render import _atomic, _format, gradescope, terminal
from grader.render import html as html_module
from grader.results import CheckResult, ExerciseResult, Location, RunResult, Status

SCRIPT_FEEDBACK = "output differs:\n  <script>alert('x')</script>\n  expected [bold]shape[/bold] (2, 3)"
HINT = "call super().__init__() before creating layers"


def make_run(duration: float = 1.5, check_duration: float = 0.1) -> RunResult:
    """A small run with one check of each status."""
    passed = CheckResult(
        exercise="model_construction/mlp", check="forward", title="forward matches the reference",
        status=Status.PASSED, score=3.0, max_score=3.0, duration=check_duration,
    )
    failed = CheckResult(
        exercise="model_construction/mlp", check="shape", title="output has the right shape",
        status=Status.FAILED, score=0.0, max_score=2.0, feedback=SCRIPT_FEEDBACK,
        hints=(HINT, "see section 6.1"),
        location=Location(path="mlp.py", line=12, source="        return self.out(x)\n"),
        failing_case="x = torch.zeros(1, 20)", duration=check_duration,
    )
    error = CheckResult(
        exercise="parameters/init", check="xavier", title="xavier init statistics",
        status=Status.ERROR, score=0.0, max_score=1.5,
        feedback="reference solution crashed: KeyError 'w'", duration=check_duration,
    )
    skipped = CheckResult(
        exercise="parameters/init", check="constant", title="constant init",
        status=Status.SKIPPED, score=0.0, max_score=1.0,
        feedback="skipped: an earlier check of this exercise failed", duration=check_duration,
    )
    return RunResult(
        seed=424242, grader_version="0.1.0", submission="submissions/alice",
        exercises=(
            ExerciseResult("model_construction/mlp", "An MLP", (passed, failed),
                           message="2 of 2 checks ran", output="worker line 1\nworker line 2",
                           duration=duration),
            ExerciseResult("parameters/init", "Parameter initialisation", (error, skipped),
                           message="exercise ended early", output="", duration=duration),
        ),
        protections=("seccomp", "no-network"), duration=duration,
        started_at="2024-11-24T10:00:00Z", student="Alice <alice@example.org>",
    )


# --------------------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.checks: dict[str, str] = {}
        self.urls: list[str] = []
        self.script_tags = 0
        self.ids: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.script_tags += 1
        if "data-check" in a:
            assert a["data-check"] not in self.checks, "duplicate data-check"
            self.checks[a["data-check"] or ""] = a.get("data-status") or ""
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key] or "")
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.anchors.append((a["href"] or "")[1:])


@pytest.fixture()
def page() -> str:
    return render_html(make_run())


def test_html_parses_and_every_check_has_its_status(page: str) -> None:
    parser = _Collector()
    parser.feed(page)
    parser.close()
    run = make_run()
    assert parser.checks == {c.name: c.status.value for c in run.checks}
    assert parser.checks["parameters/init :: xavier"] == "error"
    assert parser.checks["model_construction/mlp :: shape"] == "failed"


def test_html_is_self_contained(page: str) -> None:
    parser = _Collector()
    parser.feed(page)
    assert not [u for u in parser.urls if u.lower().startswith(("http://", "https://", "//"))]
    lowered = page.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert "@import" not in lowered and "url(" not in lowered
    # summary links resolve to sections of the page
    assert parser.anchors and set(parser.anchors) <= set(parser.ids)


def test_html_escapes_feedback(page: str) -> None:
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    parser = _Collector()
    parser.feed(page)
    assert parser.script_tags == 0


def test_html_contains_metadata_and_details(page: str) -> None:
    for needle in ("424242", "0.1.0", "submissions/alice", "Alice &lt;alice@example.org&gt;",
                   "2024-11-24T10:00:00Z", "seccomp", "no-network", "1.5 s",
                   "mlp.py:12", "return self.out(x)", "x = torch.zeros(1, 20)", HINT,
                   "2 of 2 checks ran", "exercise ended early", "<details>", "worker line 2",
                   "grader fault", "3 / 7.5"):
        assert needle in page, needle


def test_write_html(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.html"
    assert write_html(make_run(), path) == path
    assert path.read_text(encoding="utf-8") == render_html(make_run())
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temp files left


# --------------------------------------------------------------------------- terminal


def _terminal_text(run: RunResult, **kwargs: bool) -> str:
    console = Console(record=True, width=120, file=io.StringIO())
    render_terminal(run, console, **kwargs)
    return console.export_text()


def test_terminal_contents() -> None:
    text = _terminal_text(make_run())
    for c in make_run().checks:
        assert c.check in text
    assert "424242" in text
    assert "seed: 424242 — re-run with --seed 424242 to reproduce" in text
    assert f"hint: {HINT}" in text
    assert "[bold]shape[/bold]" in text  # not swallowed as markup
    assert "<script>alert('x')</script>" in text
    assert "mlp.py:12" in text and "return self.out(x)" in text
    assert "x = torch.zeros(1, 20)" in text
    assert "protections: 2 active (seccomp, other); -v or the HTML report lists them" in text
    assert "seccomp, no-network" in _terminal_text(make_run(), verbose=True)
    assert "3/7.5" in text and "1/4" in text  # total score and checks passed
    assert "not your fault" in text
    for mark in ("✓", "✗", "!", "–"):
        assert mark in text
    assert "worker line" not in text


def test_terminal_verbose_shows_output_and_no_fault_note_without_errors() -> None:
    assert "worker line 2" in _terminal_text(make_run(), verbose=True)
    run = make_run()
    clean = dataclasses.replace(run, exercises=run.exercises[:1])
    text = _terminal_text(clean)
    assert "not your fault" not in text
    assert "seed: 424242" in text


def test_terminal_truncates_long_output() -> None:
    run = make_run()
    long_output = "\n".join(f"line {i}" for i in range(1000))
    ex = dataclasses.replace(run.exercises[0], output=long_output)
    text = _terminal_text(dataclasses.replace(run, exercises=(ex,)), verbose=True)
    assert "line 999" in text and "line 0\n" not in text and "omitted" in text


# --------------------------------------------------------------------------- Gradescope


def test_gradescope_fields_and_statuses() -> None:
    run = make_run()
    d = gradescope_dict(run)
    assert set(d) == {"score", "max_score", "execution_time", "output", "tests", "extra_data"}
    assert d["score"] == 3.0 and d["max_score"] == 7.5 and d["execution_time"] == 1.5
    assert "424242" in d["output"] and "\n" not in d["output"]
    assert d["extra_data"] == {
        "seed": 424242, "grader_version": "0.1.0",
        "protections": ["seccomp", "no-network"], "submission": "submissions/alice", "track": "pytorch",
    }
    assert len(d["tests"]) == len(run.checks)
    expected = {"passed": "passed", "failed": "failed", "error": "failed", "skipped": "failed"}
    for test, check in zip(d["tests"], run.checks):
        assert set(test) == {"name", "score", "max_score", "status", "output", "extra_data"}
        assert test["name"] == check.name
        assert test["score"] == check.score and test["max_score"] == check.max_score
        assert test["status"] == expected[check.status.value]
        assert test["extra_data"] == {
            "exercise": check.exercise, "check": check.check, "status": check.status.value,
        }
    failed = d["tests"][1]["output"]
    for needle in (SCRIPT_FEEDBACK, "x = torch.zeros(1, 20)", "mlp.py:12", "return self.out(x)",
                   f"hint: {HINT}", "hint: see section 6.1"):
        assert needle in failed, needle
    assert "not your fault" in d["tests"][2]["output"]
    json.dumps(d)  # serialisable


def test_gradescope_json_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "results.json", tmp_path / "b" / "results.json"
    assert write_gradescope_json(make_run(), a) == a
    write_gradescope_json(make_run(), b)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes().endswith(b"}\n")
    write_gradescope_json(make_run(), a)  # overwrite in place
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in a.parent.iterdir()) == ["results.json"]
    # only the timing field differs when durations differ
    c = tmp_path / "c.json"
    write_gradescope_json(make_run(duration=9.25, check_duration=3.0), c)
    da, dc = json.loads(a.read_text()), json.loads(c.read_text())
    assert dc.pop("execution_time") == 9.25
    da.pop("execution_time")
    assert da == dc


# --------------------------------------------------------------------------- package


def test_public_api() -> None:
    assert sorted(grader.render.__all__) == sorted(
        ["render_terminal", "write_html", "render_html", "gradescope_dict", "write_gradescope_json"]
    )


@pytest.mark.parametrize("module", [grader.render, _atomic, _format, gradescope, html_module, terminal])
def test_docstring_examples(module: object) -> None:
    failures, _ = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert failures == 0


def test_the_terminal_protections_line_is_one_short_line() -> None:
    from grader.render.terminal import protections_line

    many = tuple(f"layer {i} (RLIMIT_X {i}, a long description of what it does)" for i in range(14))
    line = protections_line(many + ("Landlock ABI 7: file system limited to 31 read-only paths",))
    assert len(line) < 120 and line.startswith("15 active (") and "HTML report" in line
    assert "31 read-only paths" in protections_line(many + ("Landlock ABI 7: 31 read-only paths",), verbose=True)
