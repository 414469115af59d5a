"""Activity tracking in PostgreSQL: tables, month partitions, the set-wise ingest, and the
span-union queries (``uow.activity`` is :class:`jts_store.activity.repository.SqlActivity`)."""
