"""Set-based reads: a whole organization's day in a few SQL statements."""
