"""An autograder for the "Deep Learning Computation" chapter of Dive into Deep Learning.

Student code runs only in confined worker processes; the judge, which holds
the reference solutions, compares and scores.
"""
__version__ = "0.1.0"
