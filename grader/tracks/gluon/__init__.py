"""The MXNet Gluon track (under construction): its managed environment (:mod:`.env`).

MXNet 1.9.1 runs in an interpreter of its own (see :mod:`grader.tracks.gluon.env`); importing
this package imports no framework.
"""
