"""JTS domain."""
