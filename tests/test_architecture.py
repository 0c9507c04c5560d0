"""The house's rules, checked: the import-linter contracts of pyproject.toml hold, and no module of
``grader`` imports one that imports it back (imports inside functions count too).

Each rule has a positive control: a contract that the code breaks is reported broken, and a cycle
planted in a scratch package is found.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

from tests.conftest import ROOT


def _lint(config: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())"]
    if config is not None:
        args.append(str(config))
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    proc = _lint()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 broken" in proc.stdout, proc.stdout


def test_a_broken_contract_is_reported(tmp_path):
    """Positive control: the engine imports the catalog, so forbidding it must fail the lint."""
    config = tmp_path / "contracts.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_package = "grader"

        [[tool.importlinter.contracts]]
        name = "control: the engine may not import the catalog"
        type = "forbidden"
        source_modules = ["grader.engine"]
        forbidden_modules = ["grader.catalog"]
    """))
    proc = _lint(config)
    assert proc.returncode != 0 and "BROKEN" in proc.stdout.upper(), proc.stdout + proc.stderr


def cycles(package: str) -> list[list[str]]:
    """Every strongly connected set of two or more modules of ``package`` (Tarjan), each sorted."""
    graph = grimp.build_graph(package, include_external_packages=False)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_grader():
    assert cycles("grader") == []


def test_a_planted_cycle_is_found(tmp_path, monkeypatch):
    """Positive control: two modules importing each other, one of them inside a function."""
    pkg = tmp_path / "cyclic_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("import cyclic_pkg.b\n")
    (pkg / "b.py").write_text("def f():\n    from cyclic_pkg import a\n    return a\n")
    (pkg / "c.py").write_text("import cyclic_pkg.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles("cyclic_pkg") == [["cyclic_pkg.a", "cyclic_pkg.b"]]


def test_no_module_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "grader").rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
