"""A roster exported from the learning-management system, matched to the batch's submission ids.

The roster is a CSV file with a header row (UTF-8, a byte-order mark is
fine; Canvas's ``Points Possible`` row and blank rows are skipped). One of
its columns holds what the submissions are named after: ``--roster-key``
names it, or else the first of :data:`KEY_COLUMNS` present that matches the
most submission ids. Ids match case-insensitively, and an e-mail address
also matches by the part before ``@`` (``ann@uni.edu`` is ``ann``).

Example:
    >>> roster = parse_roster("Student,ID,SIS Login ID,Section\\nAnn Lee,11,ann,A\\nBob Ray,12,bob,A\\n")
    >>> m = match_roster(roster, ["ann", "zed"])
    >>> m.key, [(r["Student"], s) for r, s in m.rows], m.missing, m.unknown
    ('SIS Login ID', [('Ann Lee', 'ann'), ('Bob Ray', None)], ['Bob Ray (bob)'], ['zed'])
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

from grader.export.graded import ExportError

__all__ = ["KEY_COLUMNS", "Roster", "RosterMatch", "parse_roster", "match_roster"]

KEY_COLUMNS = ("submission", "SIS Login ID", "SIS User ID", "Username", "Email address", "Email", "ID number",
               "ID")
_NAME_COLUMNS = ("Student", "Full name", "Name")


@dataclass(frozen=True)
class Roster:
    """The header and the rows (column -> text) of a roster."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class RosterMatch:
    """Roster rows in roster order with their submission id (None: no submission), and the mismatches."""

    key: str
    rows: tuple[tuple[dict[str, str], str | None], ...]
    missing: list[str]
    unknown: list[str]


def parse_roster(text: str) -> Roster:
    """The roster in CSV ``text``; :class:`ExportError` if it has no header."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise ExportError("the roster is empty: expected a CSV file with a header row")
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells) or (cells and "Points Possible" in cells[0]):
            continue
        rows.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h})
    return Roster(tuple(h for h in header if h), tuple(rows))


def _keys(value: str) -> set[str]:
    """What a roster cell matches.

    Example:
        >>> sorted(_keys(" Ann@Uni.edu "))
        ['ann', 'ann@uni.edu']
    """
    v = value.strip().casefold()
    return {v, v.split("@", 1)[0]} if "@" in v else ({v} if v else set())


def _label(row: dict[str, str], key: str) -> str:
    """How the instructor recognises a roster row: the name, and the key in brackets.

    Example:
        >>> _label({"First name": "Ann", "Last name": "Lee", "Email address": "a@x"}, "Email address")
        'Ann Lee (a@x)'
    """
    first_last = " ".join(row[c] for c in ("First name", "Last name") if row.get(c))
    name = next((row[c] for c in _NAME_COLUMNS if row.get(c)), "") if not first_last else first_last
    if not name:
        return row.get(key, "") or "(unnamed row)"
    return f"{name} ({row[key]})" if row.get(key) and key not in _NAME_COLUMNS else name


def match_roster(roster: Roster, submissions: Sequence[str], key: str | None = None) -> RosterMatch:
    """Match ``submissions`` to ``roster`` rows (see the module docstring)."""
    ids = {s.casefold(): s for s in submissions}
    if key is None:
        present = [c for c in KEY_COLUMNS if c in roster.columns]
        if not present:
            raise ExportError(f"the roster has none of the columns {', '.join(KEY_COLUMNS)}; "
                              f"name the one that holds the submission ids with --roster-key")
        key = max(present, key=lambda c: (sum(1 for r in roster.rows if _keys(r.get(c, "")) & ids.keys()),
                                          -present.index(c)))
    elif key not in roster.columns:
        raise ExportError(f"--roster-key {key!r} is not a column of the roster ({', '.join(roster.columns)})")
    rows: list[tuple[dict[str, str], str | None]] = []
    taken: dict[str, str] = {}
    for row in roster.rows:
        hits = sorted(ids[k] for k in _keys(row.get(key, "")) if k in ids)
        student = hits[0] if hits else None
        if student is not None and student in taken:
            raise ExportError(f"two roster rows match the submission {student!r}: {taken[student]} and "
                              f"{_label(row, key)}")
        if student is not None:
            taken[student] = _label(row, key)
        rows.append((row, student))
    missing = [_label(r, key) for r, s in rows if s is None]
    unknown = sorted((s for s in submissions if s not in taken), key=lambda s: (s.casefold(), s))
    return RosterMatch(key, tuple(rows), missing, unknown)
