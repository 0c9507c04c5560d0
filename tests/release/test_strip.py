"""A student release strips hidden checks and mutants from declaration modules, and nothing else."""
from __future__ import annotations

import ast

from grader.catalog import declaration_modules
from grader.release.strip import strip_declaration
from tests.conftest import ROOT


def test_hidden_mutants_and_what_only_they_use_go():
    text = '''"""doc"""
from grader.mutants import Mutant

_SIZES = 3
EXERCISE = make(_SIZES)


def _hidden_helper(x):
    return _ONLY_HIDDEN + x


_ONLY_HIDDEN = 2
HIDDEN = (check(_hidden_helper),)

_SOLUTION_LINE = "return self.output(F.relu(self.hidden(X)))"
MUTANTS = (Mutant("m", "bug", edits=[(_SOLUTION_LINE, "x")]),)
'''
    out = strip_declaration(text)
    assert "EXERCISE = make(_SIZES)" in out and "_SIZES = 3" in out and "from grader.mutants" in out
    for gone in ("HIDDEN", "MUTANTS", "_hidden_helper", "_ONLY_HIDDEN", "_SOLUTION_LINE", "self.output"):
        assert gone not in out, gone
    ast.parse(out)


def test_a_definition_that_stays_in_use_is_kept():
    text = "_shared = 1\nEXERCISE = f(_shared)\nHIDDEN = (g(_shared),)\n"
    assert strip_declaration(text) == "_shared = 1\nEXERCISE = f(_shared)\n"


def test_a_module_without_hidden_or_mutants_is_unchanged():
    text = '"""doc"""\nEXERCISE = f()\n'
    assert strip_declaration(text) == text


def test_every_declaration_module_strips_to_a_module_without_them():
    modules = declaration_modules()
    assert modules
    for module in modules:
        text = (ROOT / (module.__name__.replace(".", "/") + ".py")).read_text()
        out = strip_declaration(text)
        tree = ast.parse(out)
        names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
                 if isinstance(t, ast.Name)}
        assert "EXERCISE" in names and not names & {"HIDDEN", "MUTANTS"}, module.__name__
        assert "Mutant(" not in out, module.__name__
