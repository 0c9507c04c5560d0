"""Exercise declarations of the topic parameters (Gluon track).

Example:
    >>> ORDER
    ('access', 'nested', 'init', 'tying')
"""

ORDER = ("access", "nested", "init", "tying")
