"""JTD in PostgreSQL: tables, the repository, master data rows, recurrence expansion."""
