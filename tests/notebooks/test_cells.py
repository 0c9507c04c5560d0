"""The run plan: which cells and lines run, and where each line is."""
from __future__ import annotations

import doctest

from grader.notebooks import cells
from grader.notebooks.cells import plan_notebook


def nb(*cells_: dict) -> dict:
    return {"cells": list(cells_)}


def c(source: str, *tags: str) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}}


def test_cells_are_numbered_over_all_cells_and_markdown_never_runs() -> None:
    plan = plan_notebook(nb({"cell_type": "markdown", "source": "x = 1"}, {"cell_type": "raw", "source": "y = 2"},
                            c("z = 3")))
    assert [cell.number for cell in plan.runnable] == [3]
    assert plan.skipped == ()


def test_skipped_cells_and_lines_are_listed_and_made_pass() -> None:
    plan = plan_notebook(nb(c("%%timeit\nf()"), c("slow()", "skip-grading"),
                            c("import os\n!ls\nfiles = !ls\nw = %who_ls\n%matplotlib inline\nos?\n??os\nx = 1")))
    assert [str(s) for s in plan.skipped] == [
        "cell 1: cell magic `%%timeit`", "cell 2: tagged skip-grading",
        "cell 3, line 2: shell line `!ls`", "cell 3, line 3: shell line `files = !ls`",
        "cell 3, line 4: line magic `w = %who_ls`", "cell 3, line 5: line magic `%matplotlib inline`",
        "cell 3, line 6: help line `os?`", "cell 3, line 7: help line `??os`"]
    assert plan.runnable[0].code.split("\n") == ["import os"] + ["pass"] * 6 + ["x = 1"]


def test_a_magic_inside_a_block_keeps_the_block_valid() -> None:
    plan = plan_notebook(nb(c("if True:\n    %time f()\n    y = 2")))
    assert plan.runnable[0].code == "if True:\n    pass\n    y = 2"


def test_valid_python_is_never_rewritten() -> None:
    source = 'y = (a\n     % b)\ns = """why?\n!not shell\n"""'
    plan = plan_notebook(nb(c(source)))
    assert plan.runnable[0].code == source and plan.skipped == ()


def test_lines_inside_a_string_are_not_magics_in_a_cell_that_has_one() -> None:
    plan = plan_notebook(nb(c('%time x = 1\ndoc = """Why?\n!important\n"""')))
    assert [s.line for s in plan.skipped] == [1]


def test_virtual_lines_map_back_to_cell_and_line() -> None:
    plan = plan_notebook(nb({"cell_type": "markdown", "source": "# a\n# b"}, c("x = 1\ny = 2"), c("z = 3")))
    second, third = plan.runnable
    assert plan.place(second.first_line) == (2, 1)
    assert plan.place(second.first_line + 1) == (2, 2)
    assert plan.place(third.first_line) == (3, 1)
    assert plan.text(2, 2) == "y = 2"
    flat = plan.flat_source().split("\n")
    assert flat[third.first_line - 1] == "z = 3" and flat[0] == ""  # markdown is not code


def test_list_sources_and_crlf_are_read_like_strings() -> None:
    plan = plan_notebook(nb({"cell_type": "code", "source": ["a = 1\r\n", "b = 2"]}))
    assert plan.runnable[0].lines == ("a = 1", "b = 2")


def test_docstring_examples() -> None:
    assert doctest.testmod(cells).failed == 0
