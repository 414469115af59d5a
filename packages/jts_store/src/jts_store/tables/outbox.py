"""The transactional outbox: events written in the transaction that caused them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Identity, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from jts_store.tables.base import Base, Xid8, organization_reference


class OutboxRow(Base):
    """An event written in the transaction that caused it; ``txid`` orders commits."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_txid_id", "txid", "id"),
        Index("ix_outbox_organization_id_id", "organization_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    txid: Mapped[int] = mapped_column(Xid8, server_default=text("pg_current_xact_id()"))
    organization_id: Mapped[UUID] = mapped_column(organization_reference())
    name: Mapped[str]
    payload: Mapped[dict[str, Any]]
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
