"""Exploring a check's cases (grader.checks.explore): with a batch's memory of what hypothesis did
(grader.checks.drawn), the same cases are examined in the same order, the same failure is found and
shrunk, and hypothesis does not run where the memory already knows the whole run."""
from __future__ import annotations

import random
from typing import Any, Callable

import pytest
from hypothesis import strategies as st

from grader.checks import explore as explore_module
from grader.checks.base import Failure
from grader.checks.drawn import MAX_CALLS, DrawnCases, outcome_of
from grader.checks.explore import explore

CASES = st.fixed_dictionaries({"n": st.integers(1, 40), "m": st.integers(1, 9)})


def _student(fails: Callable[[dict[str, Any]], bool]) -> tuple[list[dict[str, Any]], Callable[[Any], None]]:
    """An ``examine`` that logs every case it is given and fails where ``fails`` says."""
    log: list[dict[str, Any]] = []

    def examine(case: dict[str, Any]) -> None:
        log.append(dict(case, rnd=random.random()))  # the seeded random hypothesis gives each case
        if fails(case):
            raise Failure(f"n={case['n']} m={case['m']}")

    return log, examine


STUDENTS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "passes": lambda case: False,
    "fails_large_n": lambda case: case["n"] > 25,
    "fails_always": lambda case: True,
    "fails_rarely": lambda case: case["n"] * case["m"] == 36,
}


def _run(name: str, drawn: dict[str, DrawnCases] | None) -> tuple[list[dict[str, Any]], Any]:
    random.seed(0)  # what the extra cases see after hypothesis restored it
    log, examine = _student(STUDENTS[name])
    failure = explore(CASES, examine, seed=7, max_examples=30, extra=({"n": 1, "m": 1},), key="c", drawn=drawn)
    return log, failure and (failure.feedback, failure.drawn)


@pytest.mark.parametrize("order", [("passes", "fails_large_n", "fails_always", "fails_rarely", "passes"),
                                   ("fails_always", "fails_large_n", "passes", "fails_rarely", "passes"),
                                   ("fails_rarely", "fails_large_n", "fails_always", "passes", "fails_large_n")])
def test_with_the_memory_each_student_is_examined_exactly_as_without_it(order: tuple[str, ...]) -> None:
    drawn: dict[str, DrawnCases] = {}
    for name in order:
        assert _run(name, drawn) == _run(name, None), name
    assert drawn["c:7:30"].first is not None and drawn["c:7:30"].calls > 20


def test_a_known_run_is_examined_without_running_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: dict[str, DrawnCases] = {}
    expected = {name: _run(name, drawn) for name in ("passes", "fails_large_n", "fails_always")}
    assert len(expected["passes"][0]) > 20 and expected["passes"][1] is None
    assert expected["fails_large_n"][1] == ("n=26 m=1", {"n": 26, "m": 1})  # shrunk to the smallest
    monkeypatch.setattr(explore_module, "given", None)  # hypothesis would fail at once if it were used
    for name, result in expected.items():  # the same outcomes again: the whole run, shrinking included
        assert _run(name, drawn) == result, name
    with pytest.raises(TypeError):
        _run("fails_rarely", drawn)  # a new outcome: hypothesis must go on from there


def test_a_memory_that_disagrees_with_hypothesis_is_not_trusted_beyond_the_disagreement() -> None:
    truth = _run("passes", None)[0]
    wrong = DrawnCases()
    try:
        raise Failure("made up")
    except Failure as failure:
        assert wrong.add([({"n": 99, "m": 99}, outcome_of(failure))])
    drawn = {"c:7:30": wrong}
    log, failure = _run("passes", drawn)
    assert failure is None and log[0]["n"] == 99 and log[1:] == truth  # every drawn case still examined
    assert drawn["c:7:30"].calls == 1  # nothing learnt from that run


def test_a_tree_keeps_at_most_its_bound() -> None:
    tree = DrawnCases()
    assert tree.add([({"n": i}, None) for i in range(MAX_CALLS)])
    assert not tree.add([({"n": 0}, None), ({"n": -1}, None)]) and tree.calls == MAX_CALLS


def test_without_hypothesis_internals_a_batch_keeps_nothing_and_grades_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _run("fails_large_n", None)
    monkeypatch.setattr(explore_module, "AVAILABLE", False)  # a hypothesis that lacks what the memory uses
    drawn: dict[str, DrawnCases] = {}
    assert _run("fails_large_n", drawn) == expected and drawn == {}
