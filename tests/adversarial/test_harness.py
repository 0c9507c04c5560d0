"""Positive controls for the adversarial harness (:mod:`tests.adversarial.conftest`): each of its
"nothing changed / nothing was written / nothing survived" observations does see the thing when it
is there, so an attack that passes them really left nothing behind."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from grader.sandbox.policy import SandboxPolicy
from tests.adversarial.conftest import GOOD_MLP, MLP, marked_files, snapshot


def test_snapshot_sees_a_new_a_changed_a_removed_and_a_chmodded_file(tmp_path):
    watched = tmp_path / "watched"
    (watched / "sub").mkdir(parents=True)
    (watched / "sub" / "a.txt").write_text("a")
    (watched / "b.txt").write_text("b")
    base = snapshot(watched)

    (watched / "sub" / "new.txt").write_text("new")
    assert set(snapshot(watched)) - set(base) == {str(watched / "sub" / "new.txt")}
    (watched / "sub" / "new.txt").unlink()
    assert snapshot(watched) == base

    (watched / "sub" / "a.txt").write_text("A")  # same size, new content
    assert snapshot(watched)[str(watched / "sub" / "a.txt")] != base[str(watched / "sub" / "a.txt")]
    (watched / "sub" / "a.txt").write_text("a")
    os.utime(watched / "sub" / "a.txt", ns=(base[str(watched / "sub" / "a.txt")][1],) * 2)
    assert snapshot(watched) == base

    (watched / "b.txt").chmod(0o600)
    assert snapshot(watched) != base
    (watched / "b.txt").unlink()
    assert str(watched / "b.txt") not in snapshot(watched)


def test_snapshot_sees_an_absent_path_appear(tmp_path):
    path = tmp_path / "results.json"
    base = snapshot(path)
    assert base == {str(path): (0, 0, "absent")}
    path.write_text("{}")
    assert snapshot(path) != base


def test_marked_files_finds_the_marker_in_a_folder_one_level_below_and_in_tmp(tmp_path):
    marker = "ctl" + uuid.uuid4().hex[:12]
    (tmp_path / "sub").mkdir()
    (tmp_path / f"{marker}.txt").write_text("x")
    (tmp_path / "sub" / f"x_{marker}").mkdir()
    in_tmp = Path("/tmp") / f"left_{marker}"
    in_tmp.write_text("x")
    try:
        found = sorted(marked_files(marker, Path("/tmp"), tmp_path))
        assert found == sorted([str(in_tmp), str(tmp_path / f"{marker}.txt"), str(tmp_path / "sub" / f"x_{marker}")])
    finally:
        in_tmp.unlink()
    assert marked_files(marker, Path("/tmp")) == []


def test_the_attack_harness_fails_an_attack_that_leaves_a_file_in_tmp(attack):
    """End to end: the same submission with Landlock off does write ``/tmp/<marker>``; the
    harness's check catches it (with Landlock on, the attacks' write is refused)."""
    leave = '''
try:
    with open("/tmp/MARKER_left_behind", "w") as _fh:
        _fh.write("x")
except OSError:
    pass
'''
    left = []
    try:
        with pytest.raises(AssertionError, match=r"_left_behind"):
            attack({"model_construction/mlp.py": leave + GOOD_MLP}, exercises=(MLP,),
                   sandbox=SandboxPolicy(landlock=False))
    finally:
        left = [p for p in Path("/tmp").glob("adv*_left_behind")]
        for p in left:
            p.unlink()
    assert left, "the submission wrote nothing: this control would pass for the wrong reason"
