"""The similarity reader: folders, zips and notebooks, read as text, links and huge files left out."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader.batch.similarity import compare_exercise
from grader.batch.similarity.classwide import boilerplate_for, class_similarity
from grader.batch.similarity.sources import MAX_FILE_BYTES, read_sources
from tests.batch.similarity.sequential_class import COMMENTS_ONLY, INDEPENDENT, ORIGINAL, as_notebook

EXERCISE = "model_construction/my_sequential"
NAMES = {EXERCISE: ("MySequential",)}


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_py_file_wins_over_notebooks(tmp_path: Path) -> None:
    _write(tmp_path, f"{EXERCISE}.py", "x = 1\n")
    _write(tmp_path, f"{EXERCISE}.ipynb", as_notebook("y = 2\n"))
    assert [(s.path, s.text) for s in read_sources(tmp_path, "folder", [EXERCISE])] == [(f"{EXERCISE}.py", "x = 1\n")]


def test_module_notebook_gives_its_code_cells_only(tmp_path: Path) -> None:
    _write(tmp_path, f"{EXERCISE}.ipynb", as_notebook(ORIGINAL, markdown="# secret words"))
    (source,) = read_sources(tmp_path, "folder", [EXERCISE], names=NAMES)
    assert source.path == f"{EXERCISE}.ipynb"
    assert "secret words" not in source.text and "%%time" not in source.text and "print('timing')" not in source.text
    assert "class MySequential(nn.Module):" in source.text and source.text.startswith("# cell 3\n")


def test_topic_notebook_gives_the_exercise_cells(tmp_path: Path) -> None:
    other = "class MLP(nn.Module):\n    pass\n"
    _write(tmp_path, "model_construction.ipynb", as_notebook("import torch\n" + other + ORIGINAL))
    (source,) = read_sources(tmp_path, "folder", [EXERCISE], names=NAMES)
    assert source.path == "model_construction.ipynb"
    assert "class MySequential" in source.text and "class MLP" not in source.text


def test_links_special_files_and_huge_files_are_left_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("secret = 1\n")
    student = tmp_path / "s"
    (student / "model_construction").mkdir(parents=True)
    (student / "model_construction" / "my_sequential.py").symlink_to(outside)
    (student / "model_construction" / "mlp.py").write_text("#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "real").mkdir()
    (student / "parameters").symlink_to(tmp_path / "real", target_is_directory=True)
    _write(tmp_path / "real", "access.py", "x = 1\n")
    found = read_sources(student, "folder", [EXERCISE, "model_construction/mlp", "parameters/access"])
    assert found == []


def test_zips_are_read_with_the_grading_checks(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr(f"good/{EXERCISE}.py", ORIGINAL)
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr(f"{EXERCISE}.py", ORIGINAL)
        zf.writestr("../evil.py", "x = 1\n")
    assert [s.text for s in read_sources(good, "zip", [EXERCISE])] == [ORIGINAL]
    assert read_sources(bad, "zip", [EXERCISE]) == []


def test_a_notebook_copy_of_a_py_file_is_flagged(tmp_path: Path) -> None:
    students = {"orig": (f"{EXERCISE}.py", ORIGINAL), "nb": (f"{EXERCISE}.ipynb", as_notebook(COMMENTS_ONLY)),
                **{k: (f"{EXERCISE}.py", v) for k, v in list(INDEPENDENT.items())[:6]}}
    for name, (rel, text) in students.items():
        _write(tmp_path / name, rel, text)
    report = class_similarity([(n, tmp_path / n, "folder") for n in sorted(students)], [EXERCISE])
    top = report.pairs[0]
    assert (top.a, top.b, top.flagged) == ("nb", "orig", True)
    assert report.text("nb", EXERCISE)[0] == f"{EXERCISE}.ipynb"


def test_an_invalid_notebook_is_left_out(tmp_path: Path) -> None:
    _write(tmp_path, f"{EXERCISE}.ipynb", "{\"cells\": [")
    assert read_sources(tmp_path, "folder", [EXERCISE]) == []
    assert json.loads(as_notebook("x = 1\n"))["nbformat"] == 4


def test_mixed_formats_compare_alike() -> None:
    as_py = compare_exercise(EXERCISE, {"a": ORIGINAL, "b": COMMENTS_ONLY}, boilerplate=boilerplate_for(EXERCISE))
    assert as_py and as_py[0].flagged
