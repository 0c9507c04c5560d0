"""The side-by-side view of a similar pair: both texts cut into lines of marked and plain pieces.

The template puts the two columns next to each other and wraps each marked
piece (a region both submissions share) in ``<mark>``; this module only
splits the texts, so all escaping stays with Jinja2.

Example:
    >>> lines = split_marked("ab\\ncd", ((1, 4),))
    >>> [[(p.text, p.marked) for p in line] for line in lines]
    [[('a', False), ('b', True)], [('c', True), ('d', False)]]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["Piece", "split_marked", "pair_views", "MAX_VIEWS"]

MAX_VIEWS = 40
"""Side-by-side views in the class report (the highest-scoring pairs); the table lists every pair."""


@dataclass(frozen=True)
class Piece:
    """Some characters of one line, shared (``marked``) or not."""

    text: str
    marked: bool


def split_marked(text: str, spans: Sequence[tuple[int, int]]) -> list[list[Piece]]:
    """``text`` as lines of pieces; ``spans`` (sorted, disjoint ``[start, end)``) are marked."""
    flags = bytearray(len(text))
    for start, end in spans:
        lo, hi = max(0, start), min(end, len(text))
        if hi > lo:
            flags[lo:hi] = b"\x01" * (hi - lo)
    lines: list[list[Piece]] = []
    offset = 0
    for line in text.split("\n"):
        pieces: list[Piece] = []
        for i, ch in enumerate(line):
            marked = bool(flags[offset + i])
            if pieces and pieces[-1].marked == marked:
                pieces[-1] = Piece(pieces[-1].text + ch, marked)
            else:
                pieces.append(Piece(ch, marked))
        lines.append(pieces)
        offset += len(line) + 1
    return lines


def pair_views(report: Any, limit: int = MAX_VIEWS) -> list[dict[str, Any]]:
    """The views of the ``limit`` highest pairs of a :class:`~grader.batch.similarity.SimilarityReport`.

    Example:
        >>> from grader.batch.similarity import SimilarityReport, Settings
        >>> pair_views(SimilarityReport((), Settings()))
        []
    """
    views = []
    for n, p in enumerate(report.pairs[:limit]):
        (file_a, text_a), (file_b, text_b) = report.text(p.a, p.exercise), report.text(p.b, p.exercise)
        views.append({"pair": p, "anchor": f"sim-{n}", "file_a": file_a, "file_b": file_b,
                      "lines_a": split_marked(text_a, p.spans_a), "lines_b": split_marked(text_b, p.spans_b)})
    return views
