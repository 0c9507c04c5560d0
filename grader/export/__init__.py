"""``grade export``: a finished batch as a gradebook file for Canvas, Moodle or a spreadsheet.

Example:
    $ grade export canvas graded/ --roster canvas-export.csv --assignment "Lab 3 (48213)" --out canvas.csv
"""
from grader.export.graded import ExportError, GradedClass, read_graded
from grader.export.lms import Export, export_canvas, export_moodle
from grader.export.roster import match_roster, parse_roster

__all__ = ["Export", "ExportError", "GradedClass", "export_canvas", "export_moodle", "match_roster",
           "parse_roster", "read_graded"]
