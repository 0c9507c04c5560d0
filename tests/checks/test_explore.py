"""Exploring a check's cases (grader.checks.explore): with a batch's memory of the cases drawn, the
same cases are examined in the same order, the same failure is found and shrunk, and hypothesis
does not run where the memory already knows everything it would draw."""
from __future__ import annotations

import random
from typing import Any, Callable

import pytest
from hypothesis import strategies as st

from grader.checks import explore as explore_module
from grader.checks.base import Failure
from grader.checks.explore import DrawnCases, explore

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
    assert drawn["c:7:30"].complete  # a student who passed every case left the whole list


def test_a_known_complete_list_is_examined_without_running_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: dict[str, DrawnCases] = {}
    expected = _run("passes", drawn)
    assert len(expected[0]) > 20 and expected[1] is None
    monkeypatch.setattr(explore_module, "given", None)  # hypothesis would fail at once if it were used
    assert _run("passes", drawn) == expected
    with pytest.raises(TypeError):
        _run("fails_large_n", drawn)  # a failure needs hypothesis to shrink


def test_a_failure_leaves_the_cases_up_to_it_and_the_next_student_goes_on_from_there() -> None:
    drawn: dict[str, DrawnCases] = {}
    log, failure = _run("fails_large_n", drawn)
    prefix = drawn["c:7:30"]
    assert not prefix.complete and prefix.cases[-1]["n"] > 25 and all(c["n"] <= 25 for c in prefix.cases[:-1])
    assert failure is not None and failure[1] == {"n": 26, "m": 1}  # shrunk to the smallest
    _run("passes", drawn)
    assert drawn["c:7:30"].complete and drawn["c:7:30"].cases[:len(prefix.cases)] == prefix.cases


def test_a_memory_that_disagrees_with_hypothesis_is_not_trusted_beyond_the_disagreement() -> None:
    truth = _run("passes", None)[0]
    drawn = {"c:7:30": DrawnCases(({"n": 99, "m": 99},), complete=False)}
    log, failure = _run("passes", drawn)
    assert failure is None and log[0]["n"] == 99 and log[1:] == truth  # every drawn case still examined
    assert "c:7:30" in drawn and drawn["c:7:30"].cases == ({"n": 99, "m": 99},)  # nothing learnt from it
