"""Operations: logs, request ids, metrics and the health check."""
