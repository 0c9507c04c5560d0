"""Mutants as changes to a solution: applied, refused when they no longer fit, written as a submission."""
from __future__ import annotations

import pytest

from grader.mutants import Mutant, MutantError

SOLUTION = "def forward(self, X):\n    return self.output(F.relu(self.hidden(X)))\n"


def test_edits_are_made_in_order():
    m = Mutant("m", "bug", edits=[("F.relu(", "F.sigmoid("), ("sigmoid", "tanh")], fails={"forward": "x"})
    assert m.apply(SOLUTION) == "def forward(self, X):\n    return self.output(F.tanh(self.hidden(X)))\n"


def test_an_edit_the_solution_no_longer_fits_is_an_error():
    m = Mutant("m", "bug", edits=[("F.gelu(", "F.relu(")], fails={"forward": "x"})
    with pytest.raises(MutantError, match="has no 'F.gelu\\(' to replace"):
        m.apply(SOLUTION)


def test_an_edit_that_changes_nothing_is_an_error():
    m = Mutant("m", "bug", edits=[("F.relu(", "F.relu(")], fails={"forward": "x"})
    with pytest.raises(MutantError, match="unchanged"):
        m.apply(SOLUTION)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "changes nothing"),
    ({"edits": [("a", "b")], "source": "x"}, "not both"),
    ({"edits": [("a", "b")], "fails": {"f": "x"}, "passes": ["f"]}, "both fails and passes"),
])
def test_malformed_declarations_are_refused(kwargs, message):
    with pytest.raises(MutantError, match=message):
        Mutant("m", "bug", **kwargs)


def test_a_submission_is_every_solution_with_the_mutant_in_place(tmp_path):
    solutions = tmp_path / "solutions"
    (solutions / "topic").mkdir(parents=True)
    (solutions / "topic" / "mlp.py").write_text(SOLUTION)
    (solutions / "topic" / "other.py").write_text("OTHER = 1\n")
    m = Mutant("m", "bug", edits=[("F.relu(", "F.sigmoid(")], siblings={"topic/other.py": None},
               fails={"forward": "x"})
    folder = m.write_submission("topic/mlp", solutions, tmp_path / "sub")
    assert "F.sigmoid(" in (folder / "topic" / "mlp.py").read_text()
    assert not (folder / "topic" / "other.py").exists()
    assert (solutions / "topic" / "other.py").exists() and "F.relu(" in (solutions / "topic" / "mlp.py").read_text()
