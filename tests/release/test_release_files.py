"""A release of the exercises that write and read files (read_write), in both tracks: the recorded
answers of a file read are those of its own case (what that case saved), so replaying every recorded
submission gives the live verdicts, and the hints that quote a fix are not taken for leaked solutions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _release(out: Path, *track: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", "release", str(out), "--only", "read_write",
                           "--seed", "5", *track], cwd=ROOT, capture_output=True, text=True, timeout=900)


def _assert_verified(proc: subprocess.CompletedProcess[str]) -> None:
    text = proc.stdout + proc.stderr
    assert proc.returncode == 0, text[-4000:]
    assert "replay differs" not in text and "solution code inside" not in text, text[-4000:]
    assert "Verified: replaying every recorded submission gives the live verdicts" in " ".join(text.split())


def test_a_pytorch_read_write_release_verifies(tmp_path: Path) -> None:
    _assert_verified(_release(tmp_path / "release"))


def test_a_gluon_read_write_release_verifies(tmp_path: Path) -> None:
    from tests.tracks.gluon.gluon_env import managed_env

    managed_env()
    _assert_verified(_release(tmp_path / "release", "--track", "gluon"))


def test_a_stripped_declaration_left_with_a_mutant_is_refused(tmp_path: Path) -> None:
    from grader.release.leaks import unstripped

    declarations = tmp_path / "grader" / "tracks" / "pytorch" / "declarations" / "read_write"
    declarations.mkdir(parents=True)
    (declarations / "clean.py").write_text('EXERCISE = 1\n_HINT = "`torch.save(obj, path)`"\n')
    assert unstripped(tmp_path / "grader") == []
    (declarations / "left.py").write_text("EXERCISE = 1\nMUTANTS = (Mutant('x', edits=[('a', 'b')]),)\n")
    assert {(leak.line, leak.found_in.rsplit("/", 1)[-1]) for leak in unstripped(tmp_path / "grader")} == \
        {("MUTANTS", "left.py"), ("Mutant(...)", "left.py")}


@pytest.mark.parametrize("text, quoted", [("hint: `torch.save(obj, path)`.", True),
                                          ("x = '    torch.save(obj, path)'", False),
                                          ("`torch.save(obj, path)` and torch.save(obj, path)", False)])
def test_a_fix_quoted_between_backticks_is_no_leak(text: str, quoted: bool) -> None:
    from grader.release.leaks import unquoted

    assert unquoted(text, "torch.save(obj, path)") is not quoted
