"""Grade keys, the output store (atomic, resumable) and student discovery."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from grader.batch.discover import BatchUsageError, discover
from grader.batch.keys import content_hash_files, grade_key, grader_fingerprint
from grader.batch.model import BatchSettings, StudentOutcome, StudentRecord
from grader.batch.store import MANIFEST_FILE, OutputStore
from grader.batch.tasks import read_task


def test_key_changes_with_content_seed_grader_target_and_limits() -> None:
    content = content_hash_files({"m/a.py": b"x"})
    base = dict(fingerprint="0.1.0+a", seed=1, target="all", limits={"timeout": 60.0})
    key = grade_key(content, **base)
    assert key == grade_key(content_hash_files({"m/a.py": b"x"}), **base)
    assert key != grade_key(content_hash_files({"m/a.py": b"y"}), **base)
    assert key != grade_key(content_hash_files({"m/b.py": b"x"}), **base)
    for change in ({"seed": 2}, {"fingerprint": "0.1.0+b"}, {"target": "parameters"},
                   {"limits": {"timeout": 30.0}}):
        assert key != grade_key(content, **{**base, **change})


def test_fingerprint_covers_the_references(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.py").write_text("x = 1\n")
    first = grader_fingerprint(tmp_path)
    (tmp_path / "m" / "a.py").write_text("x = 2\n")
    grader_fingerprint.cache_clear()
    assert grader_fingerprint(tmp_path) != first


def _outcome(student: str, key: str, status: str = "graded") -> StudentOutcome:
    return StudentOutcome(StudentRecord(student, key, status, 1.0, 2.0), '{"score": 1.0}\n', "<!DOCTYPE html>\n")


def test_store_reuses_only_complete_matching_non_fault_results(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    store.save(_outcome("ann", "k"))
    assert store.reusable("ann", "k") is not None
    assert store.reusable("ann", "other") is None
    (tmp_path / "ann" / "report.html").unlink()  # killed before the manifest? then no manifest either
    assert store.reusable("ann", "k") is None
    store.save(_outcome("bob", "k", status="fault"))
    assert store.reusable("bob", "k") is None  # faults are always graded again
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / MANIFEST_FILE).write_text("{not json")
    assert store.reusable("cat", "k") is None
    assert not [p for p in tmp_path.rglob("*.tmp")]  # atomic writes leave no temporary files


def test_task_key_is_stable_and_follows_the_content(tmp_path: Path) -> None:
    settings = BatchSettings(seed=1, target="all", fingerprint="f")
    (tmp_path / "ann" / "m").mkdir(parents=True)
    (tmp_path / "ann" / "m" / "a.py").write_text("x = 1\n")
    with zipfile.ZipFile(tmp_path / "bob.zip", "w") as zf:
        zf.writestr("m/a.py", "x = 1\n")
    found = discover(tmp_path)
    keys = [read_task(e, settings).key for e in found.entries]
    assert keys == [read_task(e, settings).key for e in found.entries]
    (tmp_path / "ann" / "m" / "a.py").write_text("x = 2\n")
    assert read_task(found.entries[0], settings).key != keys[0]
    (tmp_path / "ann" / "m" / "__pycache__").mkdir()  # what importing it would leave: not content
    (tmp_path / "ann" / "m" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert read_task(found.entries[0], settings).key == read_task(found.entries[0], settings).key


def test_discover_rejects_duplicates_reserved_names_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(BatchUsageError, match="no submissions"):
        discover(tmp_path)
    (tmp_path / "alice").mkdir()
    zipfile.ZipFile(tmp_path / "alice.zip", "w").close()
    with pytest.raises(BatchUsageError, match="alice"):
        discover(tmp_path)
    (tmp_path / "alice.zip").unlink()
    (tmp_path / "summary.json").mkdir()
    with pytest.raises(BatchUsageError, match="summary.json"):
        discover(tmp_path)


def test_a_linked_student_is_refused_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "mallory").symlink_to(tmp_path / "real")
    (entry,) = discover(tmp_path / "subs").entries
    task = read_task(entry, BatchSettings(seed=1, target="all", fingerprint="f"))
    assert task.kind == "refused" and "link" in task.refusal


def test_batch_file_keeps_the_seed(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    store.write_batch({"seed": 5})
    assert json.loads((tmp_path / ".batch.json").read_text())["seed"] == 5
    assert store.read_batch()["seed"] == 5
