"""Find reference code in a folder: lines of the solutions that neither the stubs nor the grader have.

The grader's own sources are allowed: its hints quote fixes (``torch.save(net.state_dict(), path)``)
on purpose. A solution line that occurs nowhere in them, found in the release other than quoted
between backticks (a declaration's hint, which students read), is a leak.

Example::

    found = find_leaks(Path("release"), solutions=Path("solutions"), allowed=[Path("exercises"), Path("grader")])
    assert not found
"""
from __future__ import annotations

import ast
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

__all__ = ["Leak", "find_leaks", "distinctive_lines", "grader_sources", "unquoted", "unstripped"]

_MIN_LENGTH = 20


@dataclass(frozen=True)
class Leak:
    """A solution line found in a file of the release."""

    solution: str
    line: str
    found_in: str


def _text(path: Path) -> str:
    """A file's text; a ``.gz`` file's decompressed text; '' for binary or unreadable files."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return raw.decode()
    except (OSError, UnicodeDecodeError, gzip.BadGzipFile, EOFError):
        return ""


def _lines(path: Path) -> set[str]:
    return {line.strip() for line in _text(path).splitlines()}


def _python_files(roots: Iterable[Path]) -> Iterable[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def unstripped(grader: Path) -> list[Leak]:
    """What a release's declaration modules must not hold: the names ``MUTANTS`` and ``HIDDEN``, or a
    ``Mutant(...)`` (its edits are solution code). Their hints may quote a fix, as every check's do,
    so the text scan allows them once this holds.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()); decl = folder / "tracks" / "t" / "declarations" / "m"
        >>> decl.mkdir(parents=True)
        >>> _ = (decl / "x.py").write_text("EXERCISE = 1; extra = Mutant('x', edits=[])")
        >>> [(leak.line, leak.found_in) for leak in unstripped(folder)]
        [('Mutant(...)', 'tracks/t/declarations/m/x.py')]
    """
    found = []
    for path in sorted(grader.glob("tracks/*/declarations/**/*.py")):
        try:
            tree = ast.parse(_text(path))
        except SyntaxError:
            continue
        names = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                 for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Mutant"
                    for n in ast.walk(tree))
        where = str(path.relative_to(grader))
        found += [Leak("(declarations)", name, where) for name in sorted(names & {"MUTANTS", "HIDDEN"})]
        if calls:
            found.append(Leak("(declarations)", "Mutant(...)", where))
    return found


def grader_sources(grader: Path) -> list[Path]:
    """The grader's files that may quote fixes (its hints do): all but the exercise declarations,
    which hold the mutants (solution code) in the project; a release allows its own stripped ones
    once :func:`unstripped` finds nothing in them.

    Example:
        >>> from grader.paths import project_root
        >>> files = grader_sources(project_root() / "grader")
        >>> any(p.name == "leaks.py" for p in files), any("declarations" in p.parts for p in files)
        (True, False)
    """
    return [p for p in sorted(grader.rglob("*.py"))
            if "__pycache__" not in p.parts and "declarations" not in p.relative_to(grader).parts]


def distinctive_lines(solutions: Path, allowed: Iterable[Path]) -> dict[str, set[str]]:
    """Per solution file, its code lines (of at least 20 characters, not comments) that appear in
    no allowed file: those would give the solution away."""
    common = "\n".join(_text(path) for path in _python_files(allowed))
    out = {}
    for path in sorted(solutions.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        mine = {line for line in _lines(path)
                if len(line) >= _MIN_LENGTH and not line.startswith(("#", '"""', "'''")) and line not in common}
        if mine:
            out[str(path.relative_to(solutions))] = mine
    return out


def unquoted(text: str, line: str) -> bool:
    """Whether ``line`` occurs in ``text`` other than quoted between backticks, as a hint quotes the
    fix it suggests (`` `torch.save(obj, path)` ``): that is what a student reads anyway.

    Example:
        >>> unquoted("hint: use `torch.save(obj, path)`.", "torch.save(obj, path)")
        False
        >>> unquoted("_SAVE = '    torch.save(obj, path)'", "torch.save(obj, path)")
        True
    """
    start = text.find(line)
    while start >= 0:
        end = start + len(line)
        if not (text[start - 1:start] == "`" and text[end:end + 1] == "`"):
            return True
        start = text.find(line, start + 1)
    return False


def find_leaks(folder: Path, *, solutions: Path, allowed: Iterable[Path]) -> list[Leak]:
    """Every distinctive solution line that occurs in a text file under ``folder`` (a hint's
    backtick-quoted fix is not one: :func:`unquoted`)."""
    wanted = distinctive_lines(solutions, allowed)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = _text(path)
        for solution, lines in wanted.items():
            for line in sorted(lines):
                if unquoted(text, line):
                    leaks.append(Leak(solution, line, str(path.relative_to(folder))))
    return leaks
