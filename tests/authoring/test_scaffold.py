"""`grade new`: ids, refusals, and a scaffold that `grade list` shows and `grade selftest` passes at once."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.authoring.scaffold import ScaffoldError, class_name, parse_exercise_id, plan, scaffold
from grader.cli import main
from tests.conftest import ROOT


@pytest.mark.parametrize("good", ["custom_layers/my_layer", "t/x", "topic2/layer_3"])
def test_well_formed_ids(good):
    assert parse_exercise_id(good) == tuple(good.split("/"))


@pytest.mark.parametrize("bad", ["mlp", "a/b/c", "Topic/x", "topic/X", "1topic/x", "topic/my-layer", "topic/",
                                 "/x", "topic/class", "all/x", "grader/x", "topic/x.py", " topic/x"])
def test_malformed_ids_are_refused(bad):
    with pytest.raises(ScaffoldError, match="malformed exercise id"):
        parse_exercise_id(bad)


def test_class_names():
    assert class_name("my_layer") == "MyLayer"
    assert class_name("mlp2") == "Mlp2"


def test_the_planned_files_compile():
    made = plan("my_topic/my_layer", title="My layer")
    declaration = "grader/tracks/pytorch/declarations/my_topic/my_layer.py"
    assert sorted(made.files) == ["exercises/my_topic/my_layer.py", declaration, "solutions/my_topic/my_layer.py"]
    for rel, text in made.files.items():
        compile(text, rel, "exec")
    assert "hidden=True" not in made.files[declaration], "refused by the catalog"
    assert "HIDDEN = (" in made.files[declaration] and "MUTANTS = (" in made.files[declaration]


def test_an_existing_file_is_never_overwritten(tmp_path):
    existing = tmp_path / "solutions" / "my_topic" / "my_layer.py"
    existing.parent.mkdir(parents=True)
    existing.write_text("# mine\n")
    with pytest.raises(ScaffoldError, match="refusing to overwrite existing files: solutions/my_topic/my_layer.py"):
        scaffold("my_topic/my_layer", root=tmp_path)
    assert existing.read_text() == "# mine\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "solutions/my_topic/my_layer.py"]


def test_a_topic_that_would_shadow_a_module_is_refused(tmp_path):
    with pytest.raises(ScaffoldError, match="would shadow the installed module 'torch'"):
        scaffold("torch/my_layer", root=tmp_path)


def test_the_command_refuses_with_exit_2(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["new", "Not-An-Id", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "malformed exercise id 'Not-An-Id'" in result.output
    result = runner.invoke(main, ["new", "model_construction/mlp", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "already in the catalog" in result.output
    assert not any(tmp_path.iterdir())


def _project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("grader", "exercises", "solutions"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _grade(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GRADE_SOLUTIONS"}
    env["PYTHONPATH"] = str(root)
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_new_exercise_is_listed_and_passes_selftest_at_once(tmp_path):
    root = _project_copy(tmp_path)
    made = _grade(root, "new", "demo_topic/demo_block", "--title", "Demo block")
    assert made.returncode == 0, made.stdout + made.stderr
    written = ("exercises/demo_topic/demo_block.py", "solutions/demo_topic/demo_block.py",
               "grader/tracks/pytorch/declarations/demo_topic/demo_block.py")
    for rel in written:
        assert (root / rel).is_file(), rel
        assert f"wrote {rel}" in made.stdout
    assert (root / "grader/tracks/pytorch/declarations/demo_topic/__init__.py").is_file()  # a new topic's package

    listed = _grade(root, "list")
    assert listed.returncode == 0, listed.stderr
    assert "demo_topic/demo_block" in listed.stdout and "Demo block" in listed.stdout

    tested = _grade(root, "selftest", "demo_topic/demo_block", "--seed", "1", "--examples-scale", "0.3")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    out = " ".join(tested.stdout.split())
    assert "seed 1" in out and "Sound:" in out
    assert "hard_coded_sizes" in out and "missing_relu" in out and "caught" in out and "untested" not in out
    assert "not as declared" not in out

    again = _grade(root, "new", "demo_topic/demo_block")
    assert again.returncode == 2 and "already in the catalog" in again.stderr
    again = _grade(root, "new", "demo_topic/demo_block", "--root", str(tmp_path / "elsewhere"))
    assert again.returncode == 2


def test_a_new_gluon_exercise_is_listed_and_passes_selftest_at_once(tmp_path):
    from tests.tracks.gluon.gluon_env import managed_env

    managed_env()  # skips without the managed Gluon environment (unless it is required)
    root = _project_copy(tmp_path)
    made = _grade(root, "new", "demo_topic/demo_block", "--title", "Demo block", "--track", "gluon")
    assert made.returncode == 0, made.stdout + made.stderr
    written = ("gluon/exercises/demo_topic/demo_block.py", "gluon/solutions/demo_topic/demo_block.py",
               "grader/tracks/gluon/declarations/demo_topic/demo_block.py")
    for rel in written:
        assert (root / rel).is_file(), rel
    assert "--track gluon" in made.stdout
    listed = _grade(root, "list", "--track", "gluon")
    assert "demo_topic/demo_block" in listed.stdout
    assert "demo_topic" not in _grade(root, "list").stdout  # not in the PyTorch catalog
    tested = _grade(root, "selftest", "demo_topic/demo_block", "--track", "gluon", "--seed", "1")
    out = " ".join(tested.stdout.split())
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "Sound:" in out and "fixed_input_width" in out and "missing_relu" in out and "untested" not in out
