"""Exports: a tenant's data out as rows of text cells (timesheets, attendance, scores,
tasks), within the caller's reach, streamed from the store a batch at a time."""
