"""Operations: each organization's roster source (the HR system the roster sync pulls)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Mapped, mapped_column

from jts_store.tables.base import Base, organization_reference, reference


class RosterSourceRow(Base):
    """An organization's roster source: URL, bearer token, and the last finished sync.

    The token is a secret: it is read only to call the source, never answered back.
    """

    __tablename__ = "roster_sources"

    organization_id: Mapped[UUID] = mapped_column(organization_reference(), primary_key=True)
    url: Mapped[str]
    token: Mapped[str]
    updated_at: Mapped[datetime]
    updated_by: Mapped[UUID | None] = mapped_column(reference("employees.id"), index=True)
    last_synced_at: Mapped[datetime | None]
    last_counts: Mapped[dict[str, Any] | None]
