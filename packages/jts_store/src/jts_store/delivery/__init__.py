"""Delivery and webhooks in PostgreSQL: tables, repositories, the sandboxed template
renderer, the secret box that keeps webhook secrets encrypted, and the host resolver."""
