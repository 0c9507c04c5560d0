"""``grade ci``: grading in a CI job (GitHub Actions), with JUnit XML, a Markdown summary and an exit status.

- :mod:`grader.ci.threshold`: ``--min-score`` (``0.6`` or ``60%``) and the exit status.
- :mod:`grader.ci.junit`: JUnit XML, one testsuite per exercise, one testcase per check.
- :mod:`grader.ci.summary`: the Markdown summary (``$GITHUB_STEP_SUMMARY``).
- :mod:`grader.ci.command`: the command's body (grade, print, write the files).

The GitHub Actions workflow for student repositories is
``student-template/.github/workflows/grade.yml``.

Example:
    >>> from grader.ci import junit_xml, parse_min_score, summary_markdown, verdict
    >>> parse_min_score("75%")
    0.75
"""
from __future__ import annotations

from grader.ci.junit import junit_xml, write_junit
from grader.ci.summary import append_step_summary, summary_markdown, write_summary
from grader.ci.threshold import Verdict, parse_min_score, verdict

__all__ = ["junit_xml", "write_junit", "summary_markdown", "write_summary", "append_step_summary",
           "Verdict", "parse_min_score", "verdict"]
