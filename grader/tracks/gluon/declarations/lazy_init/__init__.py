"""Exercise declarations of the topic lazy_init (Gluon track).

Example:
    >>> ORDER
    ('lazy_mlp',)
"""

ORDER = ("lazy_mlp",)
