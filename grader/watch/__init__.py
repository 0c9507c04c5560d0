"""`grade watch`: re-grade on every save with a warm judge and worker pool."""
