"""The fixed list of cases a check examines when its expected values are recorded or replayed.

Hypothesis shrinks towards cases that depend on how the submission fails, and
a recording cannot hold answers for those. So with a recording both sides
examine the same list: the cases hypothesis draws for the seed when nothing
fails, plus the catalog's defaults, smallest first. The release notes their
text; a replay that draws other cases (another hypothesis version) stops with
a clear message instead of comparing against missing answers.

Example:
    >>> sorted([{"n": 10}, {"n": 2}, {"n": 3, "m": 1}], key=case_size)
    [{'n': 2}, {'n': 3, 'm': 1}, {'n': 10}]
"""
from __future__ import annotations

import re
from typing import Any

from grader.checks.base import GraderFault
from grader.expected.store import Recording

__all__ = ["CaseBook", "case_size"]

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def case_size(case: Any) -> tuple[float, int]:
    """How big a case reads: the sum of the numbers in its text, then its length."""
    text = repr(case)
    return sum(abs(float(n)) for n in _NUMBER.findall(text)), len(text)


class CaseBook:
    """Where the fixed case lists of one exercise are written (recording) or checked (replay)."""

    def __init__(self, recording: Recording, *, verify: bool) -> None:
        self.recording = recording
        self.verify = verify

    def settle(self, key: str, cases: list[Any]) -> list[Any]:
        """``cases`` smallest first, without repeats; recorded, or checked against the recording."""
        unique: dict[str, Any] = {}
        for case in sorted(cases, key=case_size):
            unique.setdefault(repr(case), case)
        texts = list(unique)
        if not self.verify:
            self.recording.cases.setdefault(key, texts)
        elif self.recording.cases.get(key) != texts:
            import hypothesis

            raise GraderFault(f"the cases drawn for {key} differ from those the release recorded (hypothesis "
                              f"{hypothesis.__version__} here): install the versions of torch and hypothesis "
                              f"that the release pins")
        return list(unique.values())
