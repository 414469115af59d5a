"""Repositories: every SQL statement of JTS, each implementing a port of jts_domain."""
