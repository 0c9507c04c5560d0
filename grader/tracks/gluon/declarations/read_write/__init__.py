"""Exercise declarations of the topic read_write (Gluon track).

Example:
    >>> ORDER
    ('tensor_io', 'clone', 'checkpoint')
"""

ORDER = ("tensor_io", "clone", "checkpoint")
