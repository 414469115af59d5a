"""JTS store."""
