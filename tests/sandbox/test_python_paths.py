"""Which ``sys.path`` entries a worker drops: the project folder, never the interpreter's own."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from grader.paths import project_root
from grader.sandbox.confine import python_paths
from grader.sandbox.worker import project_entries


def test_a_venv_inside_the_project_stays_and_the_rest_of_the_project_goes(tmp_path: Path) -> None:
    project = tmp_path / "my project"  # a space in the path, as on many laptops
    site = project / ".venv" / "lib" / "python3.11" / "site-packages"
    for folder in (site, project / "solutions", project / "tests", project / "exercises"):
        folder.mkdir(parents=True)
    entries = [str(project), str(site), str(project / "tests"), str(project / "solutions"),
               str(project / "exercises"), "/usr/lib/python3.11"]
    dropped = project_entries(entries, project=str(project), submission=str(project / "exercises"),
                              interpreter=(str(site), "/usr/lib/python3.11"))
    assert dropped == [str(project), str(project / "tests"), str(project / "solutions")]


def test_a_python_installed_above_the_project_does_not_open_it(tmp_path: Path) -> None:
    project = tmp_path / "home" / "proj"
    (project / "solutions").mkdir(parents=True)
    dropped = project_entries([str(project / "solutions")], project=str(project), submission="/elsewhere",
                              interpreter=(str(tmp_path / "home"),))
    assert dropped == [str(project / "solutions")]


def test_the_running_interpreter_keeps_its_site_packages() -> None:
    """Here, in the layout CI uses (a venv inside the clone), nothing of the interpreter is dropped."""
    project = str(project_root())
    interpreter_entries = [p for p in sys.path if p and any(
        os.path.realpath(p).startswith(q) for q in python_paths() if not project.startswith(q))]
    assert interpreter_entries, "sys.path has the interpreter's own folders"
    dropped = project_entries(interpreter_entries, project=project, submission=str(Path(project) / "exercises"),
                              interpreter=python_paths())
    assert dropped == []
