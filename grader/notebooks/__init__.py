"""Notebook submissions: which file is graded, how its cells run, and checking from Jupyter."""
