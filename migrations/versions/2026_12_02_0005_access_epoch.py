"""Employees' access epoch: tokens of an earlier epoch are refused.

Revision ID: 0005_access_epoch
Revises: 0010_jobs_to_do
Create Date: 2026-12-02 09:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_access_epoch"
down_revision: str | None = "0010_jobs_to_do"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "employees",
        sa.Column("access_epoch", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("employees", "access_epoch")
