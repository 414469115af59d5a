"""The administration ports on PostgreSQL: the directory of people, setup edits and
pending summaries."""
