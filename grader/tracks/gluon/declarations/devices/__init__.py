"""Exercise declarations of the topic devices (Gluon track).

Example:
    >>> ORDER
    ('select', 'placement')
"""

ORDER = ("select", "placement")
