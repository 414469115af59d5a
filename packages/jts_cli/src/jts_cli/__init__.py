"""The `jts` command: the composition root that wires settings, the API and the worker."""
