"""Parameters (D2L "Parameter Management"): access, nested blocks, initialization, tying."""

ORDER = ("access", "nested", "init", "tying")
