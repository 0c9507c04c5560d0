"""The README's first commands, `.ci/run` and the torch range: CI runs the README's test command as
written, and constraints/cpu.txt picks a torch inside pyproject.toml's range."""
from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    """The commands of the README's first ``bash`` block, comments cut."""
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "the README starts with no bash block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readmes_test_command_as_written():
    install, test = readme_commands()
    assert install.startswith("pip install -c constraints/cpu.txt -e . ") and "grade exercise all" in install
    assert test == 'pip install -c constraints/cpu.txt -e ".[test]" && python -m pytest'
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test in ci
    assert "export GRADER_REQUIRE_SANDBOX=1" in ci and "export GRADER_REQUIRE_BROWSER=1" in ci


def test_torch_is_a_range_and_the_constraints_pin_lies_inside_it():
    deps = [Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    (torch,) = [r for r in deps if r.name == "torch"]
    assert not any(s.operator == "==" for s in torch.specifier), "torch is pinned, not a range"
    assert torch.specifier.contains("2.3.0") and torch.specifier.contains("2.14.1")
    assert not torch.specifier.contains("2.2.2") and not torch.specifier.contains("2.15.0")
    pins = [Requirement(line) for line in (ROOT / "constraints" / "cpu.txt").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    assert [str(p) for p in pins] == ["torch==2.13.0"]
    assert torch.specifier.contains("2.13.0")
