"""Untrusted submissions: every way out of the student's folder is refused with a clear message."""
from __future__ import annotations

import io
import os
import warnings
import zipfile
from pathlib import Path

import pytest

from grader.batch.unpack import Refused, UnpackLimits, materialise, normalise, read_folder, read_zip
from tests.batch.conftest import symlink_entry

TOPICS = ("model_construction", "parameters")


def zip_of(*members: tuple[str, bytes | str], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name, reason", [
    ("../evil.py", "outside its folder"),
    ("model_construction/../../evil.py", "outside its folder"),
    ("..\\..\\evil.py", "outside its folder"),
    ("/etc/cron.d/evil", "absolute path"),
    ("C:\\Windows\\evil.py", "absolute path"),
    ("\\\\server\\share\\evil.py", "absolute path"),
])
def test_traversal_and_absolute_names_are_refused(name: str, reason: str) -> None:
    data = zip_of(("model_construction/mlp.py", "x = 1\n"), (name, "boom"))
    with pytest.raises(Refused, match=reason):
        read_zip(data)


def test_symlink_entry_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        symlink_entry(zf, "model_construction/mlp.py", "/etc/passwd")
    with pytest.raises(Refused, match="link"):
        read_zip(buf.getvalue())


def test_zip_bomb_is_refused_by_expanded_size() -> None:
    data = zip_of(("model_construction/big.py", b"0" * 2_000_000), compression=zipfile.ZIP_DEFLATED)
    assert len(data) < 20_000  # small on disk …
    with pytest.raises(Refused, match="more than 1 MiB"):
        read_zip(data, UnpackLimits(max_bytes=1024**2))  # … large once expanded


def test_lying_sizes_are_caught_while_reading() -> None:
    """A member whose declared size is small but expands to more is stopped by counting what is read."""
    data = bytearray(zip_of(("a.py", b"0" * 300_000), compression=zipfile.ZIP_DEFLATED))
    # patch the uncompressed size in the local header and the central directory to 10 bytes
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(sig)
        data[at + offset:at + offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(Refused):
        read_zip(bytes(data), UnpackLimits(max_bytes=100_000))


def test_too_many_files_is_refused() -> None:
    data = zip_of(*((f"model_construction/f{i}.py", "") for i in range(20)))
    with pytest.raises(Refused, match="more than 10"):
        read_zip(data, UnpackLimits(max_files=10))


@pytest.mark.parametrize("members, reason", [
    ((("a.py", "1"), ("a.py", "2")), "two members"),
    ((("a", "1"), ("a/b.py", "2")), "both a file and a folder"),
])
def test_ambiguous_archives_are_refused(members: tuple[tuple[str, str], ...], reason: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is asked to write
        data = zip_of(*members)
    with pytest.raises(Refused, match=reason):
        read_zip(data)


def test_not_a_zip_and_encrypted_are_refused() -> None:
    with pytest.raises(Refused, match="not a valid zip"):
        read_zip(b"PK\x03\x04 truncated")
    data = bytearray(zip_of(("a.py", "x")))
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(sig)
        data[at + offset] |= 0x1
    with pytest.raises(Refused, match="encrypted"):
        read_zip(bytes(data))


def test_junk_is_skipped_and_one_enclosing_folder_removed() -> None:
    data = zip_of(("alice/model_construction/mlp.py", "x = 1\n"), ("__MACOSX/alice/._mlp.py", "junk"),
                  ("alice/.DS_Store", "junk"), ("alice/model_construction/__pycache__/mlp.pyc", "junk"))
    assert normalise(read_zip(data), topics=TOPICS) == {"model_construction/mlp.py": b"x = 1\n"}


def test_a_topic_folder_is_not_removed_and_only_one_level_is() -> None:
    assert normalise({"parameters/init.py": b""}, topics=TOPICS) == {"parameters/init.py": b""}
    assert normalise({"a/b/parameters/init.py": b""}, topics=TOPICS) == {"b/parameters/init.py": b""}


def test_folder_with_a_symlink_is_refused_and_nothing_is_followed(tmp_path: Path) -> None:
    sub = tmp_path / "bob" / "model_construction"
    sub.mkdir(parents=True)
    (sub / "mlp.py").write_text("x = 1\n")
    assert read_folder(tmp_path / "bob") == {"model_construction/mlp.py": b"x = 1\n"}
    os.symlink(tmp_path, sub / "loop")
    with pytest.raises(Refused, match="link"):
        read_folder(tmp_path / "bob")


def test_materialise_never_writes_outside(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="outside"):
        materialise({"../x.py": b""}, tmp_path / "s1")
    assert not (tmp_path / "x.py").exists()
    root = materialise({"m/a.py": b"1"}, tmp_path / "s2")
    assert (root / "m" / "a.py").read_bytes() == b"1"
