"""The judge's one guarded reader of student files: inside the submission folder after resolving
links, a regular file, at most 1 MiB; every refusal has its positive control next to it."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from grader.notebooks.places import location, student_text
from grader.student_sources import (MAX_SOURCE_BYTES, SourceRefused, inside_submission, read_student_bytes,
                                    read_student_lines, read_student_source)

SECRET = "OUTSIDE_SECRET_7f3a"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A submission folder ``sub`` with ``t/a.py``, and a file outside it holding the secret."""
    sub = tmp_path / "sub"
    (sub / "t").mkdir(parents=True)
    (sub / "t" / "a.py").write_text("x = 1\n")
    outside = tmp_path / "outside.py"
    outside.write_text(f"{SECRET} = 1\n")
    return sub, outside


def test_a_file_inside_is_read(layout: tuple[Path, Path]) -> None:
    sub, _ = layout
    assert read_student_source(sub, "t/a.py") == "x = 1\n"
    assert read_student_source(sub, sub / "t" / "a.py") == "x = 1\n"  # an absolute path inside is fine
    assert read_student_lines(sub, "t/a.py") == ["x = 1"]
    assert read_student_bytes(sub, "t/a.py") == b"x = 1\n"


def test_a_link_to_a_file_outside_is_refused_and_one_inside_is_read(layout: tuple[Path, Path]) -> None:
    sub, outside = layout
    (sub / "t" / "out.py").symlink_to(outside)
    (sub / "t" / "in.py").symlink_to(sub / "t" / "a.py")
    (sub / "u").symlink_to(outside.parent, target_is_directory=True)  # a linked folder leading out
    with pytest.raises(SourceRefused) as refused:
        read_student_bytes(sub, "t/out.py")
    assert refused.value.reason == "outside"
    assert read_student_source(sub, "t/out.py") is None and not inside_submission(sub, "t/out.py")
    assert read_student_source(sub, "u/outside.py") is None
    assert student_text(sub, "t/out.py") == ""
    # positive control: the same kind of link, to a file inside, is read
    assert read_student_source(sub, "t/in.py") == "x = 1\n" and inside_submission(sub, "t/in.py")


def test_dot_dot_and_absolute_escapes_are_refused(layout: tuple[Path, Path]) -> None:
    sub, outside = layout
    for escape in ("../outside.py", "t/../../outside.py", str(outside), "/etc/passwd"):
        assert read_student_source(sub, escape) is None, escape
        assert not inside_submission(sub, escape)
        assert location(sub, {"file": escape, "line": 1}).source == ""
    # positive control: a `..` that stays inside
    assert read_student_source(sub, "t/../t/a.py") == "x = 1\n"
    where = location(sub, {"file": "t/a.py", "line": 1})
    assert where is not None and where.source == "x = 1"


def test_a_fifo_is_refused_without_blocking(layout: tuple[Path, Path]) -> None:
    sub, _ = layout
    os.mkfifo(sub / "t" / "f.py")
    answer: list[object] = []
    reader = threading.Thread(target=lambda: answer.append(read_student_source(sub, "t/f.py")), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock the reader so the test process can end, then fail
        fd = os.open(sub / "t" / "f.py", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("reading a FIFO blocked")
    assert answer == [None]
    with pytest.raises(SourceRefused) as refused:
        read_student_bytes(sub, "t/f.py")
    assert refused.value.reason == "not regular"
    assert read_student_source(sub, "t/a.py") == "x = 1\n"  # positive control


def test_a_directory_is_refused(layout: tuple[Path, Path]) -> None:
    sub, _ = layout
    for folder in ("t", ".", ""):
        with pytest.raises(SourceRefused) as refused:
            read_student_bytes(sub, folder)
        assert refused.value.reason in ("not regular", "unreadable"), folder
    assert read_student_source(sub, "t/a.py") == "x = 1\n"  # positive control


def test_a_file_over_1_mib_is_refused(layout: tuple[Path, Path]) -> None:
    sub, _ = layout
    (sub / "t" / "big.py").write_bytes(b"#" * (2 * MAX_SOURCE_BYTES))
    (sub / "t" / "edge.py").write_bytes(b"#" * MAX_SOURCE_BYTES)
    with pytest.raises(SourceRefused) as refused:
        read_student_bytes(sub, "t/big.py")
    assert refused.value.reason == "too large"
    assert read_student_source(sub, "t/big.py") is None
    assert len(read_student_bytes(sub, "t/edge.py")) == MAX_SOURCE_BYTES  # positive control: exactly 1 MiB


def test_undecodable_bytes_are_replaced(layout: tuple[Path, Path]) -> None:
    sub, _ = layout
    (sub / "t" / "b.py").write_bytes(b"x = '\xff'\r\n")
    assert read_student_source(sub, "t/b.py") == "x = '\ufffd'\n"


# ------------------------------------------------------------------------------------- end to end

IO_ID = "read_write/tensor_io"

UNSAFE = """
import torch

def save(obj, path):
    torch.save(obj, path)

def load(path):
    return torch.load(path, weights_only=False)
"""

# every line is one the location search would quote
DECOY = "".join(f"    return torch.load(path, weights_only=False)  # {SECRET}\n" for _ in range(40))


def _everything_reported(run, tmp_path: Path) -> str:
    from grader.render.html import write_html

    html = write_html(run, tmp_path / "report.html").read_text(encoding="utf-8")
    return repr(run) + html


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_worker_supplied_location_outside_the_submission_is_never_read(grade_files, tmp_path: Path,
                                                                         monkeypatch, where: str) -> None:
    """The worker (whose answers the student's code can shape) names a file outside the submission
    as where ``load`` is defined: the judge does not read it, so its text is in no report.
    Positive control: the same answer naming a file inside the submission is quoted."""
    from grader.sandbox.client import Worker

    outside = tmp_path / "elsewhere" / "decoy.py"
    outside.parent.mkdir()
    outside.write_text(DECOY)
    files = {f"{IO_ID}.py": UNSAFE}
    if where == "inside":
        files["read_write/decoy.py"] = DECOY
    named = "../elsewhere/decoy.py" if where == "outside" else "read_write/decoy.py"
    original, lied = Worker.request, []

    def lying_request(self, op, **args):
        answer = original(self, op, **args)
        locations = answer.get("locations") if op == "describe" else None
        if locations and locations.get("file") == f"{IO_ID}.py":
            answer = {**answer, "locations": {**locations, "file": named}}
            lied.append(op)
        return answer
    monkeypatch.setattr(Worker, "request", lying_request)
    run = grade_files(files, IO_ID)
    assert lied  # the lie reached the judge
    refused = next(c for c in run.checks if c.check == "load_refuses_code")
    assert refused.score == 0  # the unsafe loader is still caught
    reported = _everything_reported(run, tmp_path)
    if where == "outside":
        assert SECRET not in reported and "elsewhere" not in reported
        assert refused.location is None
    else:
        assert refused.location is not None and refused.location.path == named
        assert SECRET in (refused.location.source or "") and SECRET in reported
