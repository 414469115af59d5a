"""Operations in PostgreSQL: export queries, retention, roster sync."""
