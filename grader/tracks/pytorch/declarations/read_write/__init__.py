"""Reading and writing (D2L "File I/O"): tensors, checkpoints and clones through real files.

Every file lives in the worker's per-exercise scratch directory (relative paths); the judge never
opens, let alone unpickles, a file a submission wrote.
"""

ORDER = ("tensor_io", "checkpoint", "clone")
