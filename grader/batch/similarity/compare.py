"""Rank the pairs of submissions of one exercise by how much of their own code they share.

Each submission is tokenised (:mod:`grader.batch.similarity.tokens`) and
fingerprinted by winnowing (:mod:`grader.batch.similarity.fingerprints`). Before
comparing, what anyone would write is discounted:

- every k-gram of the **boilerplate**: the exercise's stub and its shortest
  idiomatic solutions (the reference solution);
- every k-gram that **many** submissions of the class share: at least
  ``common_floor`` of them and at least ``common_fraction`` of the class (an
  idiom, not a copy: two students can never make a k-gram common).

A token that no discounted k-gram covers is the student's **own**. For a pair
``a, b``, the fingerprints both hold (and not discounted) mark the shared
regions; ``a``'s share is the number of its own tokens inside them divided by
its own tokens (at least ``min_own``, so that a few lines of own code cannot
score high), and the pair's **score** is the mean of both shares, from 0 to
1. Pairs scoring at least ``report_min`` are listed, highest first (ties by
exercise and ids); from ``threshold`` on they are **flagged**.

Example:
    >>> own = "def f(V):\\n    total = 0\\n    for item in V:\\n        total += item * item - 3\\n    return total\\n"
    >>> other = "def g(xs):\\n    return max(xs) // 2 if xs else None\\n"
    >>> renamed = own.replace("total", "acc").replace("item", "it")
    >>> pairs = compare_exercise("t/e", {"ann": own, "bob": renamed, "cat": other},
    ...                          settings=Settings(k=5, w=2, min_own=10))
    >>> [(p.a, p.b, round(p.score, 2), p.flagged) for p in pairs]
    [('ann', 'bob', 0.96, True)]
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

from grader.batch.similarity.fingerprints import kgram_hashes, winnow
from grader.batch.similarity.tokens import Token, normalise

__all__ = ["Settings", "Pair", "compare_exercise"]


@dataclass(frozen=True)
class Settings:
    """The knobs of the comparison (the defaults are what ``grade batch`` uses)."""

    k: int = 8
    """Tokens per k-gram: a shared region shorter than this is noise."""
    w: int = 4
    """Winnowing window: a shared region of ``k + w - 1`` tokens is always found."""
    threshold: float = 0.6
    """From this score on, a pair is flagged."""
    report_min: float = 0.3
    """Pairs below this score are not listed at all."""
    min_own: int = 40
    """The smallest own-token count a share is divided by."""
    common_fraction: float = 0.1
    common_floor: int = 4

    def as_dict(self) -> dict[str, float]:
        """For ``summary.json``.

        Example:
            >>> Settings().as_dict()["threshold"]
            0.6
        """
        return {"k": self.k, "w": self.w, "threshold": self.threshold, "report_min": self.report_min,
                "min_own": self.min_own, "common_fraction": self.common_fraction, "common_floor": self.common_floor}


@dataclass(frozen=True)
class Pair:
    """Two submissions of one exercise (``a < b``), their score and shared regions.

    ``spans_a``/``spans_b``: the shared regions as ``(start, end)`` character
    offsets in each text, sorted and disjoint; ``share_a``/``share_b``: the
    share of each one's own code that is shared.
    """

    exercise: str
    a: str
    b: str
    score: float
    flagged: bool
    share_a: float
    share_b: float
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Doc:
    tokens: list[Token]
    hashes: list[int]
    prints: dict[int, list[int]]


def _doc(text: str, k: int, w: int) -> _Doc:
    tokens = normalise(text)
    hashes = kgram_hashes([t.text for t in tokens], k)
    prints: dict[int, list[int]] = defaultdict(list)
    for h, pos in winnow(hashes, w):
        prints[h].append(pos)
    return _Doc(tokens, hashes, dict(prints))


def _covered(positions: Sequence[int], k: int, n: int) -> list[bool]:
    mask = [False] * n
    for pos in positions:
        for i in range(pos, min(pos + k, n)):
            mask[i] = True
    return mask


def _spans(doc: _Doc, mask: Sequence[bool]) -> tuple[tuple[int, int], ...]:
    """Runs of marked tokens as character ranges.

    Example:
        >>> d = _doc("a = b + c", 2, 1)
        >>> _spans(d, [True, True, False, True, True])
        ((0, 3), (6, 9))
    """
    spans: list[tuple[int, int]] = []
    for i, on in enumerate(mask):
        if not on:
            continue
        tok = doc.tokens[i]
        if spans and i > 0 and mask[i - 1]:
            spans[-1] = (spans[-1][0], tok.end)
        else:
            spans.append((tok.start, tok.end))
    return tuple(spans)


def compare_exercise(exercise: str, texts: Mapping[str, str], *, boilerplate: Sequence[str] = (),
                     settings: Settings = Settings()) -> list[Pair]:
    """The listed pairs of one exercise (see the module docstring); ``texts``: student -> code."""
    k, w = settings.k, settings.w
    docs = {s: _doc(t, k, w) for s, t in sorted(texts.items())}
    discounted: set[int] = set()
    for text in boilerplate:
        discounted.update(kgram_hashes([t.text for t in normalise(text)], k))
    counts: dict[int, int] = defaultdict(int)
    for d in docs.values():
        for h in set(d.hashes):
            counts[h] += 1
    common_at = max(settings.common_floor, math.ceil(settings.common_fraction * len(docs)))
    discounted.update(h for h, c in counts.items() if c >= common_at)
    own: dict[str, list[bool]] = {}
    for s, d in docs.items():
        boiler = _covered([i for i, h in enumerate(d.hashes) if h in discounted], k, len(d.tokens))
        own[s] = [not b for b in boiler]
    index: dict[int, list[str]] = defaultdict(list)
    for s, d in docs.items():
        for h in d.prints:
            if h not in discounted:
                index[h].append(s)
    candidates = sorted({pair for owners in index.values() for pair in combinations(owners, 2)})
    pairs = []
    for a, b in candidates:
        da, db = docs[a], docs[b]
        shared = [h for h in da.prints if h in db.prints and h not in discounted]
        shares, spans = [], []
        for s, d in ((a, da), (b, db)):
            mask = _covered([p for h in shared for p in d.prints[h]], k, len(d.tokens))
            mine = [m and o for m, o in zip(mask, own[s])]
            shares.append(sum(mine) / max(sum(own[s]), settings.min_own))
            spans.append(_spans(d, mask))
        score = round(sum(shares) / 2, 4)
        if score >= settings.report_min:
            pairs.append(Pair(exercise, a, b, score, score >= settings.threshold, round(shares[0], 4),
                              round(shares[1], 4), spans[0], spans[1]))
    pairs.sort(key=lambda p: (-p.score, p.exercise, p.a, p.b))
    return pairs
