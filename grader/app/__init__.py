"""The application layer of the ``grade`` command: one module per command, each composed by
:mod:`grader.app.root` (the installation, the seed, the reference source, the worker pool).

``grader.cli`` only declares the commands' options and calls one function here per command.

Example:
    >>> from grader.app.root import WIRING
    >>> sorted(WIRING)[:3]
    ['batch', 'check', 'ci']
"""
