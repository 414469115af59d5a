"""The scheduled jobs of JTS: a saq worker on a PostgreSQL queue, thin job functions."""
